import AssetCore
import Foundation
import HubCore
import Logging
import SyncCore
import Testing

/// The courier's records loop against a fake mediad that holds `unit await-outbox` as mediad does:
/// a record owed while the courier waits reaches the hub without any polling, and a mediad of the
/// release before (which cannot decode the call) is polled every `flush` as before.
@Suite(.serialized) struct SyncRecordsLoopTests {
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

    /// Runs the courier with `settings` against a hub at `desk` until the scene ends.
    func scene(_ settings: CourierSettings, _ body: (CountingDesk) async throws -> Void) async throws {
        try await withCleanup { cleanup in
            await cleanup.add { [mediad] in mediad.stop() }
            let desk = CountingDesk()
            let endpoint = try await RunningEndpoint.start(desk: desk, signal: LedgerVersionSignal(), tls: certificate.tls)
            await cleanup.add { await endpoint.stop() }
            let hub = try HubClient(hub: endpoint.hub, caPath: certificate.certificatePath)
            await cleanup.add { await hub.shutdown() }
            try token.write("token-A")
            var logger = Logger(label: "records-loop-test")
            logger.logLevel = .critical
            let courier = Courier(mediad: MediadClient(socketPath: mediad.path), hub: hub, token: token, settings: settings, logger: logger)
            let loops = Task { await courier.run() }
            await cleanup.add {
                loops.cancel()
                await loops.value
            }
            try await body(desk)
        }
    }

    static func settings(wait: Int) -> CourierSettings {
        CourierSettings(batch: 2, wait: wait, flush: .milliseconds(50),
                        backoff: BackoffPolicy(initial: .milliseconds(50), maximum: .milliseconds(400)))
    }

    @Test func aRecordOwedWhileTheCourierWaitsLeavesAtOnceWithoutPolling() async throws {
        // Held for up to 30 s: only the record can end this wait within the test's bounds.
        try await scene(Self.settings(wait: 30)) { desk in
            try await eventually("the courier's ask for records is held by mediad") { mediad.snapshot.holding == 1 }
            mediad.update { $0.outbox = [eventBatch("written-while-waiting")] }
            // Well before the 30 s a held ask would take to end of itself: the record woke it.
            try await eventually("the record reaches the hub", within: .seconds(15)) { await desk.delivered.count == 1 }
            #expect(await desk.delivered == [eventBatch("written-while-waiting")])
            try await eventually("its receipt reaches mediad") { mediad.receipts == [receipt("written-while-waiting")] }
            try await eventually("the courier waits again") { mediad.snapshot.holding == 1 }
            // One held ask per record, one to find nothing owed after it: never a look every `flush`.
            #expect(mediad.awaitCalls <= 3)
            #expect(mediad.outboxCalls == 0)
        }
    }

    @Test func anOlderMediadIsPolledEveryFlush() async throws {
        mediad.update { $0.older = true }
        try await scene(Self.settings(wait: 30)) { desk in
            try await eventually("the courier falls back to looking at the outbox") { mediad.outboxCalls >= 3 }
            mediad.update { $0.outbox = [eventBatch("from-an-older-mediad")] }
            try await eventually("the record still reaches the hub") { await desk.delivered == [eventBatch("from-an-older-mediad")] }
            mediad.update { $0.older = false }
            try await eventually("once mediad holds the ask, the courier waits on it") { mediad.snapshot.holding == 1 }
        }
    }

    @Test func waitZeroAsksEveryFlush() async throws {
        try await scene(Self.settings(wait: 0)) { desk in
            try await eventually("the outbox is looked at every flush") { mediad.outboxCalls >= 3 }
            #expect(mediad.awaitCalls == 0)
            mediad.update { $0.outbox = [eventBatch("polled")] }
            try await eventually("the record reaches the hub") { await desk.delivered == [eventBatch("polled")] }
            // The hub answers a wait of 0 at once: asked every 50 ms, not without end.
            let asked = await desk.changesAsked
            try await Task.sleep(for: .seconds(1))
            #expect(await desk.changesAsked - asked <= 25)
        }
    }
}

/// The fake hub, counting the asks for changes.
actor CountingDesk: CourierDesk {
    private let desk = FakeDesk()
    private(set) var changesAsked = 0

    var delivered: [SignedPayload] { get async { await desk.delivered } }

    func enrol(_ request: EnrolmentRequest) async throws(CourierRefusal) -> EnrolmentAnswer { try await desk.enrol(request) }

    func changes(token: String, after: Int64) async throws(CourierRefusal) -> [SignedPayload] {
        changesAsked += 1
        return try await desk.changes(token: token, after: after)
    }

    func deliver(token: String, batch: SignedPayload) async throws(CourierRefusal) -> SignedPayload {
        try await desk.deliver(token: token, batch: batch)
    }

    func ledgerVersion() async -> Int64 { await desk.ledgerVersion() }
}
