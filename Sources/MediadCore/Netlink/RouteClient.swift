import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Requests to the kernel's routing subsystem, answered synchronously: the dumps of links,
/// addresses and routes, and setting a link down.
///
/// A socket of its own, subscribed to nothing, so answers never mix with the event stream (which
/// `LinkMonitor` reads). Requests are serialised by a lock, so one client may be shared by the
/// guard and the enforcer; each waits at most `timeout` for the kernel.
final class RouteClient: Sendable {
    private let socket: NetlinkSocket
    private let sequence = Mutex<UInt32>(0)
    let timeoutMilliseconds: Int32

    init(timeoutMilliseconds: Int32 = 2_000) throws(NetlinkError) {
        socket = try NetlinkSocket()
        // Best effort: the kernel's own words in errors, and acks without the request echoed.
        socket.setOption(level: NL.solNetlink, name: NL.optExtAck, 1)
        socket.setOption(level: NL.solNetlink, name: NL.optCapAck, 1)
        self.timeoutMilliseconds = timeoutMilliseconds
    }

    /// A dump the kernel marks as interrupted (the table changed under it) is tried this many times.
    static let dumpAttempts = 3

    /// Every message of one dump, up to NLMSG_DONE, tried again while the kernel marks it interrupted.
    func dump(_ what: NetlinkRequest.Dump) throws(NetlinkError) -> [NetlinkMessage] {
        for _ in 0..<Self.dumpAttempts {
            let (messages, interrupted) = try exchange(operation: "dump \(what.rawValue)") { NetlinkRequest.dump(what, sequence: $0) }
            if !interrupted { return messages }
        }
        throw .dumpInterrupted(what.rawValue)
    }

    /// Links, then addresses, then routes: in that order, so every address and route refers to a
    /// link already read.
    func dumpAll() throws(NetlinkError) -> [NetlinkMessage] {
        var all: [NetlinkMessage] = []
        for what in NetlinkRequest.Dump.allCases { all += try dump(what) }
        return all
    }

    /// `ip link set dev X down`, waiting for the kernel's acknowledgement. Throws
    /// `.kernel(code: ENODEV)` when the link is already gone.
    func setLinkDown(ifindex: Int32) throws(NetlinkError) {
        _ = try exchange(operation: "set link \(ifindex) down") { NetlinkRequest.setLinkDown(ifindex: ifindex, sequence: $0) }
    }

    /// Sends one request and collects its answer: until NLMSG_DONE (a dump) or NLMSG_ERROR (an
    /// acknowledgement or a refusal). Messages with another sequence number are leftovers of a
    /// request that timed out, and are skipped.
    private func exchange(operation: String, _ build: (UInt32) -> [UInt8]) throws(NetlinkError) -> ([NetlinkMessage], Bool) {
        try sequence.withLock { (counter: inout UInt32) throws(NetlinkError) -> ([NetlinkMessage], Bool) in
            counter &+= 1
            if counter == 0 { counter = 1 }
            let number = counter
            drainStale()
            try socket.send(build(number), operation: operation)
            var collected: [NetlinkMessage] = []
            var interrupted = false
            let deadline = ContinuousClock.now + .milliseconds(Int(timeoutMilliseconds))
            while true {
                let milliseconds = Self.milliseconds(deadline - ContinuousClock.now)
                guard milliseconds > 0, socket.waitReadable(milliseconds: milliseconds) else { throw .timeout(operation: operation) }
                let bytes: [UInt8]
                switch socket.receive() {
                case .datagram(let data, let fromKernel):
                    guard fromKernel else { continue }
                    bytes = data
                case .empty: continue
                case .overflow: throw .system(operation: operation, code: ENOBUFS)
                case .truncated: throw .system(operation: operation, code: EMSGSIZE)
                case .failed(let error): throw error
                }
                let messages: [NetlinkMessage]
                do throws(MalformedNetlink) { messages = try NetlinkParser.parse(bytes) } catch { throw .malformed(error) }
                for message in messages where message.header.sequence == number {
                    if message.header.flags & NL.fDumpInterrupted != 0 { interrupted = true }
                    switch message {
                    case .done: return (collected, interrupted)
                    case .error(let code, let text, _):
                        if code == 0 { return (collected, interrupted) }
                        throw .kernel(operation: operation, code: code == Int32.min ? EIO : -code, message: text)
                    default: collected.append(message)
                    }
                }
            }
        }
    }

    /// Whole milliseconds, for poll(2): a timeout less than one left counts as none left.
    private static func milliseconds(_ duration: Duration) -> Int32 {
        let (seconds, attoseconds) = duration.components
        return Int32(clamping: seconds * 1000 + attoseconds / attosecondsPerMillisecond)
    }

    private static let attosecondsPerMillisecond: Int64 = 1_000_000_000_000_000

    /// Discards whatever an earlier, timed-out request left queued.
    private func drainStale() {
        while case .datagram = socket.receive() {}
    }
}
