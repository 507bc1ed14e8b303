@testable import AssetCore
import Foundation
import GRDB
import Testing

/// An enrolled computer's ledger: change sets applied only when signed by the pinned unit key and
/// next in line; refusals recorded; records chained as written and sent until the hub's receipt.
@Suite struct ReplicaTests {
    let unitKey = SigningKey()
    static let at = Timestamp(parsing: "2026-11-30T08:00:00Z")!

    /// A computer that enrolled as PC-002 in the unit 某单位, ledger version 0.
    func enrolled() throws -> (Fixture, GuardRecorder) {
        let f = try Fixture()
        let recorder = GuardRecorder(store: f.store)
        _ = try recorder.unitJoin(EnrolmentAnswer(unit: "某单位", unitKey: unitKey.publicText, computer: "PC-002",
                                                  courierToken: "t", hub: "hub.example"), at: Self.at)
        return (f, recorder)
    }

    /// The unit's people, two computers and a stick bound to PC-001, written out by hand as the hub
    /// sends them.
    static let unitRows: [LedgerRowChange] = [
        LedgerRowChange(table: "person", key: "P001", row: ["id": .text("P001"), "name": .text("张三"), "clearance": .text("core")]),
        LedgerRowChange(table: "computer", key: "PC-001", row: [
            "asset_number": .text("PC-001"), "level": .text("secret"), "network": .text("standalone"), "holder": .text("P001")]),
        LedgerRowChange(table: "computer", key: "PC-002", row: [
            "asset_number": .text("PC-002"), "level": .text("secret"), "network": .text("standalone"), "holder": .text("P001"),
            "is_this_host": .integer(0)]),
        LedgerRowChange(table: "medium", key: "U-2026-0001", row: [
            "number": .text("U-2026-0001"), "kind": .text("usb-stick"), "level": .text("secret"), "holder": .text("P001"),
            "vendor_id": .text("0781"), "product_id": .text("5567"), "serial": .text("4C530001"),
            "bound_computers": .text(#"["PC-001"]"#), "state": .text("in-service"), "registered_at": .text("2026-11-30T08:00:00Z")]),
    ]

    func signed(_ from: Int64, _ to: Int64, _ rows: [LedgerRowChange], kind: PayloadKind = .changeSet, unit: String = "某单位",
                key: SigningKey? = nil) throws -> SignedPayload {
        try SignedPayload.sign(ChangeSet(unit: unit, from: from, to: to, at: Self.at, rows: rows), kind: kind, with: key ?? unitKey)
    }

    @Test func aSnapshotFillsTheReplicaAndThisComputerIsTheOneEnrolled() throws {
        let (f, recorder) = try enrolled()
        let result = try recorder.unitApply([try signed(0, 7, Self.unitRows, kind: .snapshot)], at: Self.at)
        #expect(result.applied.map(\.to) == [7])
        #expect(result.refused == nil)
        let host = try #require(try recorder.host())
        #expect(host.assetNumber == "PC-002")
        #expect(try f.medium("U-2026-0001").boundComputers == ["PC-001"])
        #expect(try recorder.unitMembership()?.ledgerVersion == 7)
    }

    @Test func aChangeSetAppliesOnlyFromTheVersionHeld() throws {
        let (f, recorder) = try enrolled()
        _ = try recorder.unitApply([try signed(0, 7, Self.unitRows, kind: .snapshot)], at: Self.at)
        var lost = Self.unitRows[3]
        lost.row?["state"] = .text("lost")
        // 8 → 9 while holding 7: out of order, refused; nothing written.
        let skipped = try recorder.unitApply([try signed(8, 9, [lost])], at: Self.at)
        #expect(skipped.applied.isEmpty)
        #expect(skipped.refused?.message.en.contains("holds version 7") == true)
        #expect(try f.medium("U-2026-0001").state == .inService)
        let next = try recorder.unitApply([try signed(7, 8, [lost])], at: Self.at)
        #expect(next.applied.map(\.to) == [8])
        #expect(try f.medium("U-2026-0001").state == .lost)
        // The same change again: a replay, refused.
        let replay = try recorder.unitApply([try signed(7, 8, [lost])], at: Self.at)
        #expect(replay.refused?.message.en.contains("replayed") == true)
        #expect(try recorder.unitMembership()?.ledgerVersion == 8)
    }

    @Test func refusalsAreRecordedAsViolations() throws {
        let (f, recorder) = try enrolled()
        let other = SigningKey()
        let forged = try recorder.unitApply([try signed(0, 1, Self.unitRows, kind: .snapshot, key: other)], at: Self.at)
        #expect(forged.refused?.message.en.contains("not signed by this unit's key") == true)
        let foreign = try recorder.unitApply([try signed(0, 1, Self.unitRows, kind: .snapshot, unit: "另一单位")], at: Self.at)
        #expect(foreign.refused?.message.en.contains("另一单位") == true)
        let violations = try f.answer(.violationsList(ViolationFilter()), \.violations)
        #expect(violations.map(\.type) == [.unitPayloadRefused, .unitPayloadRefused])
        #expect(try recorder.unitMembership()?.ledgerVersion == 0)
        #expect(try f.answer(.mediaList(MediaFilter()), \.media).isEmpty)
    }

    @Test func unknownTablesAndColumnsAreRefusedWhole() throws {
        let (f, recorder) = try enrolled()
        let trail = LedgerRowChange(table: "trail", key: "1", row: ["id": .integer(1)])
        #expect(try recorder.unitApply([try signed(0, 1, Self.unitRows + [trail], kind: .snapshot)], at: Self.at)
            .refused?.message.en.contains("no ledger table named trail") == true)
        var injected = Self.unitRows[0]
        injected.row?["name\" = 'x'; --"] = .text("x")
        #expect(try recorder.unitApply([try signed(0, 1, [injected], kind: .snapshot)], at: Self.at)
            .refused?.message.en.contains("has no column") == true)
        #expect(try f.answer(.personList(PeopleFilter()), \.people).isEmpty)
    }

    @Test func aSnapshotRemovesWhatTheUnitNoLongerLists() throws {
        let (f, recorder) = try enrolled()
        _ = try recorder.unitApply([try signed(0, 3, Self.unitRows, kind: .snapshot)], at: Self.at)
        _ = try recorder.unitApply([try signed(0, 9, Array(Self.unitRows.prefix(3)), kind: .snapshot)], at: Self.at)
        #expect(try f.answer(.mediaList(MediaFilter()), \.media).isEmpty)
        // An older snapshot is stale.
        #expect(try recorder.unitApply([try signed(0, 5, Self.unitRows, kind: .snapshot)], at: Self.at).refused != nil)
    }

    @Test func localLedgerChangesAreRefusedNamingTheHub() throws {
        let (f, _) = try enrolled()
        let refused = try #require(ledgerError { try f.person("P009", "赵六") })
        #expect(refused.message.en.contains("make the change at the hub (hub.example)"))
        #expect(refused.message.zh.contains("mediactl --hub person add"))
        // Readings still answer.
        #expect(try f.answer(.personList(PeopleFilter()), \.people).isEmpty)
    }

    @Test func recordsAreChainedAsWrittenAndSentUntilAcknowledged() throws {
        let (f, recorder) = try enrolled()
        let computerKey = SigningKey()
        // unitJoin wrote one record (unit-joined); add two events.
        for kind in [GuardEventKind.guardStart, .detach] {
            _ = try f.store.write { db in try GuardRows.insert(db, event: GuardEvent(at: Self.at, kind: kind)) }
        }
        let payload = try #require(try recorder.unitOutbox(limit: 10, key: computerKey, at: Self.at))
        let batch = try payload.open(EventBatch.self, as: .eventBatch, trusting: computerKey.publicText)
        #expect(batch.records.map(\.seq) == [1, 2, 3])
        #expect(batch.head == 3 && batch.computer == "PC-002")
        #expect(ChainCheck(records: batch.records, after: .empty).altered.isEmpty)
        // The hub acknowledges up to 2: only 3 is owed.
        let receipt = try SignedPayload.sign(Receipt(unit: "某单位", computer: "PC-002", seq: 2, hash: batch.records[1].hash, at: Self.at),
                                             kind: .receipt, with: unitKey)
        #expect(try recorder.unitReceipt(receipt).owed == 1)
        let rest = try #require(try recorder.unitOutbox(limit: 10, key: computerKey, at: Self.at))
        #expect(try rest.open(EventBatch.self, as: .eventBatch, trusting: computerKey.publicText).records.map(\.seq) == [3])
        // A receipt signed by another key, or with another hash, is refused.
        let forged = try SignedPayload.sign(Receipt(unit: "某单位", computer: "PC-002", seq: 3, hash: batch.records[2].hash, at: Self.at),
                                            kind: .receipt, with: computerKey)
        #expect(ledgerError { _ = try recorder.unitReceipt(forged) } != nil)
        let wrongHash = try SignedPayload.sign(Receipt(unit: "某单位", computer: "PC-002", seq: 3, hash: RecordChain.genesis, at: Self.at),
                                               kind: .receipt, with: unitKey)
        #expect(ledgerError { _ = try recorder.unitReceipt(wrongHash) } != nil)
        #expect(try recorder.unitMembership()?.acknowledged == 2)
    }

    @Test func aDeletedOrEditedRowShowsInTheChainSent() throws {
        let (f, recorder) = try enrolled()
        let computerKey = SigningKey()
        for kind in [GuardEventKind.guardStart, .detach, .guardStop] {
            _ = try f.store.write { db in try GuardRows.insert(db, event: GuardEvent(at: Self.at, kind: kind)) }
        }
        try f.store.write { db in
            try db.execute(sql: "DELETE FROM device_event WHERE chain_seq = 2")
            try db.execute(sql: "UPDATE device_event SET note = 'nothing happened' WHERE chain_seq = 4")
        }
        let payload = try #require(try recorder.unitOutbox(limit: 10, key: computerKey, at: Self.at))
        let batch = try payload.open(EventBatch.self, as: .eventBatch, trusting: computerKey.publicText)
        let check = ChainCheck(records: batch.records, after: .empty)
        #expect(check.missing == [2...2])
        #expect(check.altered == [4])
    }
}
