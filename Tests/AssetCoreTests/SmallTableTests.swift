@testable import AssetCore
import Testing

/// The layout rules of a table, a CSV document and a block of fields on cells held in memory
/// (`SmallTable`, `Fields`), with the expected bytes written out by hand, and against the String
/// renderers the first version printed with (ReferenceReports.swift).
@Suite struct SmallTableTests {
    static func written(_ body: (inout ReportOutput) throws(LedgerError) -> Void) throws -> String {
        let box = TextBox()
        var output = ReportOutput.collecting(into: box)
        try body(&output)
        try output.flush()
        return box.text
    }

    static func table(_ header: [String], _ rows: [[String]]) throws -> String {
        try written { out throws(LedgerError) in try SmallTable(header: header, rows: rows).writeTable(to: &out) }
    }

    static func csv(_ header: [String], _ rows: [[String]]) throws -> String {
        try written { out throws(LedgerError) in try SmallTable(header: header, rows: rows).writeCSV(to: &out) }
    }

    @Test func aTableAlignsByDisplayWidthAndEscapes() throws {
        let rows = [["张三", "a\u{0}b"], ["x\\y", "\u{7}bell"], ["\u{202E}rtl", ""]]
        #expect(try Self.table(["NAME", "备注"], rows) == """
            NAME         备注
            -----------  --------
            张三         a
            x\\\\y         \\x07bell
            \\u{202e}rtl  \("")

            """)
        // The String renderer escaped the NUL (`a\x00b`); the byte path ends a cell at a NUL, as it
        // must for the ledger's text (where GRDB's strings end there too). Every other cell agrees.
        #expect(TextTable.render(header: ["NAME", "备注"], rows: rows).contains("张三         a\\x00b\n"))
        let withoutNUL = rows.map { $0.map { $0.replacingOccurrences(of: "\u{0}b", with: "") } }
        #expect(try Self.table(["NAME", "备注"], withoutNUL) == TextTable.render(header: ["NAME", "备注"], rows: withoutNUL))
    }

    @Test func anEmptyTableIsItsHeaderAndRule() throws {
        #expect(try Self.table(["#", "时间"], []) == "#  时间\n-  ----\n")
    }

    @Test func csvQuotesDefusesAndEndsLinesWithCRLF() throws {
        let header = ["a,b", "=x"], rows = [["-1", "q\"uote"], ["line\r\nbreak", "é\u{0}z"], ["@", ""], ["\tx", "+"]]
        #expect(try Self.csv(header, rows) == "\u{FEFF}\"a,b\",'=x\r\n'-1,\"q\"\"uote\"\r\n\"line\r\nbreak\",é\r\n'@,\r\n'\tx,'+\r\n")
        let withoutNUL = rows.map { $0.map { $0.replacingOccurrences(of: "\u{0}z", with: "") } }
        #expect(try Self.csv(header, withoutNUL) == CSV.document(header: header, rows: withoutNUL))
    }

    @Test func fieldsAlignTheirLabels() throws {
        let fields = Fields([("统一编号", "U\\1"), ("ID", "a\u{0}b"), ("备注", "\u{85}")])
        #expect(try Self.written { out throws(LedgerError) in try fields.write(to: &out) }
                == "统一编号  U\\\\1\nID        a\n备注      \\x85\n")
    }

    /// A few hundred rows (more than one 64 KiB block) come out whole and in order.
    @Test func aLargerTableCrossesBlocks() throws {
        let rows = (1...3000).map { ["\($0)", String(repeating: "密", count: $0 % 7), "row \($0)"] }
        let header = ["#", "TEXT", "NOTE"]
        #expect(try Self.table(header, rows) == TextTable.render(header: header, rows: rows))
        #expect(try Self.csv(header, rows) == CSV.document(header: header, rows: rows))
    }
}
