#if canImport(Glibc)
import Glibc
#endif
import AssetCore
import ControlSocket
import Foundation
import Logging
import Synchronization
import SystemSupport
import Testing

/// mediad answers one control request at a time (`RequestGate`), so that a flood of requests keeps
/// at most one of its threads busy; and a client that does not read its reply holds only its own
/// thread, never the gate.
@Suite struct RequestGateTests {
    /// Holds each `status` until the test lets it go; counts how many are inside at once. Any other
    /// call gets a reply far larger than a socket's buffer.
    final class Holding: ControlResponder {
        let inside = Atomic<Int>(0)
        let most = Atomic<Int>(0)
        let entered = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)

        func respond(to call: ControlCall, caller: Caller, on connection: ControlConnection) {
            guard case .status = call else {
                connection.send(.error(LedgerError(.usage, zh: "大", en: String(repeating: "x", count: 8 << 20))))
                return
            }
            let now = inside.add(1, ordering: .relaxed).newValue
            _ = most.max(now, ordering: .relaxed)
            entered.signal()
            release.wait()
            inside.subtract(1, ordering: .relaxed)
            connection.send(.error(LedgerError(.usage, zh: "好", en: "done")))
        }
    }

    static func start(_ responder: Holding, gate: RequestGate,
                      afterEach: (@Sendable (Bool) -> Void)? = nil) throws -> (ControlListener, String) {
        let directory = NSTemporaryDirectory() + "request-gate-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/mediad.sock"
        let listener = try ControlListener(path: path, group: String(getgid()), roles: RoleMap(), threadName: "test-client",
                                           daemonName: "mediad", gate: gate, afterEach: afterEach, logger: Logger(label: "test"),
                                           responder: responder)
        try listener.start()
        return (listener, path)
    }

    /// A connected client that has sent `call`.
    static func ask(_ path: String, _ call: ControlCall) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        try #require(UnixSocketAddress.with(path) { connect(fd, $0, $1) } == 0)
        let frame = try ControlProtocol.frame(ControlRequest(call: call))
        try #require(frame.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) } == frame.count)
        return fd
    }

    /// The English message of the reply on `fd`, read within `seconds`; nil when none came.
    static func reply(_ fd: Int32, within seconds: Int) -> String? {
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        func read(_ count: Int) -> [UInt8]? {
            var bytes = [UInt8](repeating: 0, count: count)
            var got = 0
            while got < count {
                let n = bytes.withUnsafeMutableBytes { recv(fd, $0.baseAddress! + got, count - got, 0) }
                if n <= 0 { return nil }
                got += n
            }
            return bytes
        }
        guard let header = read(4), let length = ControlProtocol.length(ofHeader: header), let body = read(length),
              let response = try? JSONDecoder().decode(ControlResponse.self, from: Data(body)),
              case .error(let error) = response.reply else { return nil }
        return error.message.en
    }

    @Test func twoRequestsAreWorkedOnOneAtATime() throws {
        let responder = Holding()
        let gate = RequestGate(width: 1)
        let (listener, path) = try Self.start(responder, gate: gate)
        defer { listener.stop() }
        let first = try Self.ask(path, .status)
        let second = try Self.ask(path, .status)
        defer { close(first); close(second) }
        // One is inside, the other waits at the gate: both were read, only one is answered.
        #expect(responder.entered.wait(timeout: .now() + 10) == .success)
        try waitUntil { gate.queued == 1 }
        #expect(responder.inside.load(ordering: .relaxed) == 1)
        responder.release.signal()
        #expect(responder.entered.wait(timeout: .now() + 10) == .success)
        responder.release.signal()
        #expect(Self.reply(first, within: 10) == "done")
        #expect(Self.reply(second, within: 10) == "done")
        #expect(responder.most.load(ordering: .relaxed) == 1)
    }

    @Test func aClientThatDoesNotReadHoldsOnlyItsOwnThread() throws {
        let responder = Holding()
        let gate = RequestGate(width: 1)
        let (listener, path) = try Self.start(responder, gate: gate)
        defer { listener.stop() }
        // 8 MiB of reply to a client that never reads: its thread waits in send(2), outside the gate.
        let reader = try Self.ask(path, .devices)
        defer { close(reader) }
        // Its reply has begun: the server is sending, and will block once the buffers are full.
        var byte: UInt8 = 0
        try waitUntil { recv(reader, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT)) == 1 }
        let next = try Self.ask(path, .status)
        defer { close(next) }
        #expect(responder.entered.wait(timeout: .now() + 5) == .success, "the next request waited for the reader")
        responder.release.signal()
        #expect(Self.reply(next, within: 5) == "done")
    }

    /// What mediad gives back after requests (`IdleMemory`) waits until none is worked on or
    /// waiting: the first of two requests ends while the second is inside the gate, and is told
    /// so; the second ends with nothing behind it.
    @Test func theHookAfterEachRequestSaysWhetherOthersAreInside() throws {
        let responder = Holding()
        let gate = RequestGate(width: 1)
        let ended = Mutex<[Bool]>([])
        let (listener, path) = try Self.start(responder, gate: gate, afterEach: { quiet in ended.withLock { $0.append(quiet) } })
        defer { listener.stop() }
        #expect(gate.isIdle)
        let first = try Self.ask(path, .status)
        #expect(responder.entered.wait(timeout: .now() + 10) == .success)
        let second = try Self.ask(path, .status)
        defer { close(second) }
        try waitUntil { gate.queued == 1 }
        #expect(!gate.isIdle)
        responder.release.signal()
        #expect(Self.reply(first, within: 10) == "done")
        close(first)
        // The second is inside now, held until released below.
        #expect(responder.entered.wait(timeout: .now() + 10) == .success)
        try waitUntil { ended.withLock { $0.count } == 1 }
        #expect(ended.withLock { $0 } == [false])
        responder.release.signal()
        #expect(Self.reply(second, within: 10) == "done")
        shutdown(second, Int32(SHUT_WR))
        try waitUntil { ended.withLock { $0.count } == 2 }
        #expect(ended.withLock { $0 } == [false, true])
        #expect(gate.isIdle)
    }

    /// Polls observed state, for at most 10 s.
    func waitUntil(_ condition: () -> Bool) throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while !condition() {
            try #require(ContinuousClock.now < deadline, "timed out")
            usleep(1000)
        }
    }
}
