import AssetCore
import Foundation
import HubCore
import Logging
import SyncCore
import Testing

/// The courier's loops between a fake mediad (a real Unix socket speaking ControlProtocol) and the
/// in-process hub endpoint over real TLS.
@Suite(.serialized) struct SyncCourierTests {
    let folder: URL
    let certificate: TestCertificate
    let mediad: FakeMediad
    let token: TokenFile

    init() throws {
        folder = try makeTemporaryFolder()
        certificate = try TestCertificate.make(in: folder, name: "hub")
        mediad = try FakeMediad(path: folder.appendingPathComponent("mediad.sock").path)
        token = TokenFile(path: folder.appendingPathComponent("state/token").path)
    }

    static let quick = CourierSettings(batch: 2, wait: 5, flush: .milliseconds(50),
                                       backoff: BackoffPolicy(initial: .milliseconds(50), maximum: .milliseconds(400)))

    /// Starts an endpoint (taken down by `cleanup`).
    func startHub(_ desk: FakeDesk, _ signal: LedgerVersionSignal = LedgerVersionSignal(), port: Int = 0,
                  _ cleanup: Cleanup) async throws -> RunningEndpoint {
        let endpoint = try await RunningEndpoint.start(desk: desk, signal: signal, tls: certificate.tls, port: port)
        await cleanup.add { await endpoint.stop() }
        return endpoint
    }

    func hubClient(_ hub: String, _ cleanup: Cleanup) async throws -> HubClient {
        let client = try HubClient(hub: hub, caPath: certificate.certificatePath)
        await cleanup.add { await client.shutdown() }
        return client
    }

    /// Starts the courier's loops; `cleanup` cancels them and checks they end promptly, even in the
    /// middle of a long-poll (as on SIGTERM).
    func startCourier(hub: String, _ cleanup: Cleanup) async throws {
        var logger = Logger(label: "courier-test")
        logger.logLevel = .critical
        let courier = Courier(mediad: MediadClient(socketPath: mediad.path), hub: try await hubClient(hub, cleanup), token: token,
                              settings: Self.quick, logger: logger)
        let loops = Task { await courier.run() }
        await cleanup.add {
            loops.cancel()
            let ended = TestFlag()
            Task { await loops.value; await ended.raise() }
            let stopped: Bool
            do { try await eventually("the courier stops when cancelled") { await ended.isRaised }; stopped = true } catch { stopped = false }
            #expect(stopped, "the courier stops when cancelled")
        }
    }

    /// Runs a test with the fake mediad stopped at the end.
    func scene(_ body: (Cleanup) async throws -> Void) async throws {
        try await withCleanup { cleanup in
            await cleanup.add { [mediad] in mediad.stop() }
            try await body(cleanup)
        }
    }

    @Test func changesAreHandedToMediadInOrder() async throws {
        try await scene { cleanup in
            let desk = FakeDesk()
            let signal = LedgerVersionSignal()
            await desk.publish(1...3)
            await signal.advance(to: 3)
            let endpoint = try await startHub(desk, signal, cleanup)
            try token.write("token-A")
            try await startCourier(hub: endpoint.hub, cleanup)
            try await eventually("mediad receives the first three change sets") { mediad.applied.count == 1 }
            #expect(mediad.applied == [["1", "2", "3"]])
            try await eventually("the courier long-polls from version 3") { await signal.waiting == 1 }
            await desk.publish(4...5)
            await signal.advance(to: 5)
            try await eventually("mediad receives the next two") { mediad.applied.count == 2 }
            #expect(mediad.applied == [["1", "2", "3"], ["4", "5"]])
            #expect(mediad.snapshot.version == 5)
        }
    }

    @Test func aRefusedChangeSetIsNotOfferedInALoop() async throws {
        try await scene { cleanup in
            let desk = FakeDesk()
            let signal = LedgerVersionSignal()
            await desk.publish(1...2)
            await signal.advance(to: 2)
            mediad.update { $0.refuse = ["1"] }
            let endpoint = try await startHub(desk, signal, cleanup)
            try token.write("token-A")
            try await startCourier(hub: endpoint.hub, cleanup)
            try await eventually("mediad is offered the change sets again after a backoff") { mediad.applied.count >= 3 }
            // Backing off 50 ms doubling to 400 ms: a second is a handful of offers, not thousands.
            try await Task.sleep(for: .seconds(1))
            #expect(mediad.applied.count < 15)
            #expect(mediad.snapshot.version == 0)
        }
    }

    @Test func aBatchIsPostedAndItsReceiptHandedBack() async throws {
        try await scene { cleanup in
            let desk = FakeDesk()
            let endpoint = try await startHub(desk, LedgerVersionSignal(), cleanup)
            try token.write("token-A")
            mediad.update { $0.outbox = [eventBatch("batch-1"), eventBatch("batch-2")] }
            try await startCourier(hub: endpoint.hub, cleanup)
            try await eventually("both batches reach the hub") { await desk.delivered.count == 2 }
            #expect(await desk.delivered == [eventBatch("batch-1"), eventBatch("batch-2")])
            try await eventually("both receipts reach mediad") { mediad.receipts.count == 2 }
            #expect(mediad.receipts == [receipt("batch-1"), receipt("batch-2")])
        }
    }

    @Test func theCourierRecoversWhenTheHubComesBack() async throws {
        try await scene { cleanup in
            let desk = FakeDesk()
            let signal = LedgerVersionSignal()
            // Learn a free port, then leave it closed: the hub is down when the courier starts.
            let probe = try await RunningEndpoint.start(desk: desk, signal: signal, tls: certificate.tls)
            let port = probe.port
            await probe.stop()
            try token.write("token-A")
            mediad.update { $0.outbox = [eventBatch("batch-1")] }
            try await startCourier(hub: "https://127.0.0.1:\(port)", cleanup)
            try await eventually("the courier tries, fails and tries again") { mediad.outboxAsks >= 3 }
            #expect(await desk.delivered.isEmpty)
            #expect(mediad.receipts.isEmpty)
            _ = try await startHub(desk, signal, port: port, cleanup)
            try await eventually("the batch is delivered once the hub is back") { await desk.delivered.count == 1 }
            #expect(await desk.delivered == [eventBatch("batch-1")])
            try await eventually("its receipt reaches mediad") { mediad.receipts.count == 1 }
            #expect(mediad.receipts == [receipt("batch-1")])
        }
    }

    @Test func enrolmentJoinsMediadAndKeepsTheToken() async throws {
        try await scene { cleanup in
            let desk = FakeDesk()
            let endpoint = try await startHub(desk, LedgerVersionSignal(), cleanup)
            let client = try await hubClient(endpoint.hub, cleanup)
            let outcome = try await Enrolment.perform(code: "ENROL-7391", computer: nil, mediad: MediadClient(socketPath: mediad.path),
                                                      hub: client, token: token)
            #expect(outcome.unit == "第一研究所")
            #expect(outcome.computer == "PC-0042")
            #expect(outcome.unitKeyFingerprint == UnitKey.fingerprint("unit-public-key"))
            #expect(await desk.enrolments == [EnrolmentRequest(computer: "PC-0042", code: "ENROL-7391", publicKey: "computer-public-key")])
            #expect(mediad.snapshot.joined == EnrolmentAnswer(unit: "第一研究所", unitKey: "unit-public-key", computer: "PC-0042", courierToken: "token-A"))
            #expect(try token.read() == "token-A")
            let mode = try FileManager.default.attributesOfItem(atPath: token.path)[.posixPermissions] as? Int
            #expect(mode == 0o600)
        }
    }

    @Test func aRefusedEnrolmentJoinsNothingAndWritesNoToken() async throws {
        try await scene { cleanup in
            let desk = FakeDesk()
            let endpoint = try await startHub(desk, LedgerVersionSignal(), cleanup)
            let client = try await hubClient(endpoint.hub, cleanup)
            mediad.update { $0.knownComputer = nil }
            await #expect(throws: HubError.refused(status: 403, message: Bilingual(zh: "注册码无效或已用过", en: "the enrolment code is wrong or spent"))) {
                _ = try await Enrolment.perform(code: "SPENT", computer: "PC-0099", mediad: MediadClient(socketPath: mediad.path),
                                                hub: client, token: token)
            }
            #expect(await desk.enrolments.map(\.computer) == ["PC-0099"])
            #expect(mediad.snapshot.joined == nil)
            #expect(!FileManager.default.fileExists(atPath: token.path))
        }
    }

    @Test func statusReportsMediadAndTheHub() async throws {
        try await scene { cleanup in
            let desk = FakeDesk()
            await desk.publish(1...7)
            let endpoint = try await startHub(desk, LedgerVersionSignal(), cleanup)
            let client = try await hubClient(endpoint.hub, cleanup)
            mediad.update { $0.version = 6; $0.outbox = [eventBatch("a"), eventBatch("b"), eventBatch("c")] }
            let report = await SyncStatus.gather(mediad: MediadClient(socketPath: mediad.path), hub: client)
            #expect(report.exitCode == 0)
            #expect(report.lines(.en, hubAddress: "https://hub") == [
                "unit: 第一研究所 (key \(UnitKey.fingerprint("unit-public-key")))",
                "computer: PC-0042",
                "ledger version: 6",
                "records owed: 3 (written 3, acknowledged 0)",
                "last change: none",
                "hub: https://hub answers, ledger version 7",
            ])
        }
    }

    @Test func mediadAwayIsAnErrorThatSaysSo() async throws {
        mediad.stop()
        let client = MediadClient(socketPath: mediad.path)
        do {
            _ = try await client.membership()
            Issue.record("a missing socket answered")
        } catch {
            guard case .unreachable(let path, _) = error else { throw error }
            #expect(path == mediad.path)
            #expect(error.exitCode == 69)
        }
    }
}
