#if canImport(Glibc)
import Glibc
#endif
import AssetCore
import Dispatch
import Logging
import SystemSupport

/// One accepted client, whose request passed its permission check: what a `ControlResponder`
/// answers through. Used on its connection's thread only, which the listener closes after the
/// responder returns; the descriptor never leaves this type, so a responder cannot close it early
/// or keep it past its thread.
public final class ControlConnection: @unchecked Sendable {
    /// How long a streamed report waits for a reader that stopped reading (a pager left at its
    /// first screen, a stopped job) before giving up. Longer than a request's read timeout: a person
    /// paging through a listing pauses. Meanwhile the connection holds one of `maxConnections` and a
    /// read transaction, which delays WAL checkpoints but no writer.
    public static let reportSendTimeoutSeconds = 300
    /// Listings printed at once: fewer than the ledger's reader connections (GRDB's default is 5),
    /// so that other reads always find one.
    public static let concurrentReports = 3

    /// Who is connected, as the kernel says.
    public let peer: PeerCredentials
    private let fd: Int32
    private let daemonName: String
    private let reportSlots: DispatchSemaphore
    /// The request's place in the listener's `RequestGate`, while it holds one.
    var pass: GatePass?

    init(fd: Int32, peer: PeerCredentials, daemonName: String, reportSlots: DispatchSemaphore) {
        self.fd = fd
        self.peer = peer
        self.daemonName = daemonName
        self.reportSlots = reportSlots
    }

    /// Gives back the request's place in the listener's `RequestGate` (once; later calls do
    /// nothing). For a responder about to wait on something other than the processor.
    public func leaveGate() {
        pass?.leave()
        pass = nil
    }

    /// One framed reply. False once the client is gone or stopped reading past the send timeout.
    /// What the socket does not take at once is sent after leaving the gate: a client that does
    /// not read holds its own thread, never another request's turn.
    @discardableResult
    public func send(_ reply: ControlReply) -> Bool {
        guard pass != nil else { return Self.send(fd, reply) }
        guard let bytes = try? ControlProtocol.frame(ControlResponse(reply: reply)) else { return false }
        return bytes.withUnsafeBytes { all in
            let first = Descriptor.retryingInterrupts { Glibc.send(fd, all.baseAddress, all.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
            if first == all.count { return true }
            if first < 0 && errno != EAGAIN && errno != EWOULDBLOCK { return false }
            leaveGate()
            return Self.sendAll(fd, UnsafeRawBufferPointer(rebasing: all[max(first, 0)...]), flags: Int32(MSG_NOSIGNAL))
        }
    }

    /// For `watch`: sends each reply `next` gives, until it gives nil or a send fails (the client
    /// went away). `next` may block; the connection's thread is this stream's alone.
    public func sendEach(_ next: () -> ControlReply?) {
        leaveGate()
        while let reply = next() {
            guard send(reply) else { return }
        }
    }

    /// How a `hold` ended.
    public enum HoldEnd: Sendable, Equatable {
        /// `wake` has input: what the call waits for may have happened.
        case woken
        /// `timeout` passed.
        case timedOut
        /// The client closed its end or sent more than its one request: nobody waits for a reply.
        case clientGone
    }

    /// For a call the daemon holds open (the courier's `unit await-outbox`): blocks this connection's
    /// thread, asleep in poll(2), until `wake` has input, the client goes away, or `timeout` passes.
    /// Watching the client's socket is what frees the thread at once when a courier is stopped or
    /// restarted, instead of at the timeout. Reads nothing from either descriptor.
    public func hold(wakingOn wake: Int32, timeout: Duration) -> HoldEnd {
        leaveGate()
        let deadline = ContinuousClock.now + timeout
        var watched = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0), pollfd(fd: wake, events: Int16(POLLIN), revents: 0)]
        while true {
            let left = ContinuousClock.now.duration(to: deadline)
            guard left > .zero else { return .timedOut }
            let (seconds, attoseconds) = left.components
            let milliseconds = Int32(clamping: seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
            watched[0].revents = 0
            watched[1].revents = 0
            let ready = poll(&watched, nfds_t(watched.count), milliseconds)
            if ready < 0 && errno == EINTR { continue }
            // poll itself failed: answer now rather than spin or hang.
            if ready < 0 { return .timedOut }
            if watched[0].revents != 0 { return .clientGone }
            if watched[1].revents != 0 { return .woken }
        }
    }

    /// `mediactl media list` / `violations list` / `report …` through a daemon: the listing is
    /// printed here, in the caller's format and language, by the same streaming code as `--db` mode,
    /// and its bytes go out in raw frames as they are produced. The daemon's memory stays constant
    /// (the listing once went out as one JSON reply: 2.4 GB of peak memory and 206 s for a million
    /// media), and the first line reaches the reader at once. Ends with `.finished`, or `.error`
    /// where it stopped.
    public func streamReport(_ call: ReportCall, service: InventoryService, caller: Caller, logger: Logger) {
        // A listing's pace is its reader's; `reportSlots` bounds these instead.
        leaveGate()
        // Each listing holds one of the ledger's reader connections for as long as its reader
        // takes. Left unbounded, a few pagers left open would hold them all, and every other read
        // (`status`, a lookup, another listing) would wait for one.
        guard reportSlots.wait(timeout: .now()) == .success else {
            send(.error(LedgerError(.unavailable,
                zh: "\(daemonName) 正在输出 \(Self.concurrentReports) 份列表，请稍后重试",
                en: "\(daemonName) is already printing \(Self.concurrentReports) listings; try again in a moment")))
            return
        }
        defer { reportSlots.signal() }
        var timeout = timeval(tv_sec: Self.reportSendTimeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let fd = self.fd
        var output = ReportOutput { block throws(ReportSinkError) in
            guard Self.sendChunk(fd, block) else { throw .readerGone }
        }
        do {
            try service.report(call.listing, format: call.format, language: call.language, zone: call.zone ?? .system,
                               caller: caller, to: &output)
            send(.finished)
        } catch {
            // A reader that went away is no fault of the listing's: nothing to log. (The error sent
            // carries the sink's message, for a reader that is only slow and still there.)
            if output.sinkFailure == nil && error.kind != .unavailable {
                logger.notice("a report stopped", metadata: ["VERB": "\(call.listing.request.verb)", "ERROR": "\(error.message.en)"])
            }
            send(.error(error))
        }
        // The report's helper thread leaves a malloc arena behind; give its free pages back.
        FreeHeap.giveBack()
    }

    /// A framed reply on a descriptor; also the listener's, for a client refused before it is served.
    @discardableResult
    static func send(_ fd: Int32, _ reply: ControlReply) -> Bool {
        guard let bytes = try? ControlProtocol.frame(ControlResponse(reply: reply)) else { return false }
        return bytes.withUnsafeBytes { sendAll(fd, $0, flags: Int32(MSG_NOSIGNAL)) }
    }

    /// One raw frame: its header, then the bytes, whole.
    private static func sendChunk(_ fd: Int32, _ block: UnsafeRawBufferPointer) -> Bool {
        let header = ControlProtocol.reportChunkHeader(count: block.count)
        let sentHeader = header.withUnsafeBytes { sendAll(fd, $0, flags: Int32(MSG_NOSIGNAL | MSG_MORE)) }
        return sentHeader && sendAll(fd, block, flags: Int32(MSG_NOSIGNAL))
    }

    /// All of `bytes`, or false once the peer is gone or the send timeout passed.
    private static func sendAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, flags: Int32) -> Bool {
        Descriptor.transferAll(bytes) { Glibc.send(fd, $0.baseAddress, $0.count, flags) }
    }
}

extension ReportSinkError {
    /// The socket of a streamed report took no more bytes: the reader closed it, or stopped
    /// reading for longer than `reportSendTimeoutSeconds`.
    static let readerGone = ReportSinkError(zh: "读取报表的一方已断开", en: "the reader of the report went away")
}
