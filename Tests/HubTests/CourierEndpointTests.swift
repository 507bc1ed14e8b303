import AssetCore
import Foundation
import HubCore
import SyncCore
import Testing

/// The hub's HTTPS endpoint, in-process, with a fake desk, asked through SyncCore's client, which
/// trusts only the throwaway certificate the endpoint serves.
@Suite(.serialized) struct CourierEndpointTests {
    let folder: URL
    let certificate: TestCertificate

    init() throws {
        folder = try makeTemporaryFolder()
        certificate = try TestCertificate.make(in: folder, name: "hub")
    }

    /// Runs `body` against a fresh endpoint and a client of it, and stops both whatever happens.
    func withEndpoint(_ body: (RunningEndpoint, HubClient, FakeDesk, LedgerVersionSignal, Cleanup) async throws -> Void) async throws {
        let desk = FakeDesk()
        let signal = LedgerVersionSignal()
        try await withCleanup { cleanup in
            let endpoint = try await RunningEndpoint.start(desk: desk, signal: signal, tls: certificate.tls)
            await cleanup.add { await endpoint.stop() }
            let client = try HubClient(hub: endpoint.hub, caPath: certificate.certificatePath, connections: 256)
            await cleanup.add { await client.shutdown() }
            try await body(endpoint, client, desk, signal, cleanup)
        }
        #expect(await signal.waiting == 0, "no long-poll is left waiting once the endpoint stops")
    }

    @Test func enrolmentIsAnsweredWithTheUnitAndToken() async throws {
        try await withEndpoint { _, client, desk, _, _ in
            let answer = try await client.enrol(EnrolmentRequest(computer: "PC-0042", code: "ENROL-7391", publicKey: "pk"))
            #expect(answer == EnrolmentAnswer(unit: "第一研究所", unitKey: "unit-public-key", computer: "PC-0042", courierToken: "token-A"))
            #expect(await desk.enrolments == [EnrolmentRequest(computer: "PC-0042", code: "ENROL-7391", publicKey: "pk")])
        }
    }

    @Test func aRefusedEnrolmentCarriesTheHubsWordsInBothLanguages() async throws {
        try await withEndpoint { _, client, _, _, _ in
            await #expect(throws: HubError.refused(status: 403, message: Bilingual(zh: "注册码无效或已用过", en: "the enrolment code is wrong or spent"))) {
                _ = try await client.enrol(EnrolmentRequest(computer: "PC-0042", code: "WRONG", publicKey: "pk"))
            }
        }
    }

    @Test func changesWithoutOrWithAnUnknownTokenAre401() async throws {
        try await withEndpoint { _, client, _, _, _ in
            do {
                _ = try await client.send(.get, "/v1/changes?after=0&wait=0")
                Issue.record("a request without a token was answered")
            } catch {
                guard case .refused(let status, _)? = error as? HubError else { throw error }
                #expect(status == 401)
            }
            do {
                _ = try await client.changes(token: "stolen", after: 0, wait: 0)
                Issue.record("an unknown token was answered")
            } catch {
                guard case .refused(let status, _)? = error as? HubError else { throw error }
                #expect(status == 401)
            }
        }
    }

    @Test func changesAfterAVersionComeInOrder() async throws {
        try await withEndpoint { _, client, desk, _, _ in
            await desk.publish(1...4)
            let afterOne = try await client.changes(token: "token-A", after: 1, wait: 0)
            #expect(afterOne == [changeSet(2), changeSet(3), changeSet(4)])
            let afterFour = try await client.changes(token: "token-A", after: 4, wait: 0)
            #expect(afterFour == [])
            let version = try await client.health()
            #expect(version == 4)
        }
    }

    @Test func aLongPollIsAnsweredWhenTheLedgerMoves() async throws {
        try await withEndpoint { _, client, desk, signal, _ in
            await desk.publish(1...5)
            await signal.advance(to: 5)
            let started = ContinuousClock.now
            let poll = Task { try await client.changes(token: "token-A", after: 5, wait: 60) }
            try await eventually("the long-poll waits on the signal") { await signal.waiting == 1 }
            await desk.publish(6...6)
            await signal.advance(to: 6)
            #expect(try await poll.value == [changeSet(6)])
            #expect(ContinuousClock.now - started < .seconds(60), "answered before its 60 s wait was over")
            #expect(await signal.waiting == 0)
        }
    }

    @Test func aLongPollWithNothingNewEndsEmptyAfterItsWait() async throws {
        try await withEndpoint { _, client, desk, signal, _ in
            await desk.publish(1...3)
            await signal.advance(to: 3)
            let nothing = try await client.changes(token: "token-A", after: 3, wait: 1)
            #expect(nothing == [])
            #expect(await signal.waiting == 0, "the timed-out waiter is gone")
        }
    }

    @Test func aCourierThatHangsUpLeavesNoWaiterBehind() async throws {
        try await withEndpoint { _, client, _, signal, _ in
            let poll = Task { try await client.changes(token: "token-A", after: 0, wait: 60) }
            try await eventually("the long-poll waits") { await signal.waiting == 1 }
            poll.cancel()
            _ = try? await poll.value
            // Far sooner than the 60 s the poll asked for: the hang-up removed it.
            try await eventually("the waiter is removed when its courier hangs up", within: .seconds(20)) {
                await signal.waiting == 0
            }
        }
    }

    @Test func twoHundredLongPollsAreAllReleasedByOneAdvance() async throws {
        try await withEndpoint { _, client, desk, signal, _ in
            await desk.publish(1...10)
            await signal.advance(to: 10)
            let results = Task {
                try await withThrowingTaskGroup(of: [SignedPayload].self) { group in
                    for _ in 0..<200 { group.addTask { try await client.changes(token: "token-A", after: 10, wait: 60) } }
                    var all: [[SignedPayload]] = []
                    for try await result in group { all.append(result) }
                    return all
                }
            }
            try await eventually("200 long-polls wait", within: .seconds(60)) { await signal.waiting == 200 }
            await desk.publish(11...11)
            await signal.advance(to: 11)
            let all = try await results.value
            #expect(all.count == 200)
            #expect(all.allSatisfy { $0 == [changeSet(11)] })
            #expect(await signal.waiting == 0)
        }
    }

    @Test func eventsAreDeliveredAndTheReceiptReturned() async throws {
        try await withEndpoint { _, client, desk, _, _ in
            let answer = try await client.deliver(token: "token-A", batch: eventBatch("batch-1"))
            #expect(answer == receipt("batch-1"))
            #expect(await desk.delivered == [eventBatch("batch-1")])
        }
    }

    @Test func aBodyOver16MiBIs413() async throws {
        try await withEndpoint { _, client, desk, _, _ in
            do {
                _ = try await client.send(.post, "/v1/events", token: "token-A", body: Data(count: (16 << 20) + 1))
                Issue.record("an oversized body was accepted")
            } catch {
                guard case .refused(let status, _)? = error as? HubError else { throw error }
                #expect(status == 413)
            }
            #expect(await desk.delivered.isEmpty)
        }
    }

    @Test func aClientTrustingAnotherCertificateRefusesTheHub() async throws {
        let other = try TestCertificate.make(in: folder, name: "other")
        try await withEndpoint { endpoint, _, _, _, cleanup in
            let stranger = try HubClient(hub: endpoint.hub, caPath: other.certificatePath)
            await cleanup.add { await stranger.shutdown() }
            do {
                _ = try await stranger.health()
                Issue.record("a hub with an untrusted certificate was believed")
            } catch {
                guard let error = error as? HubError, case .untrusted = error else { throw error }
                #expect(error.message.en.contains("is not trusted"))
                #expect(error.exitCode == 76)
            }
        }
    }

    @Test func aMissingOrMismatchedKeyIsNamedBeforeListening() throws {
        let missing = CourierTLS(certificatePath: certificate.certificatePath, keyPath: folder.appendingPathComponent("none.key").path)
        #expect(throws: CourierSetupError(zh: "无法读取私钥文件 \(missing.keyPath)（不存在或无权读取）",
                                          en: "cannot read the private key file \(missing.keyPath) (missing or not readable)")) {
            _ = try missing.serverConfiguration()
        }
        let other = try TestCertificate.make(in: folder, name: "mismatch")
        let mismatched = CourierTLS(certificatePath: certificate.certificatePath, keyPath: other.keyPath)
        do {
            _ = try mismatched.serverConfiguration()
            Issue.record("a key of another certificate was accepted")
        } catch {
            #expect(error.en.hasPrefix("the private key \(other.keyPath) does not belong to the certificate"))
        }
    }
}
