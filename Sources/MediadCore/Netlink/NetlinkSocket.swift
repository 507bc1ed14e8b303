import HardwareProbe
#if canImport(Glibc)
import Glibc
#endif
import SystemSupport

/// An rtnetlink operation failed: which one and why, so a log line or a `cut-failed` record says
/// what went wrong without a debugger.
enum NetlinkError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A system call failed (socket, bind, send, recv, poll); `code` is the errno.
    case system(operation: String, code: Int32)
    /// The kernel refused a request (NLMSG_ERROR): `code` is the errno, `message` the kernel's
    /// extended-ack text when it sent one.
    case kernel(operation: String, code: Int32, message: String?)
    /// No complete answer within the time allowed.
    case timeout(operation: String)
    /// The answer could not be read.
    case malformed(MalformedNetlink)
    /// The tables changed during every attempt to dump them.
    case dumpInterrupted(String)

    var description: String {
        switch self {
        case .system(let operation, let code): "\(operation): \(UdevError.text(for: code))"
        case .kernel(let operation, let code, let message):
            "\(operation): the kernel answered \(UdevError.text(for: code))" + (message.map { " (\($0))" } ?? "")
        case .timeout(let operation): "\(operation): no answer from the kernel in time"
        case .malformed(let error): error.description
        case .dumpInterrupted(let what): "dump of \(what) kept changing under the dump; try again"
        }
    }

    /// The errno behind the failure, when there is one (ENODEV: the link is already gone).
    var code: Int32? {
        switch self {
        case .system(_, let code), .kernel(_, let code, _): code
        default: nil
        }
    }
}

/// What one receive gave.
enum NetlinkReceive {
    /// A whole datagram, and whether the kernel sent it (port 0); anything else is a forgery
    /// by another process and is dropped by the callers.
    case datagram([UInt8], fromKernel: Bool)
    /// Nothing queued (EAGAIN).
    case empty
    /// ENOBUFS: the kernel dropped messages for this socket.
    case overflow
    /// The datagram was larger than the buffer and was cut: as bad as a lost one.
    case truncated
    case failed(NetlinkError)
}

/// An AF_NETLINK/NETLINK_ROUTE socket (non-blocking, close-on-exec), owning its descriptor.
///
/// Sendable: only immutable values; the descriptor itself is used by one queue or under one lock
/// by the types that own a socket.
final class NetlinkSocket: Sendable {
    let fd: Int32
    /// Datagrams are received into a buffer this large. Dumps come in chunks of at most 32 KiB;
    /// anything larger is reported as truncated, never half-read.
    static let datagramLimit = 1 << 16

    /// sockaddr_nl, which Glibc does not import: family (u16), padding (u16), port (u32; the
    /// kernel's is 0), multicast groups (u32).
    private static let portOffset = 4
    private static let groupsOffset = 8
    private static let addressLength = socklen_t(12)

    /// - Parameter groups: RTMGRP_* bits to subscribe to (0 for a request socket).
    init(groups: UInt32 = 0) throws(NetlinkError) {
        let fd = socket(AF_NETLINK, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue),
                        NL.familyRoute)
        guard fd >= 0 else { throw .system(operation: "socket(AF_NETLINK, NETLINK_ROUTE)", code: errno) }
        self.fd = fd
        // Port 0: the kernel chooses this socket's port.
        var address = sockaddr_storage()
        withUnsafeMutableBytes(of: &address) { raw in
            raw.storeBytes(of: UInt16(AF_NETLINK), toByteOffset: 0, as: UInt16.self)
            raw.storeBytes(of: groups, toByteOffset: Self.groupsOffset, as: UInt32.self)
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, Self.addressLength) }
        }
        guard result == 0 else { throw .system(operation: "bind(AF_NETLINK, groups 0x\(String(groups, radix: 16)))", code: errno) }
    }

    deinit { close(fd) }

    /// Sets an integer socket option; false when the kernel refused it.
    @discardableResult
    func setOption(level: Int32, name: Int32, _ value: Int32) -> Bool {
        var value = value
        return setsockopt(fd, level, name, &value, socklen_t(MemoryLayout<Int32>.size)) == 0
    }

    /// SO_RCVBUF as the kernel reports it (twice what was asked, for its bookkeeping).
    var receiveBufferSize: Int32? {
        var value: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        return getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &value, &length) == 0 ? value : nil
    }

    /// Sends one request to the kernel (port 0).
    func send(_ bytes: [UInt8], operation: String) throws(NetlinkError) {
        var address = sockaddr_storage()
        withUnsafeMutableBytes(of: &address) { $0.storeBytes(of: UInt16(AF_NETLINK), toByteOffset: 0, as: UInt16.self) }
        let sent = Descriptor.retryingInterrupts {
            bytes.withUnsafeBytes { buffer in
                withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        sendto(fd, buffer.baseAddress, buffer.count, 0, $0, Self.addressLength)
                    }
                }
            }
        }
        if sent == bytes.count { return }
        throw .system(operation: "send \(operation)", code: sent < 0 ? errno : EMSGSIZE)
    }

    /// One datagram, without blocking.
    func receive() -> NetlinkReceive {
        var buffer = [UInt8](repeating: 0, count: Self.datagramLimit)
        var address = sockaddr_storage()
        var addressLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let count = Descriptor.retryingInterrupts {
            buffer.withUnsafeMutableBytes { raw in
                withUnsafeMutablePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        recvfrom(fd, raw.baseAddress, raw.count, Int32(MSG_TRUNC | MSG_DONTWAIT), $0, &addressLength)
                    }
                }
            }
        }
        if count < 0 {
            switch errno {
            case EAGAIN: return .empty
            case ENOBUFS: return .overflow
            default: return .failed(.system(operation: "recv", code: errno))
            }
        }
        if count > buffer.count { return .truncated }
        buffer.removeSubrange(count...)
        let port = withUnsafeBytes(of: &address) { $0.loadUnaligned(fromByteOffset: Self.portOffset, as: UInt32.self) }
        let family = withUnsafeBytes(of: &address) { $0.loadUnaligned(fromByteOffset: 0, as: UInt16.self) }
        return .datagram(buffer, fromKernel: family == UInt16(AF_NETLINK) && port == 0)
    }

    /// Waits until a datagram is queued or `milliseconds` pass; false on timeout.
    func waitReadable(milliseconds: Int32) -> Bool {
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return Descriptor.retryingInterrupts { poll(&descriptor, 1, milliseconds) } > 0
    }
}
