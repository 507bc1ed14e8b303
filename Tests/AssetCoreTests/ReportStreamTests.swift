@testable import AssetCore
import Foundation
import GRDB
import Testing

/// The streamed listings (`InventoryService.report`, what `mediactl --db` and the daemon run) must
/// print exactly what rendering the service's reply from model values prints (the reference kept in
/// ReferenceReports.swift), for every format and language, over rows full of the text that trips up
/// terminals and spreadsheets.
@Suite struct ReportStreamTests {
    /// Free text the listings must escape, defuse, quote or measure.
    static let awkward: [String?] = [
        nil, "", "密码柜3", "=SUM(A1:A9)", "+1", "-x", "@cmd", "\tlead", "a,b", "say \"hi\"", "two\r\nlines",
        "back\\slash", "bell\u{07}", "e\u{301}", "\"\u{301}quote", "rtl\u{202E}txt", "c1\u{85}", "zero\u{200B}w",
        "emoji 🚀", "全角ＡＢ", "한국어", "ｶﾅ", String(repeating: "宽", count: 30), "plain",
        // Past the first eight bytes, where the writers look a word at a time.
        "a long plain prefix, then a comma", "0123456789\"quoted", "long prefix text\\back", "0123456789abcdef\u{01}",
        "0123456789abcdef\u{7F}", "0123456789abcdefé", "0123456789abcdef\r\n", "0123456789abcdef~ \u{1F}x",
    ]

    static func text(_ i: Int) -> String? { awkward[i % awkward.count] }

    /// A ledger of `count` media and violations, filled with SQL so that it can also hold what the
    /// service would never write (non-canonical dates, invalid UTF-8, an embedded NUL).
    static func ledger(media count: Int) throws -> Fixture {
        let f = try Fixture()
        try f.person("P001", "张三")
        try f.person("李四", "李四")
        try f.store.write { db in
            let kinds = MediumKind.allCases, levels = Level.allCases, states = MediumState.allCases
            for i in 0..<count {
                let identity = i % 3 != 0
                let args: StatementArguments = [
                    String(format: "N-%05d", i), kinds[i % kinds.count].rawValue, levels[i % levels.count].rawValue,
                    text(i + 1), i % 2 == 0 ? "P001" : "李四", text(i + 2), text(i + 3), text(i + 4), text(i + 5),
                    [nil, "2026-01-05", "2026/1/5", "2024-02-29"][i % 4], text(i + 6), text(i + 7),
                    identity ? "0781" : nil, identity ? "5567" : nil, identity || i % 2 == 0 ? (text(i + 8) ?? "S") + "#\(i)" : nil,
                    [nil, 15_376_318_464, -1][i % 3] as Int64?, ["[]", "[\"u1\",\"u2\"]"][i % 2], ["[]", "[\"PC-1\"]"][i % 5 == 0 ? 1 : 0],
                    states[i % states.count].rawValue, i % 4 == 0 ? "P001" : nil, i % 4 == 0 ? "2099-12-10" : nil, text(i + 9),
                    "2026-01-01T00:00:00Z",
                ]
                try db.execute(sql: "INSERT INTO medium (\(Rows.mediumColumns)) VALUES (\(Array(repeating: "?", count: 23).joined(separator: ",")))",
                               arguments: args)
                try db.execute(sql: """
                    INSERT INTO violation (at, type, severity, computer, medium_number, person, outcome, reason_zh, reason_en,
                        status, acknowledged_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [
                        [Timestamp(secondsSinceEpoch: 1_767_225_600 + Int64(i) * 61).description, "2026-01-02 03:04"][i % 7 == 0 ? 1 : 0],
                        ViolationType.allCases[i % ViolationType.allCases.count].rawValue,
                        Severity.allCases[i % 4].rawValue, text(i), text(i + 1), text(i + 2),
                        ["blocked", "logged", "audited"][i % 3], "原因\(text(i + 3) ?? "")", "reason \(text(i + 4) ?? "")",
                        i % 2 == 0 ? "open" : "acknowledged", i % 2 == 0 ? nil : text(i + 5)])
            }
            // The members a guard's violation has and an acknowledgement adds (JSON shows every one).
            try db.execute(sql: "INSERT INTO device_event (id, at, kind) VALUES (7, '2026-01-01T00:00:00Z', 'add')")
            try db.execute(sql: """
                UPDATE violation SET event_id = 7, serial = 'S/N "1"\\x', device = 'SanDisk Cruzer', note = '见\t附件',
                    acknowledged_at = CASE id % 3 WHEN 0 THEN '2026-02-01T08:00:00Z' WHEN 1 THEN '2026-02-01 08:00'
                    ELSE 'not a time' END
                WHERE id % 4 = 2
                """)
            // What only a damaged or hand-edited ledger holds: bytes that are not UTF-8, a NUL.
            try db.execute(sql: "UPDATE medium SET place = CAST(X'41FF42' AS TEXT), notes = CAST(X'6100620A' AS TEXT) WHERE number = 'N-00001'")
            try db.execute(sql: "UPDATE violation SET reason_en = CAST(X'E4B8AD80' AS TEXT), computer = CAST(X'50430043' AS TEXT) WHERE id = 2")
        }
        return f
    }

    static func streamed(_ f: Fixture, _ listing: Listing, _ format: ReportFormat, _ language: Language) throws -> String {
        let box = TextBox()
        var output = ReportOutput.collecting(into: box)
        // UTC, as the reference renderer prints: the machine's own zone would make the test depend on it.
        try f.service.report(listing, format: format, language: language, zone: .fixed(seconds: 0), caller: f.admin, to: &output)
        return box.text
    }

    static func rendered(_ f: Fixture, _ listing: Listing, _ format: ReportFormat, _ language: Language) throws -> String {
        switch try f.run(listing.request) {
        case .media(let media): try MediaReport.render(media, format: format, language: language)
        case .violations(let list): try ViolationReport.render(list, format: format, language: language)
        default: ""
        }
    }

    /// The listings' formats (HTML is the reports', refused by a listing: OfficerReportTests).
    static let listingFormats: [ReportFormat] = [.table, .json, .csv]

    @Test(arguments: listingFormats)
    func streamedListingsPrintWhatTheRepliesPrint(format: ReportFormat) throws {
        // 1,500 rows: several 64 KiB blocks in every format.
        let f = try Self.ledger(media: 1500)
        let listings: [Listing] = [
            .media(MediaFilter()), .media(MediaFilter(level: .secret)), .media(MediaFilter(state: .loaned, holder: "P001")),
            .media(MediaFilter(kind: .optical)), .media(MediaFilter(holder: "nobody")),
            .violations(ViolationFilter()), .violations(ViolationFilter(openOnly: true)),
            .violations(ViolationFilter(since: Timestamp(parsing: "2026-01-10")!)),
        ]
        for listing in listings {
            for language in [Language.zh, .en] {
                let streamed = try Self.streamed(f, listing, format, language)
                let rendered = try Self.rendered(f, listing, format, language)
                #expect(streamed == rendered, "\(listing) \(format) \(language)")
            }
        }
        let all = try Self.streamed(f, .media(MediaFilter()), format, .en)
        #expect(all.utf8.count > 3 * 64 * 1024 && all.contains("N-01499"))
        if format == .json {
            // The fixture reaches every member of a violation, and every escape.
            let violations = try Self.streamed(f, .violations(ViolationFilter()), format, .en)
            for member in ["\"eventID\" : 7", "\"acknowledgedAt\" : \"2026-02-01T08:00:00Z\"", "\"serial\" : \"S/N \\\"1\\\"\\\\x\"",
                           "\"note\" : \"见\\t附件\"", "\"device\" : ", "\"acknowledgedBy\" : "] {
                #expect(violations.contains(member), "\(member)")
            }
            for member in ["\"capacityBytes\" : 15376318464", "\"capacityBytes\" : 18446744073709551615", "\"u2\"\n",
                           "\"boundComputers\" : [\n      \"PC-1\"\n    ]", "\\u0007", "\\r\\n"] {
                #expect(all.contains(member), "\(member)")
            }
        }
    }

    /// A listing's columns are named once, in its enum; the select lists they make are the ones the
    /// store's model path reads (less what a listing does not show), written out here by hand.
    @Test func listingsSelectTheColumnsTheModelPathReads() {
        #expect(MediaReport.TableColumn.selectList
            == "number, kind, level, state, holder, borrower, due_date, place, vendor_id, product_id, serial")
        #expect(MediaReport.RecordColumn.selectList + ", registered_at" == Rows.mediumColumns)
        #expect(ViolationReport.Column.selectList(.zh)
            == "id, at, type, severity, outcome, computer, medium_number, person, reason_zh, status, acknowledged_by, handling")
        #expect(ViolationReport.Column.selectList(.en).contains("person, reason_en, status"))
        #expect(JSONRows.ViolationColumn.selectList == GuardRows.violationColumns)
        #expect(MediaReport.RecordColumn.integers == [15] && JSONRows.ViolationColumn.integers == [0, 1]
            && ViolationReport.Column.integers == [0])
    }

    @Test func aTableIsAlignedByDisplayWidth() throws {
        let f = try Fixture()
        try f.person("P001", "张三")
        try f.store.write { db in
            for (number, place) in [("U-1", "密码柜3"), ("U-22", "safe"), ("U-333", "e\u{301}\u{07}")] {
                try db.execute(sql: """
                    INSERT INTO medium (number, kind, level, holder, place, state, registered_at)
                    VALUES (?, 'usb-stick', 'secret', 'P001', ?, 'in-service', '2026-01-01T00:00:00Z')
                    """, arguments: [number, place])
            }
        }
        // An empty serial still pads the place before it: the table's lines end in spaces there.
        let en = try Self.streamed(f, .media(MediaFilter()), .table, .en)
        #expect(en.components(separatedBy: "\n") == [
            "NUMBER  KIND       LEVEL   STATE       HOLDER  BORROWER  DUE  PLACE    SERIAL",
            "------  ---------  ------  ----------  ------  --------  ---  -------  ------",
            "U-1     usb-stick  secret  in-service  P001                   密码柜3  ",
            "U-22    usb-stick  secret  in-service  P001                   safe     ",
            "U-333   usb-stick  secret  in-service  P001                   e\u{301}\\x07    ",
            "3 medium(s)",
            "",
        ])
        let zh = try Self.streamed(f, .media(MediaFilter()), .table, .zh)
        #expect(zh.components(separatedBy: "\n") == [
            "统一编号  类别  密级  状态  责任人  借用人  归还期限  存放位置  序列号",
            "--------  ----  ----  ----  ------  ------  --------  --------  ------",
            "U-1       U盘   机密  在用  P001                      密码柜3   ",
            "U-22      U盘   机密  在用  P001                      safe      ",
            "U-333     U盘   机密  在用  P001                      e\u{301}\\x07     ",
            "共 3 件",
            "",
        ])
    }

    /// A table is measured in a pass that prints nothing (`TableWidths`): each column here is widest
    /// only once its cells are printed as the terminal sees them, so a measure that counted bytes or
    /// characters, or skipped the escaping, would misalign the table.
    @Test func tableWidthsAreThoseOfThePrintedCells() throws {
        let f = try Fixture()
        try f.person("P001", "张三")
        try f.store.write { db in
            let media: [(number: String, place: String, serial: String?, vendor: String?)] = [
                ("U-1", "abcde", "S1", "0781"),
                // A backslash is printed twice: 5 characters, 6 columns (the header is 5).
                ("U-22", "ab\\cd", "密码柜柜", "0781"),
                // A control character is printed as \x01: 3 characters, 9 columns.
                ("U-333", "x", "S\u{01}\u{01}", "0781"),
                // A serial without a complete identity is not shown, so it does not widen the column.
                ("U-4444", "密码", "A-SERIAL-MUCH-TOO-LONG", nil),
            ]
            for m in media {
                try db.execute(sql: """
                    INSERT INTO medium (number, kind, level, holder, place, vendor_id, product_id, serial, state, registered_at)
                    VALUES (?, 'usb-stick', 'secret', 'P001', ?, ?, '5567', ?, 'in-service', '2026-01-01T00:00:00Z')
                    """, arguments: [m.number, m.place, m.vendor, m.serial])
            }
            // What a NUL hides is not printed: "a" (1 column), not 11 bytes.
            try db.execute(sql: "UPDATE medium SET place = CAST(X'61006C6F6E67207461696C' AS TEXT) WHERE number = 'U-1'")
            // Borrower, due date and person stay NULL: those columns are as wide as their headers.
            let violations: [(computer: String, medium: String?, reason: String, by: String?)] = [
                ("PC-1", "M-1", "plain text", nil),
                // ASCII in every row but one: Chinese takes two columns a character.
                ("PC-0001\u{7F}", "中文中文", "reason", "x\\y\\z"),
                // Combining marks take none: 16 scalars, 8 columns.
                ("PC-000000", nil, String(repeating: "e\u{301}", count: 8), "ABCDEF"),
            ]
            for (i, v) in violations.enumerated() {
                try db.execute(sql: """
                    INSERT INTO violation (at, type, severity, computer, medium_number, outcome, reason_zh, reason_en, status,
                        acknowledged_by) VALUES ('2026-01-02T03:04:05Z', 'unregistered-medium', 'high', ?, ?, 'blocked', ?, ?, ?, ?)
                    """, arguments: [v.computer, v.medium, v.reason, v.reason, i == 0 ? "open" : "acknowledged", v.by])
            }
        }
        for listing: Listing in [.media(MediaFilter()), .violations(ViolationFilter())] {
            for language in [Language.zh, .en] {
                #expect(try Self.streamed(f, listing, .table, language) == Self.rendered(f, listing, .table, language),
                        "\(listing) \(language)")
            }
        }
        let media = try Self.streamed(f, .media(MediaFilter()), .table, .en).components(separatedBy: "\n")
        #expect(media[1] == "------  ---------  ------  ----------  ------  --------  ---  ------  ---------")
        #expect(media[3] == "U-22    usb-stick  secret  in-service  P001                   ab\\\\cd  密码柜柜")
        #expect(media[4] == "U-333   usb-stick  secret  in-service  P001                   x       S\\x01\\x01")
        let violations = try Self.streamed(f, .violations(ViolationFilter()), .table, .en).components(separatedBy: "\n")
        let rule = violations[1].split(separator: " ").map(\.count)
        // The time is printed with its offset: `2026-01-02 03:04:05 +00:00`, 26 columns.
        #expect([0, 1, 5, 6, 7, 8, 9].map { rule[$0] } == [1, 26, 11, 8, 6, 10, 22])
    }

    @Test func csvDefusesQuotesAndKeepsLineBreaksInsideACell() throws {
        let f = try Fixture()
        try f.person("P001", "张三")
        try f.store.write { db in
            try db.execute(sql: """
                INSERT INTO medium (number, kind, level, holder, place, notes, state, registered_at)
                VALUES ('U-1', 'usb-stick', 'secret', 'P001', '=HYPERLINK("x")', ?, 'in-service', '2026-01-01T00:00:00Z')
                """, arguments: ["two\r\nlines, \"quoted\""])
        }
        let csv = try Self.streamed(f, .media(MediaFilter()), .csv, .en)
        #expect(csv.hasPrefix("\u{FEFF}number,kind,level,state,holder,"))
        #expect(csv.hasSuffix("\r\nU-1,usb-stick,secret,in-service,P001,,,,\"'=HYPERLINK(\"\"x\"\")\",,,,,,,,,,,,,\"two\r\nlines, \"\"quoted\"\"\"\r\n"))
        let parsed = try MediaCSV.parse(csv)
        #expect(parsed.problems.isEmpty)
        #expect(parsed.rows.first?.registration.place == "=HYPERLINK(\"x\")")
        #expect(parsed.rows.first?.registration.notes == "two\r\nlines, \"quoted\"")
    }

    @Test func aDamagedValueIsNamed() throws {
        let f = try Self.ledger(media: 10)
        try f.store.write { db in try db.execute(sql: "UPDATE medium SET level = 'ultra' WHERE number = 'N-00004'") }
        for format in Self.listingFormats {
            let error = ledgerError { _ = try Self.streamed(f, .media(MediaFilter()), format, .en) }
            #expect(error?.text(.en).contains("column level: 'ultra'") == true, "\(format)")
        }
        // A table finds it while measuring, before its first line.
        let box = TextBox()
        var output = ReportOutput.collecting(into: box)
        let error = ledgerError { try f.service.report(.media(MediaFilter()), format: .table, language: .en, caller: f.admin, to: &output) }
        #expect(error != nil && box.bytes.isEmpty)
    }

    @Test func thePipelineKeepsRowOrderAcrossBatchesAndStopsOnAnError() throws {
        let queue = try DatabaseQueue()
        let sql = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000) SELECT i, 'row ' || i, NULL FROM n"
        try queue.read { db in
            let seen = Box([Int64]())
            try RowPipeline.run(db, sql: sql, arguments: [], columns: 3, integerColumns: [0], rowsPerBatch: 64) { row in
                #expect(row.string(1) == "row \(row.int64(0))" && row.isNull(2))
                seen.value.append(row.int64(0))
            }
            #expect(seen.value == Array(1...10000))

            let consumed = Box(0)
            let error = ledgerError {
                try RowPipeline.run(db, sql: sql, arguments: [], columns: 3, integerColumns: [0], rowsPerBatch: 64) { row in
                    consumed.value += 1
                    if row.int64(0) == 5000 { throw LedgerError(.storage, zh: "坏", en: "bad row") }
                }
            }
            #expect(error?.text(.en) == "bad row")
            #expect(consumed.value == 5000)
        }
    }
}
