import Foundation
import Testing

/// `media list` and `violations list` over a few thousand rows, through the built mediactl: the
/// listings stream in 64 KiB blocks, so these cross many block boundaries.
@Suite struct ListingTests {
    static let rows = 3000

    func clerk() throws -> CLI {
        let cli = try CLI()
        try cli.ok(["person", "add", "--id", "P001", "--name", "张三", "--clearance", "important"])
        try cli.ok(["person", "add", "--id", "P002", "--name", "李四", "--clearance", "core"])
        return cli
    }

    /// A ledger export as `media list --format csv --lang en` writes it, with text that needs quoting
    /// and defusing and Chinese that a table must measure as two columns a character.
    static func export() -> String {
        var csv = "\u{FEFF}number,kind,level,state,holder,user,department,purpose,place,in service date,secrecy term,"
            + "brand,model,vendor id,product id,serial,capacity bytes,filesystem uuids,bound computers,borrower,due date,notes\r\n"
        for i in 1...rows {
            let n = String(format: "%04d", i)
            let kind = i % 3 == 0 ? "usb-disk" : "usb-stick"
            let level = ["secret", "confidential", "internal"][i % 3]
            let place = i % 7 == 0 ? "\"密码柜\(i % 40), 左\"" : "密码柜\(i % 40)"
            let notes = i % 11 == 0 ? "'=cmd|' /C calc'!A0" : (i % 13 == 0 ? "\"said \"\"ok\"\"\"" : "")
            csv += "U-2026-\(n),\(kind),\(level),in-service,P00\(i % 2 + 1),,办公室,,\(place),2026-01-05,10年,SanDisk,Cruzer,"
                + "0781,5567,SN4C53\(n)X,15376318464,\(i % 5 == 0 ? "uuid-\(n);uuid-b" : ""),,,,\(notes)\r\n"
        }
        return csv
    }

    /// Columns a terminal gives the text: CJK two, everything else here one.
    static func columns(_ text: Substring) -> Int {
        text.unicodeScalars.reduce(0) { $0 + ((0x2E80...0xA4CF).contains($1.value) ? 2 : 1) }
    }

    @Test func aMediaLedgerComesBackAsItWentIn() throws {
        let cli = try clerk()
        let export = Self.export()
        let file = try cli.write("media.csv", export)
        #expect(try cli.ok(["media", "import", file]).contains("imported \(Self.rows) medium(s)"))
        #expect(try cli.ok(["media", "list", "--format", "csv"]) == export)

        let table = try cli.ok(["media", "list"]).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(table.count == Self.rows + 4)
        #expect(table[0].hasPrefix("NUMBER       KIND       LEVEL         STATE       HOLDER"))
        #expect(table[Self.rows + 2] == "\(Self.rows) medium(s)" && table[Self.rows + 3].isEmpty)
        // Every serial starts in the same terminal column, whatever Chinese the place before it holds.
        let serialColumn = Self.columns(table[0].prefix(upTo: table[0].range(of: "SERIAL")!.lowerBound))
        for line in table[2..<(Self.rows + 2)] {
            let serial = line.range(of: "SN4C53")!.lowerBound
            #expect(Self.columns(line[..<serial]) == serialColumn, "\(line)")
        }
        let secret = try cli.ok(["media", "list", "--level", "secret", "--kind", "usb-disk", "--format", "json"])
        let decoded = try JSONSerialization.jsonObject(with: Data(secret.utf8)) as? [[String: Any]]
        #expect(decoded?.count == Self.rows / 3)
    }

    @Test func violationsListEveryRowInOrder() throws {
        let cli = try clerk()
        try cli.ok(["media", "list"])
        try cli.sqlite("""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < \(Self.rows))
            INSERT INTO violation (at, type, severity, computer, serial, outcome, reason_zh, reason_en, status, acknowledged_by)
            SELECT strftime('%Y-%m-%dT%H:%M:%SZ', 1767225600 + i * 60, 'unixepoch'), 'unregistered-medium', 'high', 'PC-001',
                   'S' || i, 'blocked', '未登记的存储介质（序列号 S' || i || '）', 'unregistered storage medium (serial S' || i || ')',
                   CASE WHEN i % 4 = 0 THEN 'acknowledged' ELSE 'open' END, CASE WHEN i % 4 = 0 THEN '王五' END
            FROM n
            """)
        var expected = "\u{FEFF}#,TIME,TYPE,SEVERITY,OUTCOME,COMPUTER,MEDIUM,PERSON,REASON,STATUS\r\n"
        for i in 1...Self.rows {
            let at = Date(timeIntervalSince1970: 1_767_225_600 + Double(i) * 60)
            // Local time with the offset; the CLI tests run mediactl with TZ=UTC.
            let time = at.ISO8601Format(.iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: false)
                .timeSeparator(.colon).timeZone(separator: .omitted)).replacingOccurrences(of: "T", with: " ")
                .replacingOccurrences(of: "Z", with: " +00:00")
            let status = i % 4 == 0 ? "acknowledged (王五)" : "open"
            expected += "\(i),\(time),unregistered storage medium,high,blocked,PC-001,,,unregistered storage medium (serial S\(i)),\(status)\r\n"
        }
        #expect(try cli.ok(["violations", "list", "--format", "csv"]) == expected)

        let open = try cli.ok(["violations", "list", "--open"], lang: "zh").split(separator: "\n")
        #expect(open.count == Self.rows * 3 / 4 + 2)
        #expect(open[0].hasPrefix("#     时间                        类型            严重程度  处理    计算机  介质  人员  原因"))
        #expect(open[2].hasPrefix("1     2026-01-01 00:01:00 +00:00  未登记存储介质  高        已阻断  PC-001"))
        #expect(open.last!.hasPrefix("2999  ") && open.last!.hasSuffix("未登记的存储介质（序列号 S2999）  未处置"))
    }

    /// A table is measured before it is written, in a pass of its own: the widest cell of a column
    /// decides its width only once printed (a backslash doubled, Chinese two columns a character),
    /// and a column of NULLs is as wide as its header.
    @Test func aTableIsAsWideAsItsWidestPrintedCell() throws {
        let cli = try clerk()
        try cli.ok(["media", "list"])
        try cli.sqlite("""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < \(Self.rows))
            INSERT INTO violation (at, type, severity, computer, outcome, reason_zh, reason_en, status)
            SELECT strftime('%Y-%m-%dT%H:%M:%SZ', 1767225600 + i * 60, 'unixepoch'), 'unregistered-medium', 'high',
                   CASE WHEN i = 2000 THEN 'PC\\-' || i ELSE 'PC-' || i END, 'blocked', '原因',
                   CASE WHEN i = 1500 THEN '原因原因原因原因原因原因' ELSE 'reason ' || i END, 'open'
            FROM n
            """)
        let table = try cli.ok(["violations", "list"]).split(separator: "\n")
        #expect(table.count == Self.rows + 2)
        // Widths of #, time, computer (PC\-2000 is printed PC\\-2000), medium and person (NULL: their
        // headers), reason (12 Chinese characters) and status.
        let rule = table[1].split(separator: " ").map(\.count)
        #expect([0, 1, 5, 6, 7, 8, 9].map { rule[$0] } == [4, 26, 9, 6, 6, 24, 6])
        let statusColumn = Self.columns(table[0].prefix(upTo: table[0].range(of: "STATUS")!.lowerBound))
        for line in table[2...] {
            #expect(line.hasSuffix("  open") && Self.columns(line.dropLast(4)) == statusColumn, "\(line)")
        }
    }
}
