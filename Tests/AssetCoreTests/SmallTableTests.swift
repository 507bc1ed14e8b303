@testable import AssetCore
import Testing

/// The layout rules of a table, a CSV document and a block of fields, on cells held in memory,
/// with the expected bytes written out by hand.
@Suite struct SmallTableTests {
    @Test func aTableAlignsByDisplayWidthAndEscapes() {
        let table = TextTable(header: ["NAME", "备注"], rows: [["张三", "a\u{0}b"], ["x\\y", "\u{7}bell"], ["\u{202E}rtl", ""]])
        #expect(table.render() == """
            NAME         备注
            -----------  --------
            张三         a\\x00b
            x\\\\y         \\x07bell
            \\u{202e}rtl  \("")

            """)
    }

    @Test func anEmptyTableIsItsHeaderAndRule() {
        #expect(TextTable(header: ["#", "时间"], rows: []).render() == "#  时间\n-  ----\n")
    }

    @Test func csvQuotesDefusesAndEndsLinesWithCRLF() {
        let document = CSV.document(header: ["a,b", "=x"], rows: [["-1", "q\"uote"], ["line\r\nbreak", "é\u{0}z"],
                                                                  ["@", ""], ["\tx", "+"]])
        #expect(document == "\u{FEFF}\"a,b\",'=x\r\n'-1,\"q\"\"uote\"\r\n\"line\r\nbreak\",é\u{0}z\r\n'@,\r\n'\tx,'+\r\n")
    }

    @Test func fieldsAlignTheirLabels() {
        #expect(Fields([("统一编号", "U\\1"), ("ID", "a\u{0}b")]).render() == "统一编号  U\\\\1\nID        a\\x00b\n")
    }
}
