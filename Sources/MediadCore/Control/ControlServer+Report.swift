#if canImport(Glibc)
import Glibc
#endif
import SystemSupport
import AssetCore
import Dispatch

extension ControlServer {
    /// How long a streamed report waits for a reader that stopped reading (a pager left at its
    /// first screen, a stopped job) before giving up. Longer than a request's read timeout: a person
    /// paging through a listing pauses. Meanwhile the connection holds one of `maxConnections` and a
    /// read transaction, which delays WAL checkpoints but no writer.
    static let reportSendTimeoutSeconds = 300
    /// Listings printed at once: fewer than the ledger's reader connections (GRDB's default is 5),
    /// so that other reads always find one.
    static let concurrentReports = 3
    private static let reportSlots = DispatchSemaphore(value: concurrentReports)

    /// `mediactl media list` / `violations list` through the daemon: the listing is printed here, in
    /// the caller's format and language, by the same streaming code as `--db` mode, and its bytes go
    /// out in raw frames as they are produced. The daemon's memory stays constant (the listing once
    /// went out as one JSON reply: 2.4 GB of peak memory and 206 s for a million media), and the
    /// first line reaches the reader at once. Ends with `.finished`, or `.error` where it stopped.
    func streamReport(_ call: ReportCall, caller: Caller, to fd: Int32) {
        // Each listing holds one of the ledger's reader connections for as long as its reader
        // takes. Left unbounded, a few pagers left open would hold them all, and every other read
        // (`status`, a lookup, another listing) would wait for one.
        guard Self.reportSlots.wait(timeout: .now()) == .success else {
            send(fd, .error(LedgerError(.unavailable,
                zh: "mediad 正在输出 \(Self.concurrentReports) 份列表，请稍后重试",
                en: "mediad is already printing \(Self.concurrentReports) listings; try again in a moment")))
            return
        }
        defer { Self.reportSlots.signal() }
        var timeout = timeval(tv_sec: Self.reportSendTimeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var output = ReportOutput { block throws(ReportSinkError) in
            guard Self.sendChunk(fd, block) else { throw .readerGone }
        }
        do {
            try service.report(call.listing, format: call.format, language: call.language, zone: call.zone ?? .system, caller: caller, to: &output)
            send(fd, .finished)
        } catch {
            // A reader that went away is no fault of the listing's: nothing to log. (The error sent
            // carries the sink's message, for a reader that is only slow and still there.)
            if output.sinkFailure == nil && error.kind != .unavailable {
                logger.notice("a report stopped", metadata: ["VERB": "\(call.listing.request.verb)", "ERROR": "\(error.message.en)"])
            }
            send(fd, .error(error))
        }
        // The report's helper thread leaves a malloc arena behind; give its free pages back.
        _ = malloc_trim(0)
    }

    /// One raw frame: its header, then the bytes, whole.
    private static func sendChunk(_ fd: Int32, _ block: UnsafeRawBufferPointer) -> Bool {
        let header = ControlProtocol.reportChunkHeader(count: block.count)
        let sentHeader = header.withUnsafeBytes { sendAll(fd, $0, flags: Int32(MSG_NOSIGNAL | MSG_MORE)) }
        return sentHeader && sendAll(fd, block, flags: Int32(MSG_NOSIGNAL))
    }

    /// All of `bytes`, or false once the peer is gone or the send timeout passed.
    static func sendAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, flags: Int32) -> Bool {
        Descriptor.transferAll(bytes) { Glibc.send(fd, $0.baseAddress, $0.count, flags) }
    }
}

extension ReportSinkError {
    /// The socket of a streamed report took no more bytes: the reader closed it, or stopped
    /// reading for longer than `reportSendTimeoutSeconds`.
    static let readerGone = ReportSinkError(zh: "读取报表的一方已断开", en: "the reader of the report went away")
}

/// glibc's malloc_trim(3): <malloc.h> is not part of the Glibc module.
@_silgen_name("malloc_trim")
private func malloc_trim(_ pad: Int) -> Int32
