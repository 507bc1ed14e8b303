@testable import AssetCore
import GRDB
import Testing

/// The records the guard could not store while the ledger failed, written when it takes them again:
/// in their order, each device as it was carried out (blocked), the violations the policy found kept
/// with their event, one `ledger-unavailable` violation saying what happened, all chained.
@Suite struct SpoolWriteTests {
    static let failed = Timestamp(parsing: "2026-11-30T08:00:00Z")!
    static let back = Timestamp(parsing: "2026-11-30T08:05:00Z")!

    func ledger() throws -> Fixture {
        let f = try Fixture()
        var host = HostSettings()
        host.assetNumber = "PC-001"
        host.level = .secret
        host.network = .standalone
        try f.run(.hostSet(host))
        return f
    }

    @Test func spooledRecordsAreWrittenInOrderWithTheOutage() throws {
        let f = try ledger()
        let stranger = PolicyTests.stick(serial: "AA00000000000000FFFF")
        let host = try GuardRecorder(store: f.store).host()
        let wouldBe = PolicyTests.decide(stranger, host: host, medium: nil)
        let records = [
            GuardRecorder.spooled(stranger, kind: .attach, wouldBe: wouldBe, host: host, at: Self.failed, reason: "the disk is full"),
            GuardRecorder.spooled(PolicyTests.stick(), kind: .attach, wouldBe: nil, host: nil, at: Self.failed, reason: "the disk is full"),
            GuardRecorder.spooledDetach(stranger, at: Self.failed),
        ]
        let outage = LedgerOutage(since: Self.failed, until: Self.back, reason: "the disk is full", dropped: 2, blocked: 2)
        let stored = try GuardRecorder(store: f.store).writeSpooled(records, outage: outage)
        #expect(stored.map(\.kind) == [.attach, .attach, .detach])

        let events = try f.store.read { db in
            try Row.fetchAll(db, sql: "SELECT kind, decision, serial, computer, note FROM device_event ORDER BY id")
        }
        #expect(events.map { $0["kind"] as String } == ["attach", "attach", "detach"])
        #expect(events.map { $0["decision"] as String? } == ["block", "block", nil])
        // The computer is filled in from the ledger when it could not be read at the time.
        #expect(events.map { $0["computer"] as String? } == ["PC-001", "PC-001", "PC-001"])
        #expect((events[0]["note"] as String).hasPrefix("not stored when it happened: the disk is full; blocked"))
        #expect((events[1]["note"] as String).hasSuffix("(the ledger could not be read: no verdict)"))

        let violations = try f.store.read { db in
            try Row.fetchAll(db, sql: "SELECT type, outcome, event_id, reason_en FROM violation ORDER BY id")
        }
        #expect(violations.map { $0["type"] as String } == ["unregistered-medium", "ledger-unavailable"])
        #expect(violations[0]["outcome"] as String == "blocked")
        #expect(violations[0]["event_id"] as Int64? == stored[0].id)
        #expect(violations[1]["outcome"] as String == "logged")
        #expect(violations[1]["reason_en"] as String == "the ledger could not store records from \(Self.failed) to \(Self.back) "
                + "(the disk is full): 3 spooled records are written now; the spool was full and 2 records were lost; "
                + "2 devices were blocked meanwhile because their verdict could not be stored")

        guard case .verification(let result) = try f.run(.auditVerify) else { throw LedgerError(.storage, zh: "", en: "no verification") }
        #expect(result.intact)
        #expect(result.records?.count == 5)
    }

    @Test func aRefusedWriteKeepsNothingSoTheSpoolIsKept() throws {
        let f = try ledger()
        try f.store.write { db in
            try db.execute(sql: "CREATE TRIGGER refuse BEFORE INSERT ON violation BEGIN SELECT RAISE(ABORT, 'refused'); END")
        }
        let records = [GuardRecorder.spooledDetach(PolicyTests.stick(), at: Self.failed)]
        let outage = LedgerOutage(since: Self.failed, until: Self.back, reason: "refused", dropped: 0, blocked: 0)
        #expect(throws: LedgerError.self) { try GuardRecorder(store: f.store).writeSpooled(records, outage: outage) }
        let count = try f.store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM device_event") }
        #expect(count == 0)
    }
}
