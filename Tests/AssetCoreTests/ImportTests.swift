@testable import AssetCore
import Foundation
import Testing

@Suite struct CSVTests {
    @Test func documentsRoundTrip() throws {
        let rows = [["U-1", "张三, 李四", "say \"hi\""], ["=SUM(A1)", "line\nbreak", ""], ["-5", "@x", "+1"]]
        let text = CSV.document(header: ["a", "b", "c"], rows: rows)
        #expect(text.hasPrefix("\u{FEFF}"))
        #expect(text.contains("'=SUM(A1)"), "formulas are defused for spreadsheets")
        let parsed = try CSV.parse(text)
        #expect(parsed.map(\.fields) == [["a", "b", "c"]] + rows)
        #expect(parsed.map(\.line) == [1, 2, 3, 5])
    }

    @Test func anUnclosedQuoteNamesItsLine() {
        let error = ledgerError { _ = try CSV.parse("a,b\n1,\"open\n2,3\n") }
        #expect(error?.text(.en).contains("line 2") == true)
    }
}

@Suite struct ImportTests {
    static let header = "统一编号,类别,密级,责任人,厂商ID,产品ID,序列号,容量(字节)\n"

    @Test func exportThenImportGivesTheSameLedger() throws {
        let source = try Fixture()
        try source.person("P001", "张三")
        try source.person("P002", "李四")
        let n = try source.stick()
        var change = MediumChanges()
        change.place = "密码柜3, 第2层"
        change.notes = "=注意"
        try source.run(.mediaUpdate(number: n, changes: change))
        try source.stick(serial: "AA00BB11CC22")
        try source.move(.loan, "U-2026-0002") { $0.person = "P002"; $0.approver = "王五"; $0.dueDate = Day(parsing: "2026-12-10") }
        let media = try source.answer(.mediaList(MediaFilter()), \.media)

        for language in Language.allCases {
            let target = try Fixture()
            try target.person("P001", "张三")
            try target.person("P002", "李四")
            let numbers = try target.answer(.mediaImport(csv: MediaCSV.export(media, language: language)), \.imported)
            #expect(numbers == media.map(\.number))
            let copied = try target.answer(.mediaList(MediaFilter()), \.media)
            #expect(copied == media, "round trip in \(language)")
        }
    }

    @Test func jsonRoundTrips() throws {
        let f = try Fixture()
        try f.person("P001", "张三")
        let n = try f.stick()
        let medium = try f.medium(n)
        let data = try JSONEncoder().encode(medium)
        #expect(try JSONDecoder().decode(Medium.self, from: data) == medium)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"level\":\"secret\"") && text.contains("\"number\":\"U-2026-0001\""))
    }

    @Test func badRowsAreAllReportedAndNothingIsWritten() throws {
        let f = try Fixture()
        try f.person("P001", "张三")
        let csv = Self.header
            + "U-1,U盘,机密,P001,0781,5567,AA00BB11CC22,1000\n"      // line 2: good
            + "U-2,U盘,超级机密,P001,0781,5567,AA00BB11CC23,1000\n"  // line 3: bad level
            + "U-3,U盘,机密,P404,0781,5567,AA00BB11CC24,1000\n"      // line 4: unknown holder
            + "U-4,U盘,机密,P001,0781,5567,AA00BB11CC22,1000\n"      // line 5: duplicate identity of line 2
            + "U-1,光盘,秘密,P001,,,,\n"                               // line 6: duplicate number
            + "U-6,U盘,机密,P001,0781,5567,0123456789ABCDEF,lots\n"  // line 7: bad capacity
            + "U-7,U盘,机密\n"                                         // line 8: short row
        let error = ledgerError { try f.run(.mediaImport(csv: csv)) }
        #expect(error?.kind == .validation)
        let text = error?.text(.en) ?? ""
        for line in 3...8 { #expect(text.contains("line \(line):"), "line \(line) is reported: \(text)") }
        #expect(!text.contains("line 2:"))
        #expect(text.contains("U-1"), "the duplicate names the medium")
        let media = try f.answer(.mediaList(MediaFilter()), \.media)
        #expect(media.isEmpty, "all or nothing")
    }

    @Test func unknownColumnsAreRefused() throws {
        let f = try Fixture()
        let error = ledgerError { try f.run(.mediaImport(csv: "统一编号,颜色\nU-1,红\n")) }
        #expect(error?.text(.zh).contains("颜色") == true)
    }
}
