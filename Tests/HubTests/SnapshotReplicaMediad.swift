import AssetCore
import Foundation
import SystemSupport
#if canImport(Glibc)
import Glibc
#endif

/// A stand-in for mediad's control socket that answers the courier's unit calls from a real replica
/// (`GuardRecorder`), and refuses a request over `ControlProtocol.maxRequestBytes` before reading it,
/// as mediad's listener does. Notes the size of every `apply` request and every refusal.
final class ReplicaMediad: @unchecked Sendable {
    let path: String
    private let recorder: GuardRecorder
    private let listener: Int32
    private let lock = NSLock()
    private var sizes: [Int] = []
    private var refusals: [String] = []

    init(path: String, recorder: GuardRecorder) throws {
        self.path = path
        self.recorder = recorder
        unlink(path)
        listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard listener >= 0, UnixSocketAddress.with(path, { bind(listener, $0, $1) }) == 0, listen(listener, 16) == 0 else {
            throw TestFailure("cannot listen on \(path): \(String(cString: strerror(errno)))")
        }
        let fd = listener
        Threads.start(name: "replica-mediad") { [self] in
            while true {
                let client = Descriptor.retryingInterrupts { accept(fd, nil, nil) }
                if client < 0 { return }
                Threads.start(name: "replica-mediad-c") { self.serve(client) }
            }
        }
    }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        unlink(path)
    }

    /// The byte count of each `apply` request, in the order they came.
    var applyRequests: [Int] { lock.withLock { sizes } }
    /// Every refusal answered (a request too large, a payload refused).
    var refused: [String] { lock.withLock { refusals } }

    private func serve(_ client: Int32) {
        defer { close(client) }
        guard let header = read(client, 4), let length = ControlProtocol.length(ofHeader: header) else { return }
        guard length <= ControlProtocol.maxRequestBytes else {
            lock.withLock { refusals.append("request too large (\(length) bytes)") }
            reply(client, .error(LedgerError(.usage, zh: "请求过大", en: "request too large (\(length) bytes)")))
            return
        }
        guard let body = read(client, length), case .success(let request) = ControlProtocol.decodeRequest(body),
              case .unit(let call) = request.call else { return }
        reply(client, answer(call, bytes: length))
    }

    private func answer(_ call: UnitCall, bytes: Int) -> ControlReply {
        do throws(LedgerError) {
            switch call {
            case .state:
                return .unit(.membership(try recorder.unitMembership()!))
            case .apply(let list):
                lock.withLock { sizes.append(bytes) }
                let result = try recorder.unitApply(list, at: Timestamp(parsing: "2026-11-30T08:05:00Z")!)
                if let refused = result.refused { lock.withLock { refusals.append(refused.message.en) } }
                return .unit(.applied(versions: result.applied.map(\.to), refused: result.refused,
                                      membership: try recorder.unitMembership()!))
            case .outbox:
                return .unit(.batch(nil))
            default:
                return .error(LedgerError(.usage, zh: "不支持", en: "not served by this stand-in: \(call.verb)"))
            }
        } catch {
            return .error(error)
        }
    }

    private func reply(_ client: Int32, _ reply: ControlReply) {
        guard let frame = try? ControlProtocol.frame(ControlResponse(reply: reply)) else { return }
        _ = frame.withUnsafeBytes { bytes in
            Descriptor.transferAll(bytes) { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        }
    }

    private func read(_ fd: Int32, _ count: Int) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: count)
        let complete = buffer.withUnsafeMutableBytes { raw in
            count == 0 || Descriptor.fillAll(raw) { recv(fd, $0.baseAddress, $0.count, 0) }
        }
        return complete ? buffer : nil
    }
}
