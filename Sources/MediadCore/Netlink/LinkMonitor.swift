#if canImport(Glibc)
import Glibc
#endif
import ControlSocket

/// What the link monitor delivers.
enum LinkMonitorEvent: Sendable {
    /// The messages of one datagram from the kernel, and when it was read off the socket (the
    /// start of the guard's reaction time).
    case messages([NetlinkMessage], receivedAt: ContinuousClock.Instant)
    /// ENOBUFS: the kernel dropped messages, so the caller's picture may be stale. Dump again.
    case overflow
    /// A datagram could not be read (or was too large and was cut): handled like an overflow.
    case unreadable(String)
}

/// An rtnetlink socket subscribed to link, IPv4/IPv6 address and IPv4/IPv6 route changes, whose
/// messages arrive as an `AsyncStream`, without polling.
///
/// Open it before dumping the present state: from the moment it is bound, every change is queued
/// on it, so a change during the dump shows up in the dump, in the stream, or in both (applying a
/// message twice is harmless; see `LinkTable`).
final class LinkMonitor: Sendable {
    /// 4 MiB: a burst (a bridge with many ports, a routing daemon starting) must not overflow
    /// while the guard is busy. Set with SO_RCVBUFFORCE (root), else SO_RCVBUF (capped by rmem_max).
    static let defaultReceiveBufferSize: Int32 = 4 << 20

    let events: AsyncStream<LinkMonitorEvent>
    /// SO_RCVBUF as the kernel reports it after sizing.
    let receiveBufferSize: Int32?

    private let reader: ReadinessLoop

    init(receiveBufferSize: Int32 = LinkMonitor.defaultReceiveBufferSize) throws(NetlinkError) {
        let socket = try NetlinkSocket(groups: RTM.allGroups)
        if !socket.setOption(level: SOL_SOCKET, name: SO_RCVBUFFORCE, receiveBufferSize) {
            socket.setOption(level: SOL_SOCKET, name: SO_RCVBUF, receiveBufferSize)
        }
        self.receiveBufferSize = socket.receiveBufferSize

        let (stream, continuation) = AsyncStream.makeStream(of: LinkMonitorEvent.self, bufferingPolicy: .unbounded)
        // A thread asleep in poll(2), not a Dispatch source: Dispatch's worker pool would wake the
        // idle daemon every second (see ReadinessLoop).
        let reader: ReadinessLoop
        do {
            reader = try ReadinessLoop(name: "mediad-netlink", fd: socket.fd, urgency: .decision, onReadable: {
                Self.drain(socket) { continuation.yield($0) }
            }, onStop: {
                // Keeps the socket (and its descriptor) alive until the reader has let go of it.
                withExtendedLifetime(socket) { continuation.finish() }
            })
        } catch {
            throw NetlinkError.system(operation: error.operation, code: error.code)
        }
        continuation.onTermination = { @Sendable _ in reader.stop() }
        self.reader = reader
        self.events = stream
    }

    deinit { reader.stop() }

    /// Stops delivering; the stream finishes once the reader thread has let go of the socket.
    func stop() { reader.stop() }

    /// Failed or forged datagrams one wake-up reads before it waits for the next readiness, so a
    /// socket that keeps failing cannot pin the reader.
    static let errorsPerWakeUp = 64

    /// Receives until the socket is empty, so a burst is handled in one wake-up.
    private static func drain(_ socket: NetlinkSocket, _ deliver: (LinkMonitorEvent) -> Void) {
        var errorsLeft = errorsPerWakeUp
        while errorsLeft > 0 {
            switch socket.receive() {
            case .datagram(let bytes, let fromKernel):
                let now = ContinuousClock.now
                // Only the kernel may speak on rtnetlink groups (sending needs CAP_NET_ADMIN);
                // anything else is dropped unread.
                guard fromKernel else { errorsLeft -= 1; continue }
                do {
                    deliver(.messages(try NetlinkParser.parse(bytes), receivedAt: now))
                } catch {
                    deliver(.unreadable(error.description))
                    errorsLeft -= 1
                }
            case .empty:
                return
            case .overflow:
                deliver(.overflow)
                errorsLeft -= 1
            case .truncated:
                deliver(.unreadable("a datagram larger than \(NetlinkSocket.datagramLimit) bytes was cut"))
                errorsLeft -= 1
            case .failed:
                // Not EAGAIN or ENOBUFS: wait for the next readiness rather than spin.
                return
            }
        }
    }
}
