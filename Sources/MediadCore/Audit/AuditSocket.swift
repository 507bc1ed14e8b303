#if canImport(Glibc)
import Glibc
#endif
import SystemSupport

/// What became of one message handed to the kernel audit system.
enum AuditDelivery: Sendable, Equatable {
    /// The kernel acknowledged it (or sent nothing back, which it does only on success).
    case delivered
    /// The kernel answered with an error (NLMSG_ERROR): errno.
    case refused(Int32)
    /// sendto failed: errno.
    case failed(Int32)

    /// The errno of a failure, nil when delivered.
    var code: Int32? {
        switch self {
        case .delivered: nil
        case .refused(let code), .failed(let code): code
        }
    }

    /// Whether the failure means audit cannot work for this process at all, so that trying again
    /// is pointless: no audit in the kernel (EPROTONOSUPPORT, EAFNOSUPPORT), a user namespace
    /// other than the initial one (the kernel answers ECONNREFUSED there, on purpose, so that
    /// programs treat it as "no audit"), no CAP_AUDIT_WRITE (EPERM, EACCES).
    static func meansUnavailable(_ code: Int32) -> Bool {
        [EPROTONOSUPPORT, EAFNOSUPPORT, ECONNREFUSED, EPERM, EACCES].contains(code)
    }
}

/// An AF_NETLINK/NETLINK_AUDIT socket that sends AUDIT_USER_DEVICE messages, as libaudit's
/// `audit_log_user_message` does, without linking libaudit (one more library in a root daemon for
/// a sendto). Used by one thread only (`KernelAudit`'s): the kernel handles a user message inside
/// sendto, and may hold the sender there (up to `backlog_wait_time`, 60 s by default) while auditd
/// falls behind, so the guard itself never calls it.
final class AuditSocket {
    /// linux/netlink.h NETLINK_AUDIT; linux/audit.h AUDIT_USER_DEVICE ("user space hotplug device
    /// changes", the type USBGuard uses too).
    static let family: Int32 = 9
    static let userDevice: UInt16 = 1137

    private let fd: Int32
    private var sequence: UInt32 = 0
    /// An error answer quotes the request unless NETLINK_CAP_ACK is set; this holds either.
    private var reply = [UInt8](repeating: 0, count: 16_384)

    /// Opens a socket for `init(adopting:)`; throws the errno (EPROTONOSUPPORT: a kernel without
    /// audit). A descriptor, not an instance, so it can be opened where failure is reported and
    /// handed to the one thread that uses it.
    static func open() throws(AuditOpenError) -> Int32 {
        let fd = socket(AF_NETLINK, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), Self.family)
        guard fd >= 0 else { throw AuditOpenError(code: errno) }
        var on: Int32 = 1
        _ = setsockopt(fd, NL.solNetlink, NL.optCapAck, &on, socklen_t(MemoryLayout<Int32>.size))
        return fd
    }

    /// Takes ownership of a descriptor from `open()`.
    init(adopting fd: Int32) {
        self.fd = fd
    }

    deinit { close(fd) }

    /// Sends `text` as one AUDIT_USER_DEVICE message asking for an acknowledgement, then reads
    /// the kernel's answer, which is already queued when sendto returns.
    func send(_ text: String) -> AuditDelivery {
        sequence &+= 1
        let request = Self.request(text, sequence: sequence)
        var address = sockaddr_storage()   // sockaddr_nl: AF_NETLINK, port 0 (the kernel), no groups
        withUnsafeMutableBytes(of: &address) { $0.storeBytes(of: UInt16(AF_NETLINK), toByteOffset: 0, as: UInt16.self) }
        let sent = Descriptor.retryingInterrupts {
            request.withUnsafeBytes { bytes in
                withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        sendto(fd, bytes.baseAddress, bytes.count, 0, $0, socklen_t(12))
                    }
                }
            }
        }
        guard sent == request.count else { return .failed(sent < 0 ? errno : EMSGSIZE) }
        return answer(to: sequence)
    }

    /// The kernel's answer to request `sequence`: 0 in NLMSG_ERROR is the acknowledgement.
    private func answer(to sequence: UInt32) -> AuditDelivery {
        while true {
            var from = sockaddr_storage()
            var fromLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let count = Descriptor.retryingInterrupts {
                reply.withUnsafeMutableBytes { raw in
                    withUnsafeMutablePointer(to: &from) {
                        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                            recvfrom(fd, raw.baseAddress, raw.count, Int32(MSG_DONTWAIT), $0, &fromLength)
                        }
                    }
                }
            }
            // Nothing queued: the kernel answers every request inside sendto, so nothing more is coming.
            guard count > 0 else { return .delivered }
            let port = withUnsafeBytes(of: &from) { $0.loadUnaligned(fromByteOffset: 4, as: UInt32.self) }
            guard port == 0 else { continue }   // only the kernel's answers count
            if let code = Self.error(in: reply[..<min(count, reply.count)], sequence: sequence) {
                return code == 0 ? .delivered : .refused(code)
            }
        }
    }

    /// The errno of the NLMSG_ERROR for `sequence` in one datagram (0: acknowledged), nil if none.
    static func error(in datagram: ArraySlice<UInt8>, sequence: UInt32) -> Int32? {
        var offset = datagram.startIndex
        while datagram.endIndex - offset >= NL.headerSize + 4 {
            let length = Int(datagram.load(UInt32.self, at: offset))
            guard length >= NL.headerSize, length <= datagram.endIndex - offset else { return nil }
            let type = datagram.load(UInt16.self, at: offset + 4)
            let seq = datagram.load(UInt32.self, at: offset + 8)
            if type == NL.error && seq == sequence {
                return -datagram.load(Int32.self, at: offset + NL.headerSize)
            }
            offset += NL.align(length)
        }
        return nil
    }

    /// nlmsghdr (length, type, flags, sequence, port 0: the kernel fills it) and the text with
    /// its NUL, padded to 4 bytes; the kernel reads the text up to the NUL.
    static func request(_ text: String, sequence: UInt32) -> [UInt8] {
        let body = Array(text.utf8) + [0]
        let length = NL.headerSize + body.count
        var bytes: [UInt8] = []
        bytes.reserveCapacity(NL.align(length))
        func put<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
        put(UInt32(length))
        put(userDevice)
        put(NL.fRequest | NL.fAck)
        put(sequence)
        put(UInt32(0))
        bytes += body
        bytes += [UInt8](repeating: 0, count: NL.align(length) - length)
        return bytes
    }
}

/// The audit socket could not be opened: errno.
struct AuditOpenError: Error, Sendable {
    var code: Int32
}

private extension ArraySlice<UInt8> {
    /// A little-endian integer at `offset` (an index of this slice).
    func load<T: FixedWidthInteger>(_: T.Type, at offset: Int) -> T {
        var value: T = 0
        for index in (0..<MemoryLayout<T>.size).reversed() { value = value << 8 | T(truncatingIfNeeded: self[offset + index]) }
        return value
    }
}
