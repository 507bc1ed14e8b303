import AssetCore
import Foundation
import HubCore
import Logging
@testable import SyncCore
import SystemSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A snapshot larger than mediad's 32 MiB request limit, from the hub's HTTPS endpoint through the
/// real courier to a real replica: the courier packs the parts into requests under the limit, in
/// order, and the replica applies the snapshot whole with its last part.
@Suite(.serialized) struct SnapshotCourierTests {
    static let mib = 1 << 20

    func payload(body bytes: Int) -> SignedPayload {
        SignedPayload(kind: .snapshotPart, signer: String(repeating: "k", count: 44), body: Data(repeating: 0x41, count: bytes),
                      signature: Data(repeating: 7, count: 64))
    }

    /// Bodies of "A"s and a signature of 7s make base64 without "/". A 10 MiB body is 13,981,016
    /// bytes of base64, its signature 88, the signer 44, "snapshot-part" 13 and the member names and
    /// punctuation 96 at most: 13,981,257. Two of them (27,962,514) fit the 33,550,336 left of
    /// 32 MiB after 4 KiB for the request around them; three (41,943,771) do not. An 8 MiB body
    /// makes 11,185,053: three are 33,555,159, just over.
    @Test(arguments: [
        ([10, 10, 10, 0], [2, 2]),
        ([20, 20], [1, 1]),
        ([8, 8, 8, 8, 8], [2, 2, 1]),
        ([0, 0, 0], [3]),
        ([40, 1], [1, 1]),     // too large alone: its own request (mediad refuses it, the courier says so)
    ])
    func payloadsArePackedIntoRequestsUnderTheLimit(mebibytes: [Int], expected: [Int]) {
        let list = mebibytes.map { payload(body: max($0 * Self.mib, 16)) }
        #expect(Courier.requestBytes(payload(body: 10 * Self.mib)) == 13_981_257)
        let calls = Courier.calls(list)
        #expect(calls.map(\.count) == expected)
        #expect(calls.flatMap { $0 } == list)
    }

    /// The measure is never below what the request really takes, whatever the bytes (random bytes
    /// make base64 with "/", which JSON escapes), and never far above it.
    @Test func theMeasureCoversTheFramedRequest() throws {
        let empty = try ControlProtocol.frame(ControlRequest(call: .unit(.apply([])))).count
        var generator = SystemRandomNumberGenerator()
        for bytes in [1, 100, 4096, 1 << 20, 5 << 20] {
            let body = Data((0..<bytes).map { _ in UInt8.random(in: 0...255, using: &generator) })
            let payload = SignedPayload(kind: .snapshotPart, signer: SigningKey().publicText, body: body,
                                        signature: Data((0..<64).map { _ in UInt8.random(in: 0...255, using: &generator) }))
            // A payload in a list of several also takes the comma before it.
            let framed = try ControlProtocol.frame(ControlRequest(call: .unit(.apply([payload])))).count - empty + 1
            let measured = Courier.requestBytes(payload)
            #expect(framed <= measured && measured - framed < 64, "\(bytes) bytes: framed \(framed), measured \(measured)")
        }
    }

    @Test func aSnapshotLargerThanTheLimitReachesTheReplicaThroughTheCourier() async throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let certificate = try TestCertificate.make(in: folder, name: "hub")
        let unitKey = SigningKey()
        let store = try LedgerStore(path: folder.appendingPathComponent("mediad.db").path)
        let recorder = GuardRecorder(store: store)
        _ = try recorder.unitJoin(EnrolmentAnswer(unit: "某单位", unitKey: unitKey.publicText, computer: "PC-002",
                                                  courierToken: PartsDesk.token, hub: "hub.example"),
                                  at: Timestamp(parsing: "2026-11-30T08:00:00Z")!)
        let rows = LargeUnit.rows(media: 56_000)
        let payloads = try SnapshotParts.sign(ChangeSet(unit: "某单位", from: 0, to: 600, at: Timestamp(parsing: "2026-11-30T08:00:00Z")!,
                                                        rows: rows), partBytes: SnapshotParts.defaultPartBytes, with: unitKey)
        let total = payloads.reduce(0) { $0 + $1.body.count }
        #expect(total > ControlProtocol.maxRequestBytes)
        let mediad = try ReplicaMediad(path: folder.appendingPathComponent("mediad.sock").path, recorder: recorder)
        defer { mediad.stop() }
        try await withCleanup { cleanup in
            let endpoint = try await RunningEndpoint.start(desk: PartsDesk(payloads: payloads, version: 600),
                                                           signal: LedgerVersionSignal(), tls: certificate.tls)
            await cleanup.add { await endpoint.stop() }
            let hub = try HubClient(hub: endpoint.hub, caPath: certificate.certificatePath)
            await cleanup.add { await hub.shutdown() }
            let token = TokenFile(path: folder.appendingPathComponent("state/token").path)
            try token.write(PartsDesk.token)
            var logger = Logger(label: "courier-test")
            logger.logLevel = .critical
            let courier = Courier(mediad: MediadClient(socketPath: mediad.path), hub: hub, token: token,
                                  settings: CourierSettings(batch: 10, wait: 5, flush: .seconds(5)), logger: logger)
            let loops = Task { await courier.run() }
            await cleanup.add { loops.cancel(); await loops.value }
            let started = ContinuousClock.now
            try await eventually("the replica holds version 600", within: .seconds(300)) {
                (try? recorder.unitMembership()?.ledgerVersion) == 600
            }
            print("a snapshot of \(total) bytes in \(payloads.count) parts reached the replica in \(ContinuousClock.now - started)")
        }
        let media = try store.readRaw { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM medium") }
        #expect(media == 56_000)
        // Every request was under the limit, several parts went in one, and none was refused.
        let requests = mediad.applyRequests
        #expect(requests.allSatisfy { $0 <= ControlProtocol.maxRequestBytes }, "\(requests)")
        #expect(requests.count == Courier.calls(payloads).count && requests.count < payloads.count, "\(requests)")
        #expect(mediad.refused.isEmpty, "\(mediad.refused)")
    }
}

/// The unit's rows for a large ledger: a person, two computers and `media` sticks held by P001.
enum LargeUnit {
    static func rows(media count: Int) -> [LedgerRowChange] {
        var rows = [
            LedgerRowChange(table: "person", key: "P001", row: ["id": .text("P001"), "name": .text("张三"), "clearance": .text("core")]),
            LedgerRowChange(table: "computer", key: "PC-001", row: [
                "asset_number": .text("PC-001"), "level": .text("secret"), "network": .text("standalone"), "holder": .text("P001")]),
            LedgerRowChange(table: "computer", key: "PC-002", row: [
                "asset_number": .text("PC-002"), "level": .text("secret"), "network": .text("standalone"), "holder": .text("P001")]),
        ]
        for index in 1...count {
            let number = String(format: "U-2026-%06d", index)
            rows.append(LedgerRowChange(table: "medium", key: number, row: [
                "number": .text(number), "kind": .text("usb-stick"), "level": .text("secret"), "holder": .text("P001"),
                "department": .text("第三研究室"), "purpose": .text("涉密数据交换（项目资料拷贝与归档）"),
                "place": .text("主楼 4 层 412 室保密柜"), "brand": .text("SanDisk"), "model": .text("Cruzer Blade 16GB"),
                "vendor_id": .text("0781"), "product_id": .text("5567"), "serial": .text(String(format: "4C53%016d", index)),
                "capacity_bytes": .integer(15_376_318_464), "bound_computers": .text(#"["PC-001"]"#), "state": .text("in-service"),
                "notes": .text("2026 年度清查已核对；随身携带须登记，离开办公区须经保密办批准。"), "registered_at": .text("2026-03-01T08:00:00Z"),
            ]))
        }
        return rows
    }
}

/// The hub's side for one snapshot: the signed payloads for any computer behind `version`.
actor PartsDesk: CourierDesk {
    static let token = "token-S"
    let payloads: [SignedPayload]
    let version: Int64

    init(payloads: [SignedPayload], version: Int64) {
        self.payloads = payloads
        self.version = version
    }

    func enrol(_ request: EnrolmentRequest) async throws(CourierRefusal) -> EnrolmentAnswer { throw .unauthorized }

    func changes(token: String, after: Int64) async throws(CourierRefusal) -> [SignedPayload] {
        guard token == Self.token else { throw .unauthorized }
        return after < version ? payloads : []
    }

    func deliver(token: String, batch: SignedPayload) async throws(CourierRefusal) -> SignedPayload { throw .unauthorized }

    func ledgerVersion() async -> Int64 { version }
}
