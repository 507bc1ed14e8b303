@testable import AssetCore
import Foundation
import GRDB
import Testing

/// A standalone computer's ledger bundles: trusted for the unit key's signature only (confirmed by
/// fingerprint the first time), for this computer's key only, applied whole or not at all, every
/// refusal recorded; and the records bundle it answers with.
@Suite struct BundleImportTests {
    let unitKey = SigningKey()
    let computerKey = SigningKey()
    static let at = Timestamp(parsing: "2026-11-30T08:00:00Z")!
    static let rows = ReplicaTests.unitRows

    /// A computer registered locally as PC-002, not enrolled.
    func standalone() throws -> (Fixture, GuardRecorder) {
        let f = try Fixture()
        var host = HostSettings()
        host.assetNumber = "PC-002"
        host.level = .secret
        host.network = .standalone
        try f.run(.hostSet(host))
        return (f, GuardRecorder(store: f.store))
    }

    func change(_ from: Int64, _ to: Int64, _ rows: [LedgerRowChange], kind: PayloadKind = .changeSet, unit: String = "某单位") throws -> SignedPayload {
        try SignedPayload.sign(ChangeSet(unit: unit, from: from, to: to, at: Self.at, rows: rows), kind: kind, with: unitKey)
    }

    func bundle(_ from: Int64, _ to: Int64, _ payloads: [SignedPayload], computer: String = "PC-002", computerKey: String? = nil,
                unit: String = "某单位", receipt: SignedPayload? = nil, key: SigningKey? = nil) throws -> Data {
        let answer = EnrolmentAnswer(unit: unit, unitKey: (key ?? unitKey).publicText, computer: computer, courierToken: "")
        let bundle = LedgerBundle(unit: unit, computer: computer, computerKey: computerKey ?? self.computerKey.publicText, createdAt: Self.at,
                                  fromVersion: from, toVersion: to, payloads: payloads, receipt: receipt, enrolment: answer)
        return try BundleFile.bytes(try SignedPayload.sign(bundle, kind: .ledgerBundle, with: key ?? unitKey))
    }

    var fingerprint: String { UnitKey.fingerprint(unitKey.publicText) }

    func importing(_ recorder: GuardRecorder, _ data: Data, confirm: String? = nil) throws -> BundleApplyResult {
        try recorder.unitImport(data, confirmedUnitKey: confirm, computerKey: computerKey.publicText, at: Self.at)
    }

    @Test func theFirstBundleJoinsOnlyWithTheConfirmedUnitKey() throws {
        let (f, recorder) = try standalone()
        let first = try bundle(0, 7, [try change(0, 7, Self.rows, kind: .snapshot)])
        #expect(try importing(recorder, first).refused?.message.en.contains("confirm the unit key") == true)
        #expect(try importing(recorder, first, confirm: "00112233aabbccdd").refused?.message.en.contains("not by the unit key confirmed") == true)
        #expect(try recorder.unitMembership() == nil)
        // As typed from the hub's screen: upper case, in groups.
        let typed = stride(from: 0, to: 16, by: 4).map { i in fingerprint.dropFirst(i).prefix(4).uppercased() }.joined(separator: " ")
        let result = try importing(recorder, first, confirm: typed)
        #expect(result.refused == nil && result.joined)
        #expect(result.applied.map(\.to) == [7])
        let held = try #require(try recorder.unitMembership())
        #expect(held.unit == "某单位" && held.computer == "PC-002" && held.ledgerVersion == 7 && held.unitKey == unitKey.publicText)
        #expect(try f.medium("U-2026-0001").boundComputers == ["PC-001"])
        #expect(try recorder.host()?.assetNumber == "PC-002")
        // Two refusals, then the joining and the snapshot: each a record for the hub.
        let violations = try f.answer(.violationsList(ViolationFilter()), \.violations)
        #expect(violations.map(\.type) == [.unitPayloadRefused, .unitPayloadRefused])
    }

    @Test func theRecordsGoBackSignedWithTheVersionHeld() throws {
        let (_, recorder) = try standalone()
        _ = try importing(recorder, try bundle(0, 7, [try change(0, 7, Self.rows, kind: .snapshot)]), confirm: fingerprint)
        let (payload, count, _) = try recorder.unitRecordBundle(key: computerKey, at: Self.at)
        let back = try payload.open(RecordBundle.self, as: .recordBundle, trusting: computerKey.publicText)
        #expect(back.computer == "PC-002" && back.unit == "某单位" && back.ledgerVersion == 7)
        let records = try back.batches.flatMap { try $0.open(EventBatch.self, as: .eventBatch, trusting: computerKey.publicText).records }
        #expect(count == records.count && records.map(\.seq) == [1, 2])   // joined, snapshot applied
        #expect(ChainCheck(records: records, after: .empty).altered.isEmpty)
        // The hub's receipt for both, carried on the next bundle: nothing owed, one empty batch goes back.
        let receipt = try SignedPayload.sign(Receipt(unit: "某单位", computer: "PC-002", seq: 2, hash: records[1].hash, at: Self.at),
                                             kind: .receipt, with: unitKey)
        let again = try importing(recorder, try bundle(7, 7, [], receipt: receipt))
        #expect(again.refused == nil && again.acknowledged == 2 && again.applied.isEmpty)
        let (empty, none, _) = try recorder.unitRecordBundle(key: computerKey, at: Self.at)
        let emptyBack = try empty.open(RecordBundle.self, as: .recordBundle, trusting: computerKey.publicText)
        #expect(none == 0 && emptyBack.batches.count == 1)
        #expect(try emptyBack.batches[0].open(EventBatch.self, as: .eventBatch, trusting: computerKey.publicText).records.isEmpty)
    }

    @Test func changeSetsApplyTogetherAndTheSameBundleTwiceChangesNothing() throws {
        let (f, recorder) = try standalone()
        _ = try importing(recorder, try bundle(0, 7, [try change(0, 7, Self.rows, kind: .snapshot)]), confirm: fingerprint)
        var lost = Self.rows[3]
        lost.row?["state"] = .text("lost")
        var person = Self.rows[0]
        person.row?["name"] = .text("张三丰")
        let next = try bundle(7, 9, [try change(7, 8, [lost]), try change(8, 9, [person])])
        #expect(try importing(recorder, next).applied.map(\.to) == [8, 9])
        #expect(try f.medium("U-2026-0001").state == .lost)
        let twice = try importing(recorder, next)
        #expect(twice.refused == nil && twice.applied.isEmpty)
        #expect(try recorder.unitMembership()?.ledgerVersion == 9)
        // One bad change set refuses the whole bundle: 9 → 10 is not kept when 10 → 11 fails.
        var found = Self.rows[3]
        found.row?["state"] = .text("in-service")
        let trail = LedgerRowChange(table: "trail", key: "1", row: ["id": .integer(1)])
        let half = try importing(recorder, try bundle(9, 11, [try change(9, 10, [found]), try change(10, 11, [trail])]))
        #expect(half.refused?.message.en.contains("no ledger table named trail") == true)
        #expect(try f.medium("U-2026-0001").state == .lost)
        #expect(try recorder.unitMembership()?.ledgerVersion == 9)
    }

    @Test func badBundlesAreRefusedNothingChangesAndEachIsRecorded() throws {
        let (f, recorder) = try standalone()
        _ = try importing(recorder, try bundle(0, 7, [try change(0, 7, Self.rows, kind: .snapshot)]), confirm: fingerprint)
        var lost = Self.rows[3]
        lost.row?["state"] = .text("lost")
        let good = try bundle(7, 8, [try change(7, 8, [lost])])
        // Altered so that it still reads (the version it brings changed, the signature kept), and damaged.
        var payload = try BundleFile.read(good)
        payload.body = Data(String(decoding: payload.body, as: UTF8.self).replacingOccurrences(of: "\"toVersion\":8", with: "\"toVersion\":9").utf8)
        let tampered = try BundleFile.bytes(payload)
        #expect(tampered != good)
        var damaged = good
        damaged[damaged.count / 2] = UInt8(ascii: "{")
        let cases: [(String, Data, String)] = [
            ("tampered", tampered, "not signed by this unit's key"),
            ("damaged", damaged, "not a whole bundle"),
            ("truncated", good.prefix(good.count / 2), "not a whole bundle"),
            ("empty", Data(), "the file is empty"),
            ("another computer's key", try bundle(7, 8, [try change(7, 8, [lost])], computerKey: SigningKey().publicText), "not this computer's key"),
            ("another computer", try bundle(7, 8, [try change(7, 8, [lost])], computer: "PC-001"), "PC-001"),
            ("another unit", try bundle(7, 8, [try change(7, 8, [lost], unit: "另一单位")], unit: "另一单位"), "另一单位"),
            ("another unit's key", try bundle(7, 8, [try change(7, 8, [lost])], key: SigningKey()), "not signed by this unit's key"),
            ("old", try bundle(0, 5, [try change(0, 5, Self.rows, kind: .snapshot)]), "holds version 7: an old bundle"),
            ("gap", try bundle(8, 9, [try change(8, 9, [lost])]), "a bundle in between was not imported"),
        ]
        for (name, data, says) in cases {
            let result = try importing(recorder, data)
            #expect(result.refused?.message.en.contains(says) == true, "\(name): \(String(describing: result.refused?.message.en))")
            #expect(result.applied.isEmpty, "\(name)")
        }
        #expect(try f.medium("U-2026-0001").state == .inService)
        #expect(try recorder.unitMembership()?.ledgerVersion == 7)
        let violations = try f.answer(.violationsList(ViolationFilter()), \.violations)
        #expect(violations.count == cases.count && violations.allSatisfy { $0.type == .unitPayloadRefused })
        // The good one still applies after all that.
        #expect(try importing(recorder, good).applied.map(\.to) == [8])
    }

    @Test func aFirstBundleForAnotherAssetNumberIsRefused() throws {
        let (_, recorder) = try standalone()
        let other = try bundle(0, 7, [try change(0, 7, Self.rows, kind: .snapshot)], computer: "PC-001")
        let result = try importing(recorder, other, confirm: fingerprint)
        #expect(result.refused?.message.en.contains("PC-001") == true)
        #expect(try recorder.unitMembership() == nil)
    }
}
