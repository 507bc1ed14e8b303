import AssetCore
import Foundation
import SystemSupport
#if canImport(Glibc)
import Glibc
#endif

/// A stand-in for mediad's control socket: a Unix socket speaking `ControlProtocol` (4-byte
/// big-endian length, JSON `ControlRequest`; `ControlResponse` back), that records every unit call
/// and answers from a small state: the ledger version held, an outbox of batches.
final class FakeMediad: @unchecked Sendable {
    struct State {
        var version: Int64 = 0
        var outbox: [SignedPayload] = []
        var calls: [UnitCall] = []
        /// Change-set bodies mediad refuses (the list ends there, as mediad's does).
        var refuse: Set<String> = []
        var knownComputer: String? = "PC-0042"
        var joined: EnrolmentAnswer?
        /// Answers `awaitOutbox` as a mediad of the release before it: a call it cannot decode.
        var older = false
        /// `awaitOutbox` calls being held now.
        var holding = 0
    }

    let path: String
    /// Guards `state`; broadcast on every `update`, which is what wakes a held `awaitOutbox`.
    private let lock = NSCondition()
    private var state = State()
    private let listener: Int32

    init(path: String) throws {
        self.path = path
        unlink(path)
        listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard listener >= 0, UnixSocketAddress.with(path, { bind(listener, $0, $1) }) == 0, listen(listener, 16) == 0 else {
            throw TestFailure("cannot listen on \(path): \(String(cString: strerror(errno)))")
        }
        let fd = listener
        Threads.start(name: "fake-mediad") { [self] in
            while true {
                let client = Descriptor.retryingInterrupts { accept(fd, nil, nil) }
                if client < 0 { return }
                Threads.start(name: "fake-mediad-c") { self.serve(client) }
            }
        }
    }

    /// Stops accepting (the accept thread ends) and removes the socket.
    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        unlink(path)
    }

    func update(_ change: (inout State) -> Void) {
        lock.lock()
        defer { lock.unlock() }
        change(&state)
        lock.broadcast()
    }

    var snapshot: State {
        lock.lock()
        defer { lock.unlock() }
        return state
    }

    /// The change-set bodies of every `.apply`, one list per call, in the order they came.
    var applied: [[String]] {
        snapshot.calls.compactMap { call in
            guard case .apply(let list) = call else { return nil }
            return list.map { String(decoding: $0.body, as: UTF8.self) }
        }
    }

    var receipts: [SignedPayload] {
        snapshot.calls.compactMap { call in
            guard case .receipt(let receipt) = call else { return nil }
            return receipt
        }
    }

    var outboxCalls: Int {
        snapshot.calls.filter { if case .outbox = $0 { true } else { false } }.count
    }

    var awaitCalls: Int {
        snapshot.calls.filter { if case .awaitOutbox = $0 { true } else { false } }.count
    }

    /// Asks of the outbox, held or not.
    var outboxAsks: Int { outboxCalls + awaitCalls }

    private func serve(_ client: Int32) {
        defer { close(client) }
        guard let header = read(client, 4), let length = ControlProtocol.length(ofHeader: header),
              let body = read(client, length), case .success(let request) = ControlProtocol.decodeRequest(body),
              case .unit(let call) = request.call else { return }
        let reply = answer(call)
        guard let frame = try? ControlProtocol.frame(ControlResponse(reply: reply)) else { return }
        _ = frame.withUnsafeBytes { bytes in
            Descriptor.transferAll(bytes) { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        }
    }

    private func answer(_ call: UnitCall) -> ControlReply {
        lock.lock()
        defer { lock.unlock() }
        state.calls.append(call)
        switch call {
        case .state: return .unit(.membership(membership))
        case .enrolmentKey: return .unit(.enrolmentKey(computer: state.knownComputer, publicKey: "computer-public-key"))
        case .join(let answer):
            state.joined = answer
            return .unit(.membership(membership))
        case .apply(let list):
            var versions: [Int64] = []
            for payload in list {
                let text = String(decoding: payload.body, as: UTF8.self)
                if state.refuse.contains(text) {
                    let error = LedgerError(.validation, zh: "签名无效", en: "bad signature")
                    return .unit(.applied(versions: versions, refused: error, membership: membership))
                }
                guard let version = Int64(text) else { continue }
                state.version = version
                versions.append(version)
            }
            return .unit(.applied(versions: versions, refused: nil, membership: membership))
        case .outbox:
            return .unit(.batch(state.outbox.first))
        case .awaitOutbox(_, let seconds):
            if state.older { return .error(LedgerError(.usage, zh: "无法识别的请求", en: "unknown or malformed request")) }
            // Held as mediad holds it: until a batch is owed or the time is up.
            let deadline = Date(timeIntervalSinceNow: TimeInterval(seconds))
            state.holding += 1
            while state.outbox.isEmpty && lock.wait(until: deadline) {}
            state.holding -= 1
            return .unit(.batch(state.outbox.first))
        case .receipt:
            if !state.outbox.isEmpty { state.outbox.removeFirst() }
            return .unit(.membership(membership))
        case .enrolmentRequest, .importBundle:
            // A standalone computer's calls: the courier never makes them.
            return .error(LedgerError(.usage, zh: "信使不导入数据包", en: "a courier does not carry bundles"))
        }
    }

    private var membership: UnitMembership {
        UnitMembership(unit: "第一研究所", unitKey: "unit-public-key", computer: "PC-0042",
                       enrolledAt: Timestamp(secondsSinceEpoch: 1_700_000_000), ledgerVersion: state.version,
                       head: Int64(state.outbox.count), acknowledged: 0, acknowledgedHash: "", lastChangeAt: nil)
    }

    private func read(_ fd: Int32, _ count: Int) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: count)
        let complete = buffer.withUnsafeMutableBytes { raw in
            count == 0 || Descriptor.fillAll(raw) { recv(fd, $0.baseAddress, $0.count, 0) }
        }
        return complete ? buffer : nil
    }
}
