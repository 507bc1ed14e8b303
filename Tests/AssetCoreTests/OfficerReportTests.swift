@testable import AssetCore
import Foundation
import Testing

/// Every officer's report against `OfficerLedger`, whose figures were counted by hand from the
/// operations it records (the comments there): never from the report code's own queries.
@Suite struct OfficerReportTests {
    let ledger: OfficerLedger
    init() throws { ledger = try OfficerLedger() }

    let year2026 = try! ReportPeriod.year("2026")
    let q4 = try! ReportPeriod.quarter("2026Q4")

    func rows(_ object: [String: Any], _ key: String = "rows") throws -> [[String: Any]] {
        try #require(object[key] as? [[String: Any]], "no \(key) in \(object.keys)")
    }

    func table(_ object: [String: Any], _ id: String) throws -> [[String: Any]] {
        let tables = try #require(object["tables"] as? [String: Any])
        return try #require(tables[id] as? [[String: Any]], "no table \(id)")
    }

    /// A grouping's rows as key → count; an empty key is JSON's null, shown here as "".
    func counts(_ rows: [[String: Any]]) -> [String: Int] {
        Dictionary(uniqueKeysWithValues: rows.map { (($0["key"] as? String) ?? "", ($0["count"] as? Int) ?? -1) })
    }

    // MARK: violations

    @Test func violationsOfTheYearInBeijingTime() throws {
        let report = try ledger.json(OfficerReportRequest(kind: .violations, period: year2026, zone: OfficerLedger.beijing))
        // V1–V6 and the hand-back violation of 30 September; V7 is already 2027 in Beijing.
        let totals = try #require(report["totals"] as? [String: Int])
        #expect(totals["violations"] == 7)
        #expect(totals["open"] == 5)
        #expect(totals["acknowledged"] == 2)
        #expect(totals["critical"] == 1)
        #expect(totals["blocked"] == 5)
        #expect(totals["logged"] == 2)            // V6 and the hand-back
        let months = counts(try table(report, "by_month"))
        #expect(months == ["2026-01": 0, "2026-02": 1, "2026-03": 0, "2026-04": 0, "2026-05": 0, "2026-06": 0, "2026-07": 0,
                           "2026-08": 0, "2026-09": 1, "2026-10": 3, "2026-11": 2, "2026-12": 0])
        #expect(counts(try table(report, "by_type")) == ["unregistered-medium": 4, "level-above-computer": 1, "guard-gap": 1,
                                                         "handback-outstanding": 1])
        #expect(counts(try table(report, "by_department")) == ["": 5, "办公室": 1, "技术处": 1])
        #expect(counts(try table(report, "by_status")) == ["open": 5, "acknowledged": 2])
        let detail = try rows(report)
        #expect(detail.count == 7)
        // V2 is printed in Beijing time, on the day it belongs to there.
        #expect(detail.contains { ($0["at"] as? String) == "2026-10-01T01:00:00+08:00" })
        let v4 = try #require(detail.first { ($0["type"] as? String) == "高密级介质用于低密级计算机" })
        #expect(v4["person"] as? String == "张三 (P001)")
        #expect(v4["department"] as? String == "办公室")
        #expect(v4["status"] as? String == "已确认")
        #expect(v4["handled_by"] as? String == "保密员甲")
        #expect(v4["note"] as? String == "已批评教育")
        #expect(report["period"] as? [String: String] == ["from": "2026-01-01", "to": "2026-12-31", "zone": "+08:00"])
        #expect(report["unit"] as? String == "某某局")
    }

    @Test func theSameYearInUTCHoldsTheNewYearsEveViolation() throws {
        let report = try ledger.json(OfficerReportRequest(kind: .violations, period: year2026, zone: .fixed(seconds: 0)))
        #expect((report["totals"] as? [String: Int])?["violations"] == 8)
        let months = counts(try table(report, "by_month"))
        #expect(months["2026-09"] == 2)
        #expect(months["2026-10"] == 2)
        #expect(months["2026-12"] == 1)
    }

    @Test func byOneGroupingTheRowsAreItsCounts() throws {
        let report = try ledger.json(OfficerReportRequest(kind: .violations, period: q4, by: .type, zone: OfficerLedger.beijing))
        #expect(counts(try rows(report)) == ["unregistered-medium": 3, "level-above-computer": 1, "guard-gap": 1])
        #expect(report["tables"] == nil)
        let csv = try ledger.print(OfficerReportRequest(kind: .violations, period: q4, by: .month, zone: OfficerLedger.beijing), .csv, .en)
        #expect(csv == "\u{FEFF}Key,Name,Count\r\n2026-10,2026-10,3\r\n2026-11,2026-11,2\r\n2026-12,2026-12,0\r\n")
    }

    @Test func csvHoldsTheSameRowsAsJSON() throws {
        let request = OfficerReportRequest(kind: .violations, period: year2026, zone: OfficerLedger.beijing)
        let json = try rows(try ledger.json(request, .en))
        let csv = try CSV.parse(try ledger.print(request, .csv, .en))
        #expect(csv.first?.fields.first == "#")
        #expect(csv.count == json.count + 1)
        for (record, row) in zip(csv.dropFirst(), json) {
            #expect(record.fields[0] == (row["id"] as? Int).map { String($0) })
            #expect(record.fields[1] == (row["at"] as? String).map { LocalTime.display(rfc3339: $0) })
            #expect(record.fields[2] == row["type"] as? String)
        }
        // The hand-back violation was recorded first (at the departure), at 10:00 in Beijing.
        #expect(csv.dropFirst().first?.fields[1] == "2026-09-30 10:00:00 +08:00")
    }

    @Test func htmlShowsTotalsChartsAndEveryRow() throws {
        let html = try ledger.print(OfficerReportRequest(kind: .violations, period: year2026, zone: OfficerLedger.beijing), .html)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<dd data-key=\"violations\">7</dd>"))
        #expect(html.contains("<table id=\"t-violations\" class=\"main wide\">"))
        let main = try #require(html.components(separatedBy: "<table id=\"t-violations\" class=\"main wide\">").last)
        let body = try #require(main.components(separatedBy: "<tbody>").last?.components(separatedBy: "</tbody>").first)
        #expect(body.components(separatedBy: "<tr>").count - 1 == 7)
        // The month chart's bars carry the month counts, in order.
        let chart = try #require(html.components(separatedBy: "<svg class=\"chart\"").first { $0.contains("<title>按月份</title>") })
        let bars = chart.components(separatedBy: "</svg>")[0].components(separatedBy: "data-count=\"").dropFirst().map { $0.prefix { $0 != "\"" } }
        #expect(bars == ["0", "1", "0", "0", "0", "0", "0", "0", "1", "3", "2", "0"])
        #expect(!html.contains("<script"))
        #expect(html.contains("@bottom-right { content: counter(page)"))
        #expect(html.contains("某某局"))
    }

    @Test func terminalTableHasTheTitleAndTotals() throws {
        let text = try ledger.print(OfficerReportRequest(kind: .violations, period: q4, zone: OfficerLedger.beijing), .table, .en)
        #expect(text.hasPrefix("Violations report\n=================\n"))
        #expect(text.contains("Violations:   5\n"))
        #expect(text.contains("Period:     2026-10-01 – 2026-12-31 (+08:00)\n"))
    }

    // MARK: audit

    @Test func auditOfTheFourthQuarter() throws {
        let report = try ledger.json(OfficerReportRequest(kind: .audit, period: q4, zone: OfficerLedger.beijing))
        #expect(report["title"] as? String == "涉密计算机安全保密审计报告（2026年第4季度）")
        let totals = try #require(report["totals"] as? [String: Int])
        #expect(totals["computers"] == 2)
        #expect(totals["attached_allowed"] == 3)
        #expect(totals["attached_refused"] == 2)
        #expect(totals["device_events"] == 8)
        #expect(totals["guard_starts"] == 2)
        #expect(totals["guard_stops"] == 1)
        #expect(totals["guard_gaps"] == 1)
        #expect(totals["link_events"] == 1)
        // M6's loss and the two acknowledgements fall in the quarter: a trail row each.
        #expect(totals["admin_operations"] == 3)
        #expect(totals["violations"] == 5)
        #expect(totals["violations_open"] == 3)
        #expect(totals["trail_problems"] == 0)
        let used = try table(report, "devices_used")
        #expect(used.count == 1)
        #expect(used.first?["count"] as? Int == 3)
        #expect(used.first?["medium"] as? String == ledger.numbers["M1"])
        #expect(try table(report, "refused").first?["count"] as? Int == 2)
        #expect(try table(report, "guard").count == 4)
        #expect(try rows(report).count == 5)
        let html = try ledger.print(OfficerReportRequest(kind: .audit, period: q4, zone: OfficerLedger.beijing), .html)
        for role in ["审计员", "保密员", "单位负责人"] { #expect(html.contains("<span>\(role)（签字）</span>")) }
    }

    // MARK: annual

    @Test func annualStatisticsAndLevelChanges() throws {
        let report = try ledger.json(OfficerReportRequest(kind: .annual, period: year2026, zone: OfficerLedger.beijing))
        let totals = try #require(report["totals"] as? [String: Int])
        #expect(totals["media_at_year_end"] == 6)
        #expect(totals["registered"] == 6)
        #expect(totals["destroyed"] == 1)
        #expect(totals["lost"] == 1)
        #expect(totals["level_changes"] == 2)
        #expect(totals["declassified"] == 1)
        #expect(counts(try table(report, "by_state")) == ["in-service": 2, "loaned": 1, "carried-out": 0, "under-repair": 1,
                                                          "pending-destruction": 0, "destroyed": 1, "lost": 1, "handed-back": 0])
        #expect(counts(try table(report, "by_level")) == ["top-secret": 0, "secret": 2, "confidential": 3, "internal": 1, "unclassified": 0])
        let movements = counts(try table(report, "movements"))
        #expect(movements["register"] == 6)
        #expect(movements["loan"] == 1)
        #expect(movements["reclassify"] == 2)
        #expect(movements["retire"] == 1)
        #expect(movements["repair"] == 1)
        let changes = try rows(report)
        #expect(changes.map { $0["change"] as? String } == ["降密", "解密"])
        #expect(changes.map { $0["approver"] as? String } == ["定密责任人", "定密责任人"])
        #expect(changes.first?["from_level"] as? String == "机密")
        #expect(changes.first?["to_level"] as? String == "秘密")
    }

    @Test func levelsAtTheEndOfAnEarlierPeriodAreThoseOfThatTime() throws {
        // At the end of May nothing had been reclassified or destroyed yet.
        let may = try ReportPeriod(from: Day(parsing: "2026-05-01")!, to: Day(parsing: "2026-05-31")!)
        let report = try ledger.json(OfficerReportRequest(kind: .annual, period: may, zone: OfficerLedger.beijing))
        #expect(counts(try table(report, "by_level"))["secret"] == 4)
        #expect(counts(try table(report, "by_state"))["loaned"] == 1)
        #expect(counts(try table(report, "by_state"))["destroyed"] == 0)
        #expect(try rows(report).isEmpty)
    }

    // MARK: outstanding, registers, person

    @Test func outstandingOnTheTwentySecondOfNovember() throws {
        let report = try ledger.json(OfficerReportRequest(kind: .outstanding, zone: OfficerLedger.beijing))
        let totals = try #require(report["totals"] as? [String: Int])
        #expect(totals["overdue"] == 1)               // M2, due 15 May
        #expect(totals["held-by-departed"] == 1)      // M4, 王五
        #expect(totals["open-violation"] == 7)        // V1–V5 (V3, V4 only acknowledged), V7, the hand-back; V6 is a gap
        #expect(totals["long-repair"] == 1)           // M5, 82 days
        #expect(totals["lost"] == 1)                  // M6
        #expect(totals["guard-gap"] == 1)             // V6
        #expect(totals["declassifying"] == 1)         // 王五 until 2027-03-31
        let items = try rows(report)
        let overdue = try #require(items.first { ($0["item"] as? String) == ledger.numbers["M2"] && ($0["since"] as? String) == "2026-05-15" })
        #expect(overdue["days"] as? Int == 191)
        let repair = try #require(items.first { ($0["item"] as? String) == ledger.numbers["M5"] })
        #expect(repair["days"] as? Int == 82)
    }

    @Test func registersListEveryMediumComputerAndDestruction() throws {
        let media = try ledger.json(OfficerReportRequest(kind: .ledger))
        #expect(try rows(media).count == 6)
        #expect((media["totals"] as? [String: Int])?["destroyed"] == 1)
        let computers = try rows(try ledger.json(OfficerReportRequest(kind: .computers)))
        #expect(computers.map { $0["asset_number"] as? String } == ["PC-001", "PC-002"])
        let destroyed = try rows(try ledger.json(OfficerReportRequest(kind: .destruction, period: year2026, zone: OfficerLedger.beijing)))
        #expect(destroyed.count == 1)
        let row = try #require(destroyed.first)
        #expect(row["number"] as? String == ledger.numbers["M3"])
        #expect(row["kind"] as? String == "移动硬盘")
        #expect(row["method"] as? String == "物理粉碎")
        #expect(row["witness"] as? String == "赵六")
        #expect(row["approver"] as? String == "钱七")
        #expect(row["level"] as? String == "秘密")
    }

    @Test func departureAuditOfWangWu() throws {
        let report = try ledger.json(OfficerReportRequest(kind: .person, person: "P003", zone: OfficerLedger.beijing))
        let totals = try #require(report["totals"] as? [String: Int])
        #expect(totals["held"] == 1)
        #expect(totals["violations"] == 1)
        #expect(try table(report, "held").first?["number"] as? String == ledger.numbers["M4"])
        let facts = try #require(report["facts"] as? [String: String])
        #expect(facts["status"] == "脱密期内")
        #expect(facts["declassification_ends"] == "2027-03-31")
    }

    // MARK: bad input

    @Test func badInputIsRefusedInTheDomainsWords() throws {
        #expect(ledgerError { _ = try ReportPeriod.quarter("2026Q5") }?.kind == .validation)
        #expect(ledgerError { _ = try ReportPeriod.year("26") }?.kind == .validation)
        #expect(ledgerError { _ = try ReportPeriod(from: Day(parsing: "2026-12-01")!, to: Day(parsing: "2026-11-01")!) }?.kind == .validation)
        #expect(ledgerError { _ = try ledger.print(OfficerReportRequest(kind: .person, person: "P999"), .json) }?.kind == .notFound)
        #expect(ledgerError { _ = try ledger.print(OfficerReportRequest(kind: .ledger, zone: .named("Mars/Olympus")), .json) }?.kind == .validation)
        let service = InventoryService(store: ledger.fixture.store)
        var output = ReportOutput { _ in }
        #expect(ledgerError { try service.report(.media(MediaFilter()), format: .html, language: .en, caller: ledger.fixture.admin, to: &output) }?.kind == .usage)
    }
}

/// Time zones from the system's tz database, against offsets known from the zones' rules.
@Suite struct TimeZoneRuleTests {
    @Test func shanghaiIsEightHoursAheadAllYear() throws {
        let rules = try ZoneChoice.named("Asia/Shanghai").rules()
        #expect(rules.offset(at: Timestamp(parsing: "2026-01-15T00:00:00Z")!.secondsSinceEpoch) == 28_800)
        #expect(rules.offset(at: Timestamp(parsing: "2026-07-15T00:00:00Z")!.secondsSinceEpoch) == 28_800)
    }

    @Test func berlinKeepsSummerTime() throws {
        var time = LocalTime(rules: try ZoneChoice.named("Europe/Berlin").rules())
        // Summer time began on 29 March 2026 at 01:00 UTC and ends on 25 October at 01:00 UTC.
        #expect(time.rfc3339(Timestamp(parsing: "2026-03-29T00:59:59Z")!) == "2026-03-29T01:59:59+01:00")
        #expect(time.rfc3339(Timestamp(parsing: "2026-03-29T01:00:00Z")!) == "2026-03-29T03:00:00+02:00")
        #expect(time.text(Timestamp(parsing: "2026-10-25T01:00:00Z")!) == "2026-10-25 02:00:00 +01:00")
        #expect(time.start(of: Day(parsing: "2026-07-01")!) == Timestamp(parsing: "2026-06-30T22:00:00Z"))
    }

    @Test func zonesAreParsedOrRefused() {
        #expect(ZoneChoice(parsing: "+08:00") == .fixed(seconds: 28_800))
        #expect(ZoneChoice(parsing: "-0530") == .fixed(seconds: -19_800))
        #expect(ZoneChoice(parsing: "UTC") == .fixed(seconds: 0))
        #expect(ZoneChoice(parsing: "Asia/Shanghai") == .named("Asia/Shanghai"))
        #expect(ZoneChoice(parsing: "../../etc/shadow") == nil)
        #expect(ZoneChoice(parsing: "/etc/shadow") == nil)
        #expect(ZoneChoice(parsing: "+25:00") == nil)
        #expect(ZoneChoice.fromEnvironment(":Asia/Shanghai") == .named("Asia/Shanghai"))
        #expect(ZoneChoice.fromEnvironment(nil) == .system)
    }

    @Test func aQuarterIsItsThreeMonths() throws {
        let q1 = try ReportPeriod.quarter("2028q1")
        #expect(q1.from == Day(parsing: "2028-01-01"))
        #expect(q1.to == Day(parsing: "2028-03-31"))
        #expect(try ReportPeriod.quarter("2026-Q4").to == Day(parsing: "2026-12-31"))
    }
}
