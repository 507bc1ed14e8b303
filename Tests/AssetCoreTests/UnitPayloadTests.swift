@testable import AssetCore
import Foundation
import Testing

/// Signed payloads and the record chain: what is refused and what is found, each case by hand.
@Suite struct UnitPayloadTests {
    let unitKey = SigningKey()
    let otherKey = SigningKey()
    let change = ChangeSet(unit: "某单位", from: 3, to: 4, at: Timestamp(parsing: "2026-11-30T08:00:00Z")!, rows: [])

    @Test func aSignedChangeOpensOnlyUnderItsKeyAndKind() throws {
        let payload = try SignedPayload.sign(change, kind: .changeSet, with: unitKey)
        #expect(try payload.open(ChangeSet.self, as: .changeSet, trusting: unitKey.publicText) == change)
        #expect(throws: UnitError.badSignature(kind: .changeSet, signer: unitKey.publicText)) {
            try payload.open(ChangeSet.self, as: .changeSet, trusting: otherKey.publicText)
        }
        #expect(throws: UnitError.wrongKind(expected: .receipt, got: .changeSet)) {
            try payload.open(ChangeSet.self, as: .receipt, trusting: unitKey.publicText)
        }
    }

    @Test func aChangedByteOrARelabelledKindBreaksTheSignature() throws {
        var payload = try SignedPayload.sign(change, kind: .changeSet, with: unitKey)
        var body = payload.body
        body[body.startIndex + 5] ^= 0x01
        payload.body = body
        #expect(throws: UnitError.self) { try payload.open(ChangeSet.self, as: .changeSet, trusting: unitKey.publicText) }
        // The same bytes signed as an event batch do not pass as a change set: the kind is signed too.
        var relabelled = try SignedPayload.sign(change, kind: .eventBatch, with: unitKey)
        relabelled.kind = .changeSet
        #expect(throws: UnitError.badSignature(kind: .changeSet, signer: unitKey.publicText)) {
            try relabelled.open(ChangeSet.self, as: .changeSet, trusting: unitKey.publicText)
        }
    }

    @Test func aSignerThatClaimsThePinnedKeyIsStillChecked() throws {
        var forged = try SignedPayload.sign(change, kind: .changeSet, with: otherKey)
        forged.signer = unitKey.publicText
        #expect(throws: UnitError.badSignature(kind: .changeSet, signer: unitKey.publicText)) {
            try forged.open(ChangeSet.self, as: .changeSet, trusting: unitKey.publicText)
        }
    }

    @Test func theRecordHashIsSHA256OverPreviousTableAndContent() {
        // printf '%s\n%s\n%s' 000…0 device_event '{"id":1}' | sha256sum
        #expect(RecordChain.hash(previous: RecordChain.genesis, table: "device_event", content: #"{"id":1}"#)
                == "56f904d935794dc3b422ac5a13b9ca8fb116554af3a6e9134bb76f3de8f372ed")
        let a = RecordChain.hash(previous: RecordChain.genesis, table: "device_event", content: #"{"id":1}"#)
        #expect(a.count == 64)
        #expect(a != RecordChain.hash(previous: RecordChain.genesis, table: "violation", content: #"{"id":1}"#))
        #expect(a != RecordChain.hash(previous: a, table: "device_event", content: #"{"id":1}"#))
    }

    @Test func theRecordHashOfAChainedRecordWithChineseTextIsItsSHA256InLowercaseHex() {
        // printf '%s\n%s\n%s' 56f9…72ed violation '{"id":2,"reason_zh":"未登记介质","note":null}' | sha256sum
        let previous = "56f904d935794dc3b422ac5a13b9ca8fb116554af3a6e9134bb76f3de8f372ed"
        #expect(RecordChain.hash(previous: previous, table: "violation", content: #"{"id":2,"reason_zh":"未登记介质","note":null}"#)
                == "8160261b8c1ac6568461ccad7fc95b44f807c3a1cf269c3cec8bde8242ef50a3")
    }

    /// Five records chained by hand.
    func chain(_ count: Int) -> [ChainedRecord] {
        var previous = RecordChain.genesis
        return (1...count).map { n in
            let content = #"{"id":\#(n)}"#
            let hash = RecordChain.hash(previous: previous, table: "device_event", content: content)
            defer { previous = hash }
            return ChainedRecord(seq: Int64(n), table: "device_event", localID: Int64(n), at: Timestamp(secondsSinceEpoch: Int64(n)),
                                 content: content, previous: previous, hash: hash)
        }
    }

    @Test func anUnbrokenChainIsAllNew() {
        let records = chain(5)
        let check = ChainCheck(records: records.shuffled(), after: .empty)
        #expect(check.new.map(\.seq) == [1, 2, 3, 4, 5])
        #expect(check.missing.isEmpty && check.altered.isEmpty && check.duplicates == 0)
        #expect(check.after == ChainState(seq: 5, hash: records[4].hash))
    }

    @Test func recordsAlreadyHeldAreDroppedNotStoredTwice() {
        let records = chain(5)
        let check = ChainCheck(records: records, after: ChainState(seq: 3, hash: records[2].hash))
        #expect(check.new.map(\.seq) == [4, 5])
        #expect(check.duplicates == 3)
        #expect(check.missing.isEmpty && check.altered.isEmpty)
    }

    @Test func aDeletedRecordIsAGap() {
        var records = chain(5)
        records.remove(at: 2)   // seq 3 deleted on the computer
        let check = ChainCheck(records: records, after: .empty)
        #expect(check.missing == [3...3])
        #expect(check.altered.isEmpty)
        #expect(check.new.map(\.seq) == [1, 2, 4, 5])
    }

    @Test func anEditedRecordNoLongerHashes() {
        var records = chain(5)
        records[1].content = #"{"id":2,"decision":"allow"}"#
        let check = ChainCheck(records: records, after: .empty)
        #expect(check.altered == [2])
        #expect(check.missing.isEmpty)
    }

    @Test func aBatchThatDoesNotFollowTheStoredTailIsAltered() {
        let records = chain(5)
        let check = ChainCheck(records: Array(records[3...]), after: ChainState(seq: 3, hash: String(repeating: "f", count: 64)))
        #expect(check.altered == [4])
    }
}
