@testable import AssetCore
import Foundation
import Testing

/// A snapshot in parts on the computer: staged as the parts come, over as many calls as the courier
/// makes, and applied in one transaction with the last part; anything else refuses the whole
/// snapshot, writes nothing of it and is recorded like every refused payload.
@Suite struct SnapshotApplyTests {
    let unitKey = SigningKey()
    static let at = Timestamp(parsing: "2026-11-30T08:00:00Z")!
    static let later = Timestamp(parsing: "2026-11-30T09:00:00Z")!

    /// A computer that enrolled as PC-002 in the unit 某单位, ledger version 0.
    func enrolled() throws -> (Fixture, GuardRecorder) {
        let f = try Fixture()
        let recorder = GuardRecorder(store: f.store)
        _ = try recorder.unitJoin(EnrolmentAnswer(unit: "某单位", unitKey: unitKey.publicText, computer: "PC-002",
                                                  courierToken: "t", hub: "hub.example"), at: Self.at)
        return (f, recorder)
    }

    /// The unit's person and two computers (from `ReplicaTests.unitRows`) and `count` sticks held by
    /// P001, bound to PC-001, each as the hub's working copy mirrors a registered medium.
    static func unitRows(media count: Int) -> [LedgerRowChange] {
        ReplicaTests.unitRows.filter { $0.table != "medium" } + (0..<count).map { medium($0 + 1) }
    }

    static func medium(_ index: Int) -> LedgerRowChange {
        let number = String(format: "U-2026-%06d", index)
        return LedgerRowChange(table: "medium", key: number, row: [
            "number": .text(number), "kind": .text("usb-stick"), "level": .text("secret"), "holder": .text("P001"),
            "user": .text("P001"), "department": .text("第三研究室"), "purpose": .text("涉密数据交换（项目资料拷贝与归档）"),
            "place": .text("主楼 4 层 412 室保密柜"), "in_service_date": .text("2026-03-01"), "brand": .text("SanDisk"),
            "model": .text("Cruzer Blade 16GB"), "vendor_id": .text("0781"), "product_id": .text("5567"),
            "serial": .text(String(format: "4C53%016d", index)), "capacity_bytes": .integer(15_376_318_464),
            "filesystem_uuids": .text(#"["6F1C-2A9B"]"#), "bound_computers": .text(#"["PC-001"]"#), "state": .text("in-service"),
            "notes": .text("2026 年度清查已核对；随身携带须登记，离开办公区须经保密办批准。"),
            "registered_at": .text("2026-03-01T08:00:00Z"),
        ])
    }

    func parts(_ rows: [LedgerRowChange], version: Int64 = 7, at: Timestamp = at, bound: Int = 4096,
               key: SigningKey? = nil) throws -> [SignedPayload] {
        let payloads = try SnapshotParts.sign(ChangeSet(unit: "某单位", from: 0, to: version, at: at, rows: rows),
                                              partBytes: bound, with: key ?? unitKey)
        #expect(payloads.allSatisfy { $0.kind == .snapshotPart })
        return payloads
    }

    func mediaCount(_ f: Fixture) throws -> Int {
        try f.store.readRaw { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM medium") ?? 0 }
    }

    func refusals(_ f: Fixture) throws -> [String] {
        try f.answer(.violationsList(ViolationFilter()), \.violations).filter { $0.type == .unitPayloadRefused }.map(\.reason.en)
    }

    @Test func theSnapshotIsAppliedWithItsLastPartAndNotBefore() throws {
        let (f, recorder) = try enrolled()
        let payloads = try parts(Self.unitRows(media: 40))
        #expect(payloads.count >= 4)
        // All but the last, in two calls: staged, nothing written, nothing refused.
        for call in [Array(payloads[..<2]), Array(payloads[2..<(payloads.count - 1)])] {
            let staged = try recorder.unitApply(call, at: Self.at)
            #expect(staged.applied.isEmpty && staged.refused == nil)
            #expect(try mediaCount(f) == 0)
            #expect(try recorder.unitMembership()?.ledgerVersion == 0)
        }
        let done = try recorder.unitApply([payloads.last!], at: Self.at)
        #expect(done.applied.map(\.to) == [7])
        #expect(done.refused == nil)
        #expect(try mediaCount(f) == 40)
        #expect(try f.medium("U-2026-000040").boundComputers == ["PC-001"])
        #expect(try recorder.host()?.assetNumber == "PC-002")
        #expect(try recorder.unitMembership()?.ledgerVersion == 7)
        #expect(try refusals(f).isEmpty)
    }

    @Test func allPartsInOneCallAndThenANewerSnapshotReplacingIt() throws {
        let (f, recorder) = try enrolled()
        #expect(try recorder.unitApply(try parts(Self.unitRows(media: 30)), at: Self.at).applied.map(\.to) == [7])
        // Version 9 lists 12 of them: the rest leave the replica.
        let newer = try parts(Self.unitRows(media: 12), version: 9)
        #expect(try recorder.unitApply(newer, at: Self.at).applied.map(\.to) == [9])
        #expect(try mediaCount(f) == 12)
        // A change set after it applies as ever.
        var lost = Self.medium(3)
        lost.row?["state"] = .text("lost")
        let change = try SignedPayload.sign(ChangeSet(unit: "某单位", from: 9, to: 10, at: Self.at, rows: [lost]),
                                            kind: .changeSet, with: unitKey)
        #expect(try recorder.unitApply([change], at: Self.at).applied.map(\.to) == [10])
        #expect(try f.medium("U-2026-000003").state == .lost)
    }

    @Test func aCourierStartingOverMidwayStartsTheSnapshotAfresh() throws {
        let (f, recorder) = try enrolled()
        let payloads = try parts(Self.unitRows(media: 30))
        _ = try recorder.unitApply(Array(payloads.prefix(2)), at: Self.at)
        // Killed, restarted, fetched again: from the first part.
        let result = try recorder.unitApply(payloads, at: Self.at)
        #expect(result.applied.map(\.to) == [7] && result.refused == nil)
        #expect(try mediaCount(f) == 30)
        #expect(try refusals(f).isEmpty)
    }

    /// What a courier (or anyone with its role) might hand over instead of the parts in order. The
    /// snapshot A has parts A1…A4; B is another snapshot of the same version signed an hour later.
    enum Trouble: String, CaseIterable {
        case missing, missingLast, otherSnapshot, reordered, duplicated, tampered, withoutFirst, foreignKey, replayed
    }

    static let expected: [Trouble: String] = [
        .missing: "part 4 of the 4-part ledger snapshot of version 7 came where part 3 was next",
        .missingLast: "the ledger snapshot of version 7 stopped after 3 of its 4 parts",
        .otherSnapshot: "part 2 of the ledger snapshot of version 7 does not belong to the snapshot whose parts came before it",
        .reordered: "part 3 of the 4-part ledger snapshot of version 7 came where part 2 was next",
        .duplicated: "part 2 of the 4-part ledger snapshot of version 7 came where part 3 was next",
        .tampered: "the snapshot-part is not signed by this unit's key",
        .withoutFirst: "part 2 of the 4-part ledger snapshot of version 7 came where part 1 was next",
        .foreignKey: "the snapshot-part is not signed by this unit's key",
        .replayed: "the ledger snapshot of version 7 is not newer than version 7 held here",
    ]

    @Test(arguments: Trouble.allCases)
    func anythingButThePartsInOrderIsRefusedWholeAndRecorded(_ trouble: Trouble) throws {
        let (f, recorder) = try enrolled()
        let rows = Self.unitRows(media: 16)
        let a = try parts(rows)
        let b = try parts(rows, at: Self.later)
        #expect(a.count == 4 && b.count == 4)
        var calls: [[SignedPayload]]
        switch trouble {
        case .missing: calls = [[a[0], a[1], a[3]]]
        case .missingLast:
            let next = try SignedPayload.sign(ChangeSet(unit: "某单位", from: 0, to: 1, at: Self.at, rows: []), kind: .changeSet, with: unitKey)
            calls = [[a[0], a[1]], [a[2]], [next]]
        case .otherSnapshot: calls = [[a[0]], [b[1], b[2], b[3]]]
        case .reordered: calls = [[a[0], a[2], a[1], a[3]]]
        case .duplicated: calls = [[a[0], a[1]], [a[1], a[2], a[3]]]
        case .tampered:
            var forged = a[2]
            var body = forged.body
            let at = body.range(of: Data("U-2026-".utf8))!.lowerBound
            body[at] = UInt8(ascii: "X")
            forged.body = body
            calls = [[a[0], a[1], forged, a[3]]]
        case .withoutFirst: calls = [[a[1], a[2], a[3]]]
        case .foreignKey: calls = [try parts(rows, key: SigningKey())]
        case .replayed:
            #expect(try recorder.unitApply(a, at: Self.at).applied.map(\.to) == [7])
            calls = [b]
        }
        let before = try mediaCount(f)
        let version = try recorder.unitMembership()?.ledgerVersion
        var refused: [LedgerError] = []
        for call in calls {
            let result = try recorder.unitApply(call, at: Self.at)
            #expect(result.applied.isEmpty)
            if let error = result.refused { refused.append(error) }
        }
        #expect(refused.count == 1)
        let reason = try #require(refused.first).message.en
        #expect(reason.contains(Self.expected[trouble]!), "\(reason)")
        #expect(try mediaCount(f) == before)
        #expect(try recorder.unitMembership()?.ledgerVersion == version)
        let recorded = try refusals(f)
        #expect(recorded.count == 1)
        #expect(recorded.first?.contains(Self.expected[trouble]!) == true)
        // Nothing stays staged: the snapshot sent again, whole and in order, is applied.
        if trouble != .replayed {
            #expect(try recorder.unitApply(a, at: Self.at).applied.map(\.to) == [7])
            #expect(try mediaCount(f) == 16)
        }
    }

    @Test func partsFromAnotherUnitAreRefused() throws {
        let (f, recorder) = try enrolled()
        let foreign = try SnapshotParts.sign(ChangeSet(unit: "另一单位", from: 0, to: 7, at: Self.at, rows: Self.unitRows(media: 16)),
                                             partBytes: 4096, with: unitKey)
        let result = try recorder.unitApply(foreign, at: Self.at)
        #expect(result.refused?.message.en.contains("belongs to the unit '另一单位'") == true)
        #expect(try mediaCount(f) == 0)
    }
}
