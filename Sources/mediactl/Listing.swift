#if canImport(Glibc)
import Glibc
#endif
import AssetCore
import SystemSupport
import Foundation

extension Session {
    /// `media list` and `violations list`: streamed to standard output as the ledger is read
    /// (constant memory, first line at once), by AssetCore's report code either here (local mode)
    /// or in the daemon, which sends the bytes back as it prints them.
    /// Times are printed in `zone` (`--tz`; else `TZ`, else the system's).
    func list(_ listing: Listing, format: ReportFormat, zone: ZoneChoice? = nil) throws {
        let zone = zone ?? .fromEnvironment(ProcessInfo.processInfo.environment["TZ"])
        if let path = localDatabase {
            return try parse {
                let service = InventoryService(store: try LedgerStore(path: path))
                StandardOutput.widenPipe()
                var output = ReportOutput(sink: StandardOutput.write)
                do {
                    try service.report(listing, format: format, language: language, zone: zone, caller: localCaller, to: &output)
                } catch let error as LedgerError {
                    throw output.cause(of: error)
                }
            }
        }
        try parse {
            let client = try ControlClient(path: socketPath)
            defer { client.close() }
            try client.send(.report(ReportCall(listing: listing, format: format, language: language, zone: zone)))
            StandardOutput.widenPipe()
            try client.receiveReport(into: StandardOutput.write)
        }
    }
}

/// Standard output without `FileHandle`: whole blocks through write(2).
enum StandardOutput {
    /// A pipe holds 64 KiB by default, so a reader that takes large chunks (a pager, `gzip`, a
    /// script) is woken for every block and the two processes take turns on one core. At 1 MiB
    /// (the kernel's default `pipe-max-size` for an unprivileged process) a million-row listing
    /// costs a hundred wake-ups instead of thousands. Only a pipe is touched; failing is harmless.
    static func widenPipe() {
        var status = stat()
        guard fstat(1, &status) == 0, status.st_mode & S_IFMT == S_IFIFO else { return }
        _ = fcntl(1, fSetPipeSize, Int32(1 << 20))
    }

    /// F_SETPIPE_SZ (linux/fcntl.h: F_LINUX_SPECIFIC_BASE + 7), which Glibc's module does not export.
    static let fSetPipeSize: Int32 = 1031

    static func write(_ block: UnsafeRawBufferPointer) throws(ReportSinkError) {
        guard Descriptor.transferAll(block, { Glibc.write(1, $0.baseAddress, $0.count) }) else {
            throw .standardOutput(String(cString: strerror(errno)))
        }
    }
}
