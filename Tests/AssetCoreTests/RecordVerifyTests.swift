@testable import AssetCore
import GRDB
import Testing

/// `audit verify` over the guard's own records: each device event and violation is chained as it is
/// written, so a record deleted, edited or cut from the end is named by its number.
@Suite struct RecordVerifyTests {
    static let at = Timestamp(parsing: "2026-11-30T08:00:00Z")!

    func verification(_ f: Fixture) throws -> TrailVerification {
        guard case .verification(let result) = try f.run(.auditVerify) else { throw LedgerError(.storage, zh: "", en: "no verification") }
        return result
    }

    func write(_ f: Fixture, _ kinds: [GuardEventKind]) throws {
        _ = try f.store.write { db in
            for kind in kinds { _ = try GuardRows.insert(db, event: GuardEvent(at: Self.at, kind: kind)) }
        }
    }

    @Test func intactRecordsAreCountedAndPass() throws {
        let f = try Fixture()
        try write(f, [.guardStart, .attach, .detach, .guardStop])
        _ = try f.store.write { db in
            try GuardRows.insert(db, violation: ViolationRecord(at: Self.at, type: .unregisteredMedium, severity: .high, outcome: .blocked,
                                                                reason: Bilingual(zh: "未登记", en: "unregistered")))
        }
        let result = try verification(f)
        #expect(result.intact)
        #expect(result.records == RecordVerification(count: 5, unchained: 0, problems: []))
    }

    @Test func aDeletedAnEditedAndACutRecordAreNamed() throws {
        let f = try Fixture()
        try write(f, [.guardStart, .attach, .detach, .attach, .detach, .guardStop])
        try f.store.write { db in
            try db.execute(sql: "DELETE FROM device_event WHERE chain_seq = 2")
            try db.execute(sql: "UPDATE device_event SET decision = 'allow' WHERE chain_seq = 4")
            try db.execute(sql: "DELETE FROM device_event WHERE chain_seq = 6")
        }
        let result = try verification(f)
        #expect(!result.intact)
        #expect(result.problems.isEmpty)   // the admin trail is another chain, untouched
        let records = try #require(result.records)
        #expect(records.count == 4)   // 1, 3, 4, 5
        #expect(records.problems.map(\.kind) == [.missing, .altered, .missing])
        #expect(records.problems.map(\.rowID) == [2, 4, 6])
        #expect(records.problems.map(\.message.en) == ["guard record 2 was deleted",
                                                      "guard record 4: altered after it was written, or its link to the record before does not match",
                                                      "guard record 6 was deleted"])
    }

    @Test func rowsOlderThanTheChainAreCountedNotChecked() throws {
        let f = try Fixture()
        try write(f, [.guardStart, .guardStop])
        try f.store.write { db in try db.execute(sql: "UPDATE device_event SET chain_seq = NULL, chain_prev = NULL, chain_hash = NULL WHERE chain_seq = 1") }
        try f.store.write { db in try db.execute(sql: "UPDATE record_head SET seq = 0, hash = ? WHERE id = 1", arguments: [RecordChain.genesis]) }
        let result = try verification(f)
        #expect(result.records?.unchained == 1)
    }
}
