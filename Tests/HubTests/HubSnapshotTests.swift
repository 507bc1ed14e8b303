import AssetCore
import Foundation
@testable import HubCore
import HubStore
import Logging
import Testing

/// The hub's snapshot of a real unit ledger (a working copy over a throwaway PostgreSQL cluster):
/// whole when small, in parts under the bound when not, and the parts, applied by a replica, give
/// it exactly the hub's media.
@Suite(.serialized) struct HubSnapshotTests {
    static let admin = Caller(actor: Actor(uid: 0, name: "root"), roles: Set(Role.allCases))

    @Test func theHubSignsItsSnapshotInPartsThatAReplicaAppliesWhole() async throws {
        try await withHub { database, _ in
            let folder = try makeTemporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            var logger = Logger(label: "hub-snapshot-test")
            logger.logLevel = .warning
            let key = SigningKey()
            let ledger = try await HubLedger.open(database: database, directory: folder.path, unit: "某单位", key: key,
                                                  logger: logger, onVersion: { _ in })
            let service = ledger.service
            let numbers = try await onOwnThread { () -> [String] in
                _ = try service.handle(.personAdd(Person(id: "P001", name: "张三", clearance: .core)), caller: Self.admin)
                for asset in ["PC-001", "PC-002"] {
                    _ = try service.handle(.computerAdd(Computer(assetNumber: asset, level: .secret, network: .standalone, holder: "P001")),
                                           caller: Self.admin)
                }
                var numbers: [String] = []
                for index in 1...60 {
                    var registration = MediumRegistration(kind: .usbStick, level: .secret, holder: "P001")
                    registration.vendorID = "0781"
                    registration.productID = "5567"
                    registration.serial = String(format: "4C53%016d", index)
                    registration.boundComputers = ["PC-001"]
                    registration.notes = "2026 年度清查已核对"
                    guard case .medium(let shown) = try service.handle(.mediaRegister(registration), caller: Self.admin) else {
                        throw TestFailure("no medium in the answer")
                    }
                    numbers.append(shown.medium.number)
                }
                return numbers
            }
            let version = ledger.ledgerVersion
            #expect(version == 63) // one person, two computers, 60 media: a change set each

            // Whole at the default bound; in parts at 4 KiB.
            let whole = try await HubWorkers.run { try ledger.snapshot() }
            #expect(whole.map(\.kind) == [.snapshot])
            let parts = try await HubWorkers.run { try ledger.snapshot(partBytes: 4096) }
            #expect(parts.count > 2)
            #expect(parts.allSatisfy { $0.kind == .snapshotPart && $0.body.count <= 4096 })
            let opened = try parts.map { try $0.open(SnapshotPart.self, as: .snapshotPart, trusting: key.publicText) }
            #expect(opened.map(\.part) == Array(1...parts.count))
            #expect(opened.allSatisfy { $0.version == version && $0.unit == "某单位" })
            let wholeRows = try whole[0].open(ChangeSet.self, as: .snapshot, trusting: key.publicText).rows
            #expect(opened.flatMap(\.rows) == wholeRows)

            // A computer enrolled in the unit applies the parts; it then holds the hub's media.
            let replica = try LedgerStore(path: folder.appendingPathComponent("pc-002.db").path)
            let recorder = GuardRecorder(store: replica)
            _ = try recorder.unitJoin(EnrolmentAnswer(unit: "某单位", unitKey: key.publicText, computer: "PC-002", courierToken: "t"),
                                      at: Timestamp(parsing: "2026-11-30T08:00:00Z")!)
            let result = try recorder.unitApply(parts, at: Timestamp(parsing: "2026-11-30T08:00:00Z")!)
            #expect(result.applied.map(\.to) == [version])
            #expect(result.refused == nil)
            let held = try replica.readRaw { db in try String.fetchAll(db, sql: "SELECT number FROM medium ORDER BY number") }
            #expect(held == numbers.sorted())
        }
    }
}
