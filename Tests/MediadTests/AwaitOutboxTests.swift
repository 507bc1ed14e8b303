#if canImport(Glibc)
import Glibc
#endif
import AssetCore
import ControlSocket
import Dispatch
import Foundation
import Logging
@testable import MediadCore
import SystemSupport
import Testing

/// `unit await-outbox` against mediad's real control server and ledger: held until a record is
/// owed (one written before the call is answered at once), answered empty at its timeout, freed when
/// the courier hangs up, and answered when mediad stops.
@Suite struct AwaitOutboxTests {
    let unitKey = SigningKey()
    let folder: String
    let recorder: GuardRecorder
    let broadcaster = Broadcaster()
    let server: ControlServer
    let socket: String

    init() throws {
        folder = NSTemporaryDirectory() + "await-outbox-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let store = try LedgerStore(path: folder + "/mediad.db")
        recorder = GuardRecorder(store: store)
        _ = try SigningKey.load(path: folder + "/computer.key", create: true)
        _ = try recorder.unitJoin(EnrolmentAnswer(unit: "某单位", unitKey: unitKey.publicText, computer: "PC-002", courierToken: "t"),
                                  at: .init(secondsSinceEpoch: 1_800_000_000))
        var logger = Logger(label: "await-outbox-test")
        logger.logLevel = .critical
        let guardian = Guard(recorder: recorder, config: GuardConfig(), logger: logger, broadcaster: broadcaster)
        socket = folder + "/mediad.sock"
        server = try ControlServer(path: socket, group: String(getgid()), service: InventoryService(store: store), guardian: guardian,
                                   broadcaster: broadcaster, roles: RoleMap(), logger: logger)
        try server.start()
    }

    /// Everything written so far acknowledged, as the hub's receipt does: nothing is owed.
    func acknowledgeAll() throws {
        guard let payload = try recorder.unitOutbox(limit: 10_000, key: SigningKey.load(path: folder + "/computer.key", create: false),
                                                    at: .init(secondsSinceEpoch: 1_800_000_000)) else { return }
        let last = try #require(try payload.open(EventBatch.self, as: .eventBatch, trusting: payload.signer).records.last)
        let receipt = try SignedPayload.sign(Receipt(unit: "某单位", computer: "PC-002", seq: last.seq, hash: last.hash,
                                                     at: .init(secondsSinceEpoch: 1_800_000_000)), kind: .receipt, with: unitKey)
        #expect(try recorder.unitReceipt(receipt).owed == 0)
    }

    /// The records of a reply's batch, by sequence number; nil for an empty answer.
    func sequences(_ reply: ControlReply?) throws -> [Int64]? {
        guard case .unit(.batch(let owed))? = reply else { throw TestStop("not a batch: \(String(describing: reply))") }
        return try owed.map { try $0.open(EventBatch.self, as: .eventBatch, trusting: $0.signer).records.map(\.seq) }
    }

    /// A record the Guard writes and publishes, as after a device decision.
    func guardRecords() throws {
        let event = try recorder.recordStop(at: .init(secondsSinceEpoch: 1_800_000_100), note: "a record", requestedBy: nil)
        broadcaster.publish(WatchItem(event: event, violations: []))
    }

    func held() async throws {
        try await until("mediad holds the call") { broadcaster.records.waiting == 1 }
    }

    @Test func aRecordOwedBeforeTheCallIsAnsweredAtOnce() throws {
        defer { server.stop() }
        let call = try CourierCall(socket: socket, .awaitOutbox(limit: 10, seconds: 60))
        #expect(try sequences(call.reply(within: .seconds(10))) == [1])
    }

    @Test func aHeldCallIsAnsweredWhenARecordIsWritten() async throws {
        defer { server.stop() }
        try acknowledgeAll()
        let call = try CourierCall(socket: socket, .awaitOutbox(limit: 10, seconds: 60))
        try await held()
        try guardRecords()
        #expect(try sequences(call.reply(within: .seconds(10))) == [2])
        #expect(broadcaster.records.waiting == 0)
    }

    @Test func aHeldCallIsAnsweredEmptyAtItsTimeout() throws {
        defer { server.stop() }
        try acknowledgeAll()
        let started = ContinuousClock.now
        let call = try CourierCall(socket: socket, .awaitOutbox(limit: 10, seconds: 1))
        #expect(try sequences(call.reply(within: .seconds(10))) == nil)
        #expect(ContinuousClock.now - started >= .seconds(1))
    }

    @Test func aCourierThatHangsUpFreesTheWait() async throws {
        defer { server.stop() }
        try acknowledgeAll()
        let call = try CourierCall(socket: socket, .awaitOutbox(limit: 10, seconds: 60))
        try await held()
        call.hangUp()
        try await until("the wait ends with the courier's connection") { broadcaster.records.waiting == 0 }
    }

    @Test func stoppingMediadAnswersHeldCalls() async throws {
        try acknowledgeAll()
        let call = try CourierCall(socket: socket, .awaitOutbox(limit: 10, seconds: 60))
        try await held()
        server.stop()
        #expect(try sequences(call.reply(within: .seconds(10))) == nil)
    }

    @Test func theCallIsTheCouriers() {
        #expect(UnitCall.awaitOutbox(limit: 1, seconds: 1).permission == .carry)
        let plain = try? JSONDecoder().decode(UnitCall.self, from: Data(#"{"outbox":{"limit":500}}"#.utf8))
        #expect(plain == .outbox(limit: 500))
    }
}

struct TestStop: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Polls observed state until it holds, for at most `limit`.
func until(_ what: String, within limit: Duration = .seconds(10), _ check: () -> Bool) async throws {
    let deadline = ContinuousClock.now + limit
    while !check() {
        guard ContinuousClock.now < deadline else { throw TestStop("timed out waiting for \(what)") }
        try await Task.sleep(for: .milliseconds(10))
    }
}

/// One unit call as the courier makes it, its reply read on a thread of its own (it may be held).
final class CourierCall: @unchecked Sendable {
    private let fd: Int32
    private let done = DispatchSemaphore(value: 0)
    private var received: ControlReply?

    init(socket path: String, _ call: UnitCall) throws {
        fd = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard UnixSocketAddress.with(path, { connect(fd, $0, $1) }) == 0 else { throw TestStop("cannot connect to \(path)") }
        let frame = try ControlProtocol.frame(ControlRequest(call: .unit(call)))
        guard frame.withUnsafeBytes({ bytes in Descriptor.transferAll(bytes) { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } }) else {
            throw TestStop("cannot send the call")
        }
        Threads.start(name: "courier-call") { [self] in
            if let header = read(4), case .message(let length)? = ControlProtocol.replyFrame(ofHeader: header), let body = read(length) {
                received = try? JSONDecoder().decode(ControlResponse.self, from: Data(body)).reply
            }
            done.signal()
        }
    }

    deinit { close(fd) }

    /// The reply; nil when the connection ended without one. Throws when none came in time.
    func reply(within limit: Duration) throws -> ControlReply? {
        guard done.wait(timeout: .now() + .milliseconds(Int(limit.components.seconds * 1000))) == .success else {
            throw TestStop("no reply within \(limit)")
        }
        return received
    }

    /// The courier goes away (stopped, or its call cancelled).
    func hangUp() {
        shutdown(fd, Int32(SHUT_RDWR))
    }

    private func read(_ count: Int) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: count)
        let complete = buffer.withUnsafeMutableBytes { raw in Descriptor.fillAll(raw) { recv(fd, $0.baseAddress, $0.count, 0) } }
        return complete ? buffer : nil
    }
}
