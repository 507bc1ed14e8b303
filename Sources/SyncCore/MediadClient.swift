import AssetCore
import Foundation
import SystemSupport
#if canImport(Glibc)
import Glibc
#endif

/// The courier's side of mediad's control socket: one `ControlCall.unit` per connection, framed as
/// mediactl frames it (`ControlProtocol`: 4-byte big-endian length, then JSON).
///
/// Each exchange runs on a short-lived thread of its own (`Threads.start`): the socket calls block,
/// and a blocked call on Swift's cooperative pool would starve the other loop's tasks. A cancelled
/// call shuts the socket down, which wakes the blocked `recv` at once, so SIGTERM is never held up
/// by mediad re-judging devices after a large change set.
public struct MediadClient: Sendable {
    public static let defaultPath = "/run/mediad/mediad.sock"

    public let socketPath: String
    /// The longest a reply may take (a snapshot applied, every present device judged again).
    public var timeout: Duration

    public init(socketPath: String, timeout: Duration = .seconds(300)) {
        self.socketPath = socketPath
        self.timeout = timeout
    }

    /// Asks mediad; its reply, or its refusal as `MediadError.refused`.
    public func call(_ call: UnitCall) async throws(MediadError) -> UnitReply {
        let frame: [UInt8]
        do { frame = try ControlProtocol.frame(ControlRequest(call: .unit(call))) } catch {
            throw .unexpectedReply("cannot encode \(call.verb): \(error)")
        }
        guard frame.count - 4 <= ControlProtocol.maxRequestBytes else { throw .tooLarge(bytes: frame.count) }
        let connection = try MediadConnection(path: socketPath, timeout: timeout)
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<ControlReply, MediadError>, Never>) in
                let started = Threads.start(name: "mediad-call") {
                    continuation.resume(returning: connection.exchange(frame))
                    connection.close()
                }
                if !started {
                    connection.close()
                    continuation.resume(returning: .failure(.unreachable(path: socketPath, reason: "cannot start a thread")))
                }
            }
        } onCancel: {
            connection.abort()
        }
        if Task.isCancelled { throw .cancelled }
        switch result {
        case .success(.unit(let reply)): return reply
        case .success(.error(let error)): throw .refused(error)
        case .success(let other): throw .unexpectedReply("\(other)")
        case .failure(let error): throw error
        }
    }

    /// This computer's membership (`UnitCall.state`).
    public func membership() async throws(MediadError) -> UnitMembership {
        let reply = try await call(.state)
        guard case .membership(let membership) = reply else { throw .unexpectedReply("\(reply)") }
        return membership
    }
}

/// Why mediad could not be asked, or what it refused.
public enum MediadError: SyncFailure, Hashable {
    /// No mediad listening there (not running, or the path is wrong).
    case unreachable(path: String, reason: String)
    /// The socket is there but this user may not connect (not in its group).
    case permission(path: String)
    /// mediad answered with an error (not enrolled, a role missing, a payload refused).
    case refused(LedgerError)
    /// The connection ended before the whole reply came, or took longer than the timeout.
    case cutShort(path: String)
    /// A reply of the wrong kind: a mediad of another release.
    case unexpectedReply(String)
    /// A request above the control socket's limit.
    case tooLarge(bytes: Int)
    case cancelled

    public var message: Bilingual {
        switch self {
        case .unreachable(let path, let reason):
            Bilingual(zh: "无法连接 mediad 的控制套接字 \(path)（\(reason)）；mediad 是否在运行？",
                      en: "cannot reach mediad's control socket \(path) (\(reason)); is mediad running?")
        case .permission(let path):
            Bilingual(zh: "无权连接 \(path)：运行 mediad-sync 的用户须属于该套接字的用户组",
                      en: "not allowed to connect to \(path): the user running mediad-sync must be in the socket's group")
        case .refused(let error):
            Bilingual(zh: "mediad 拒绝：\(error.message.zh)", en: "mediad refused: \(error.message.en)")
        case .cutShort(let path):
            Bilingual(zh: "mediad 未给出完整应答（\(path)）", en: "mediad did not answer in full (\(path))")
        case .unexpectedReply(let detail):
            Bilingual(zh: "mediad 的应答无法识别：\(detail)", en: "unexpected answer from mediad: \(detail)")
        case .tooLarge(let bytes):
            Bilingual(zh: "请求 \(bytes) 字节，超过控制套接字的上限", en: "a request of \(bytes) bytes is above the control socket's limit")
        case .cancelled:
            Bilingual(zh: "已取消", en: "cancelled")
        }
    }

    public var exitCode: Int32 {
        switch self {
        case .unreachable, .cutShort, .unexpectedReply, .cancelled: SyncExit.unavailable
        case .permission: SyncExit.permission
        case .refused(let error): error.kind == .permission ? SyncExit.permission : SyncExit.refused
        case .tooLarge: SyncExit.refused
        }
    }
}

/// One connected socket, closed exactly once; `abort` may come from another thread at any time
/// and never touches a descriptor number that was closed (and perhaps reused) meanwhile.
final class MediadConnection: @unchecked Sendable {
    private let lock = NSLock()
    private var fd: Int32
    let path: String

    init(path: String, timeout: Duration) throws(MediadError) {
        self.path = path
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .unreachable(path: path, reason: String(cString: strerror(errno))) }
        let seconds = timeout.components.seconds
        var limit = timeval(tv_sec: Int(seconds), tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        let connected = UnixSocketAddress.with(path) { address, length in
            Descriptor.retryingInterrupts { connect(fd, address, length) }
        }
        guard connected == 0 else {
            let code = connected == nil ? ENAMETOOLONG : errno
            Glibc.close(fd)
            if code == EACCES || code == EPERM { throw .permission(path: path) }
            throw .unreachable(path: path, reason: String(cString: strerror(code)))
        }
    }

    /// Sends the frame and reads one reply frame (blocking).
    func exchange(_ frame: [UInt8]) -> Result<ControlReply, MediadError> {
        guard let fd = current() else { return .failure(.cancelled) }
        let sent = frame.withUnsafeBytes { bytes in
            Descriptor.transferAll(bytes) { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        }
        guard sent else { return .failure(.cutShort(path: path)) }
        guard let header = read(fd, 4) else { return .failure(.cutShort(path: path)) }
        guard case .message(let length) = ControlProtocol.replyFrame(ofHeader: header) else {
            return .failure(.unexpectedReply("a reply frame mediad-sync cannot read"))
        }
        guard let body = read(fd, length) else { return .failure(.cutShort(path: path)) }
        guard let response = try? JSONDecoder().decode(ControlResponse.self, from: Data(body)) else {
            return .failure(.unexpectedReply("a reply that is not a mediad protocol message"))
        }
        return .success(response.reply)
    }

    /// Wakes a blocked exchange (the caller was cancelled).
    func abort() {
        lock.lock()
        defer { lock.unlock() }
        if fd >= 0 { _ = shutdown(fd, Int32(SHUT_RDWR)) }
    }

    func close() {
        lock.lock()
        defer { lock.unlock() }
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }

    private func current() -> Int32? {
        lock.lock()
        defer { lock.unlock() }
        return fd >= 0 ? fd : nil
    }

    private func read(_ fd: Int32, _ count: Int) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: count)
        let complete = buffer.withUnsafeMutableBytes { raw in
            count == 0 || Descriptor.fillAll(raw) { recv(fd, $0.baseAddress, $0.count, 0) }
        }
        return complete ? buffer : nil
    }
}
