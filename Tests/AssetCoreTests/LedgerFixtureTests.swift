@testable import AssetCore
import Foundation
import GRDB
import Testing

/// The ledger is the users' data: a ledger written by the previous release (schema v1–v4, made by
/// tests/integration/make_fixture_ledger.py with that release's mediactl and mediad) is opened by
/// this one, migrated, and every row is still there as it was written. The expected rows are the
/// ones that script wrote, copied here by hand.
@Suite struct LedgerFixtureTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/ledger-v4.db").path

    /// A copy of the fixture in a temporary directory, opened (and so migrated) by this release.
    func open() throws -> Fixture {
        let directory = NSTemporaryDirectory() + "mediad-fixture-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Self.fixture, toPath: directory + "/ledger.db")
        return try Fixture(directory: directory)
    }

    @Test func everyMediumIsAsItWasWritten() throws {
        let f = try open()
        let media = try f.answer(.mediaList(MediaFilter()), \.media)
        let rows = media.map { [$0.number, $0.kind.rawValue, $0.level.rawValue, $0.state.rawValue, $0.holder, $0.borrower ?? "-"] }
        #expect(rows.sorted { $0[0] < $1[0] } == [
            ["GP-OLD-1", "optical", "secret", "in-service", "P001", "-"],
            ["U-2026-0001", "usb-stick", "secret", "in-service", "P001", "-"],
            ["U-2026-0002", "usb-stick", "secret", "destroyed", "P002", "-"],
            ["U-2026-0003", "usb-stick", "internal", "lost", "P003", "-"],
            ["YP-2026-0001", "usb-disk", "confidential", "loaned", "P002", "P001"],
        ])
        let stick = try #require(media.first { $0.number == "U-2026-0001" })
        #expect(stick.identity == HardwareIdentity(vendorID: "0781", productID: "5567", serial: "4C530001230101104353",
                                                   capacityBytes: 15_376_318_464))
        #expect(stick.place == "密码柜3")
        #expect(stick.boundComputers == ["PC-001"])
        #expect(media.first { $0.number == "YP-2026-0001" }?.dueDate == Day(parsing: "2099-01-01"))
    }

    @Test func peopleComputersAndTheHostAreAsTheyWereWritten() throws {
        let f = try open()
        let people = try f.answer(.personList(PeopleFilter()), \.people)
        #expect(people.map(\.id).sorted() == ["P001", "P002", "P003"])
        let left = try #require(people.first { $0.id == "P003" })
        #expect(left.departedOn == Day(parsing: "2026-11-01"))
        #expect(left.declassificationEnds == Day(parsing: "2027-11-01"))
        #expect(left.department == "保密办")
        let host = try f.answer(.hostShow, \.computer)
        #expect(host.assetNumber == "PC-001" && host.level == .secret && host.network == .standalone)
        #expect(host.keyArea && host.location == "301室" && host.diskSerials == ["WD-123"])
        #expect(host.macAddresses == ["02:00:00:00:00:01"])
        let computers = try f.answer(.computerList, \.computers)
        #expect(computers.map(\.assetNumber).sorted() == ["PC-001", "PC-002"])
    }

    @Test func movementsTrailAndTheGuardsRecordsAreIntact() throws {
        let f = try open()
        let moves = try f.answer(.mediaHistory(number: "GP-OLD-1"), \.movements)
        #expect(moves.map(\.kind) == [.register, .reclassify])
        #expect(moves.last?.fromLevel == .topSecret && moves.last?.toLevel == .secret)
        #expect(moves.last?.approver == "李四" && moves.last?.reason == "定密期限届满")
        let destroyed = try f.answer(.mediaHistory(number: "U-2026-0002"), \.movements)
        #expect(destroyed.map(\.kind) == [.register, .retire, .destroy])
        #expect(destroyed.last?.method == "shred" && destroyed.last?.witness == "王五")

        let verification = try f.answer(.auditVerify, \.verification)
        #expect(verification.problems.isEmpty, "the hash chain written by the previous release still verifies")
        #expect(try f.store.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM trail") } == 24)

        let events = try f.answer(.events(since: nil, limit: 100), \.events)
        let kinds: [String] = events.map(\.kind.rawValue).sorted()
        #expect(kinds == ["attach", "attach", "detach", "guard-start", "guard-stop"])
        let allowed = try #require(events.first { $0.decision == .allow })
        #expect(allowed.mediumNumber == "U-2026-0001")
        #expect(allowed.observation?.serial == "4C530001230101104353", "the stored observation still decodes")
        #expect(allowed.observation?.recordingMarks == nil)
        let violations = try f.answer(.violationsList(ViolationFilter()), \.violations)
        #expect(violations.map { [$0.type.rawValue, $0.status.rawValue, $0.outcome.rawValue, $0.serial ?? "-", $0.note ?? "-"] }
                == [["unregistered-medium", "acknowledged", "blocked", "STRANGER0001", "已收回"]])
    }

    @Test func theMigrationsOfThisReleaseAreAddedAfterThoseOfThePrevious() throws {
        let f = try open()
        let applied = try f.store.read { try String.fetchAll($0, sql: "SELECT identifier FROM grdb_migrations") }
        #expect(Array(applied.prefix(4)) == ["v1-ledger", "v2-guard-records", "v3-guard-state", "v4-network-profile"])
        #expect(applied.contains("v5-key-area-approval"))
        // The new table works on the old ledger.
        try f.run(.mediaKeyArea(KeyAreaApproval(number: "U-2026-0001", approver: "王局长")))
        let detail = try f.answer(.mediaShow(number: "U-2026-0001"), \.medium)
        #expect(detail.keyAreaApprover == "王局长")
    }

    /// v10-computer-assets on a ledger of an earlier release: its computers are in service, and a
    /// baseline, a move and a peripheral can be recorded on it.
    @Test func anOlderLedgerGainsComputerAssets() throws {
        let f = try open()
        let host = try f.answer(.hostShow, \.computer)
        #expect(host.state == .inService && host.repairMode == nil)
        let before = try f.answer(.computerList, \.computers).map(\.assetNumber)
        try f.run(.computerBaseline(BaselineRequest(inventory: HardwareComparisonTests.base, approver: "王局长")))
        try f.run(.computerMove(ComputerMove(assetNumber: host.assetNumber, to: .underRepair, approver: "王局长", repairMode: .inUnit)))
        let holder = try #require(host.holder)
        try f.run(.peripheralRegister(PeripheralRegistration(kind: .printer, vendorID: "04b8", productID: "0005", holder: holder)))
        #expect(try f.answer(.computerList, \.computers).map(\.assetNumber) == before)
        #expect(try f.answer(.hostShow, \.computer).state == .underRepair)
        #expect(try f.answer(.auditVerify, \.verification).intact)
    }

    /// v11: the old release's records stay as they were, unchained (they were never sent); the first
    /// record written after takes sequence number 1, following the genesis hash.
    @Test func anOlderLedgerKeepsItsRecordsAndChainsTheNextOne() throws {
        let f = try open()
        let (events, violations) = try f.store.read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM device_event WHERE chain_seq IS NULL")!,
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM violation WHERE chain_seq IS NULL")!)
        }
        let before = try f.store.read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM device_event")!, try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM violation")!)
        }
        #expect(events == before.0 && events > 0)
        #expect(violations == before.1 && violations > 0)
        _ = try f.store.write { db in try GuardRows.insert(db, event: GuardEvent(at: Fixture.now, kind: .guardStart)) }
        let chained = try f.store.read { db in try Row.fetchOne(db, sql: "SELECT chain_seq, chain_prev FROM device_event WHERE chain_seq IS NOT NULL")! }
        #expect(chained[0] as Int64 == 1)
        #expect(chained[1] as String == RecordChain.genesis)
    }

    @Test func anOlderLedgerGainsTheUnitAndItsReportsPrint() throws {
        let f = try open()
        let applied = try f.store.read { try String.fetchAll($0, sql: "SELECT identifier FROM grdb_migrations") }
        #expect(Array(applied.suffix(6)) == ["v6-computer-unit", "v7-violation-handling", "v8-media-checks", "v9-inspections",
                                             "v10-computer-assets", "v11-unit-replica"])
        #expect(try f.answer(.hostShow, \.computer).unit == nil)
        var settings = HostSettings()
        settings.unit = "某某局"
        #expect(try f.answer(.hostSet(settings), \.computer).unit == "某某局")
        // The register of media lists the five media the old release wrote.
        var bytes: [UInt8] = []
        var output = ReportOutput { block in bytes += block }
        try f.service.report(.officer(OfficerReportRequest(kind: .ledger, zone: .fixed(seconds: 0))), format: .json, language: .en,
                             caller: f.admin, to: &output)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        #expect((report["rows"] as? [[String: Any]])?.compactMap { $0["number"] as? String }
                == ["GP-OLD-1", "U-2026-0001", "U-2026-0002", "U-2026-0003", "YP-2026-0001"])
        #expect(report["unit"] as? String == "某某局")
    }
}
