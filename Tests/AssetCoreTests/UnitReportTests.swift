@testable import AssetCore
import Foundation
import Testing

/// The officer's reports as the hub writes them: the ledger's rows from the working copy, the
/// computers' records from `UnitRecords` (here a hand-filled table standing in for PostgreSQL, which
/// HubTests query for real), and `--computer` narrowing either.
@Suite struct UnitReportTests {
    let ledger: OfficerLedger
    init() throws { ledger = try OfficerLedger() }

    let q4 = try! ReportPeriod.quarter("2026Q4")

    /// Two computers' records in Q4, counted by hand: PC-001 attached M1's stick twice (allowed) and
    /// an unknown stick once (refused), started once; PC-002 attached the same stick once, allowed,
    /// and fell silent (last heard 1 November, 21 days before the fixture's now; the period is 7).
    struct Records: UnitRecords {
        let unitName = "某某局"
        let silentAfterDays = 7
        let standaloneAfterDays = 30
        let medium: String
        /// PC-002 as a standalone computer, whose last word was its records bundle of 1 November.
        var standalone = false

        func eventCounts(in interval: Interval, computers: [String]?) throws -> [EventCount] {
            if computers == ["PC-002"] { return [EventCount(kind: .attach, decision: .allow, count: 1)] }
            return [EventCount(kind: .attach, decision: .allow, count: 3), EventCount(kind: .attach, decision: .block, count: 1),
                    EventCount(kind: .guardStart, decision: nil, count: 1)]
        }

        func deviceUses(in interval: Interval, decision: Decision, computers: [String]?) throws -> [DeviceUse] {
            guard decision == .allow else { return [] }
            let at = Timestamp(parsing: "2026-10-02T01:00:00Z")!
            return [DeviceUse(vendorID: "0781", productID: "5567", serial: "AA0000000001", device: "SanDisk Cruzer", mediumNumber: medium,
                              holder: "P001", count: 2, first: at, last: at, computer: "PC-001"),
                    DeviceUse(vendorID: "0781", productID: "5567", serial: "AA0000000001", device: "SanDisk Cruzer", mediumNumber: medium,
                              holder: "P001", count: 1, first: at, last: at, computer: "PC-002")]
                .filter { computers == nil || computers!.contains($0.computer!) }
        }

        func guardEvents(in interval: Interval, kinds: [GuardEventKind], computers: [String]?,
                         _ body: (GuardEvent) throws -> Void) throws {
            var start = GuardEvent(at: Timestamp(parsing: "2026-10-01T00:00:00Z")!, kind: .guardStart)
            start.computer = "PC-001"
            if kinds.contains(.guardStart), computers == nil || computers!.contains("PC-001") { try body(start) }
        }

        func latestEvents(since: Timestamp?, limit: Int) throws -> [GuardEvent] { [] }

        func computerStates() throws -> [UnitComputerState] {
            [UnitComputerState(computer: "PC-001", name: nil, department: nil, enrolledAt: Timestamp(parsing: "2026-01-05T00:00:00Z"),
                               lastHeard: Timestamp(parsing: "2026-11-22T09:00:00Z"), ledgerVersion: 9, head: 40, stored: 40, silent: false),
             {
                var state = UnitComputerState(computer: "PC-002", name: nil, department: nil, enrolledAt: Timestamp(parsing: "2026-01-05T00:00:00Z"),
                                              lastHeard: Timestamp(parsing: "2026-11-01T03:00:00Z"), ledgerVersion: 7, head: 25, stored: 19,
                                              silent: true)
                state.standalone = standalone
                return state
            }()]
        }
    }

    func json(_ request: OfficerReportRequest, unit: Bool, standalone: Bool = false) throws -> [String: Any] {
        let service = InventoryService(store: ledger.fixture.store, clock: .fixed(OfficerLedger.now),
                                       unit: unit ? Records(medium: ledger.numbers["M1"]!, standalone: standalone) : nil)
        var bytes: [UInt8] = []
        var output = ReportOutput { block in bytes += block }
        try service.report(.officer(request), format: .json, language: .zh, caller: ledger.fixture.admin, to: &output)
        return try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    func table(_ object: [String: Any], _ id: String) throws -> [[String: Any]] {
        let tables = try #require(object["tables"] as? [String: Any])
        return try #require(tables[id] as? [[String: Any]], "no table \(id)")
    }

    @Test func theUnitsAuditCountsTheComputersRecordsAndNamesTheComputer() throws {
        let report = try json(OfficerReportRequest(kind: .audit, period: q4, zone: OfficerLedger.beijing), unit: true)
        let totals = try #require(report["totals"] as? [String: Int])
        #expect(totals["attached_allowed"] == 3)
        #expect(totals["attached_refused"] == 1)
        #expect(totals["device_events"] == 4)
        #expect(totals["guard_starts"] == 1)
        #expect(totals["violations"] == 5)          // the working copy's, as on one computer
        let used = try table(report, "devices_used")
        #expect(used.map { $0["computer"] as? String } == ["PC-001", "PC-002"])
        #expect(used.map { $0["count"] as? Int } == [2, 1])
        #expect(try table(report, "guard").map { $0["computer"] as? String } == ["PC-001"])
    }

    @Test func oneComputersAuditAtTheHub() throws {
        let report = try json(OfficerReportRequest(kind: .audit, period: q4, zone: OfficerLedger.beijing, computer: "PC-002"), unit: true)
        let totals = try #require(report["totals"] as? [String: Int])
        #expect(totals["computers"] == 1)
        #expect(totals["attached_allowed"] == 1)
        #expect(totals["violations"] == 0)          // every violation of the fixture is PC-001's
        #expect(try table(report, "devices_used").map { $0["computer"] as? String } == ["PC-002"])
        #expect(try table(report, "computers").map { $0["asset_number"] as? String } == ["PC-002"])
    }

    @Test func narrowingToOneComputerOnItsOwnLedger() throws {
        let all = try json(OfficerReportRequest(kind: .audit, period: q4, zone: OfficerLedger.beijing), unit: false)
        let one = try json(OfficerReportRequest(kind: .audit, period: q4, zone: OfficerLedger.beijing, computer: "PC-001"), unit: false)
        let totals = try #require(one["totals"] as? [String: Int])
        #expect(totals["device_events"] == 8)
        #expect(totals["violations"] == 5)
        #expect(totals["computers"] == 1)
        #expect((all["totals"] as? [String: Int])?["computers"] == 2)
        // A single computer's report has no computer column (the rows are all its own).
        #expect(try table(one, "devices_used").first?["computer"] == nil)
        let other = try json(OfficerReportRequest(kind: .violations, period: try ReportPeriod.year("2026"), computer: "PC-002"), unit: false)
        #expect((other["totals"] as? [String: Int])?["violations"] == 0)
    }

    @Test func anUnknownComputerIsNamed() throws {
        #expect {
            _ = try json(OfficerReportRequest(kind: .audit, period: q4, computer: "PC-404"), unit: true)
        } throws: { error in
            (error as? LedgerError)?.message.en.contains("PC-404") == true
        }
    }

    @Test func outstandingAtTheHubListsTheSilentComputer() throws {
        let report = try json(OfficerReportRequest(kind: .outstanding, zone: OfficerLedger.beijing), unit: true)
        let totals = try #require(report["totals"] as? [String: Int])
        #expect(totals["silent-computer"] == 1)
        let rows = try #require(report["rows"] as? [[String: Any]])
        let silent = try #require(rows.first { ($0["item"] as? String) == "PC-002" })
        #expect(silent["since"] as? String == "2026-11-01")
        #expect(silent["days"] as? Int == 21)
        #expect((silent["detail"] as? String)?.contains("欠交记录 6 条") == true)
        #expect((silent["detail"] as? String)?.contains("超过 7 天") == true)
        // On one computer there is no unit to fall silent to.
        let local = try json(OfficerReportRequest(kind: .outstanding, zone: OfficerLedger.beijing), unit: false)
        #expect((local["totals"] as? [String: Int])?["silent-computer"] == nil)
    }

    /// A standalone computer is chased for its records bundle, after the standalone period (the hub
    /// decides `silent`; the report says why, with that period).
    @Test func outstandingNamesAStandaloneComputersMissingBundle() throws {
        let report = try json(OfficerReportRequest(kind: .outstanding, zone: OfficerLedger.beijing), unit: true, standalone: true)
        let rows = try #require(report["rows"] as? [[String: Any]])
        let detail = try #require(rows.first { ($0["item"] as? String) == "PC-002" }?["detail"] as? String)
        #expect(detail.hasPrefix("单机，最后导入其记录数据包 2026-11-01"), "\(detail)")
        #expect(detail.contains("超过 30 天") && !detail.contains("超过 7 天"), "\(detail)")
    }
}
