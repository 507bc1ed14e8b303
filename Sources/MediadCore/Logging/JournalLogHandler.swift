#if canImport(Glibc)
import Glibc
#endif
import AssetCore
import Logging
import SystemSupport

/// Where log lines go: the journal's native socket when journald runs, standard error otherwise.
/// One shared datagram socket; `sendto` on it is safe from any thread.
final class JournalSink: @unchecked Sendable {
    static let socketPath = "/run/systemd/journal/socket"

    private let fd: Int32
    let toJournal: Bool

    init(journalSocket: String = JournalSink.socketPath) {
        var info = stat()
        if stat(journalSocket, &info) == 0, (info.st_mode & S_IFMT) == S_IFSOCK {
            fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        } else {
            fd = -1
        }
        toJournal = fd >= 0
        path = journalSocket
    }

    private let path: String

    deinit { if fd >= 0 { close(fd) } }

    /// Sends one entry; falls back to standard error when the journal refuses it, so a line is never
    /// silently lost.
    func send(fields: [(String, String)], fallback: () -> String) {
        if toJournal {
            var payload: [UInt8] = []
            for (key, value) in fields {
                if value.contains("\n") {
                    // Binary form: KEY\n, little-endian 64-bit length, value, \n.
                    payload += Array(key.utf8) + [UInt8(ascii: "\n")]
                    var length = UInt64(value.utf8.count).littleEndian
                    withUnsafeBytes(of: &length) { payload += $0 }
                    payload += Array(value.utf8) + [UInt8(ascii: "\n")]
                } else {
                    payload += Array("\(key)=\(value)\n".utf8)
                }
            }
            let sent = UnixSocketAddress.with(path) { address, length in
                payload.withUnsafeBytes { sendto(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL), address, length) }
            }
            if sent == payload.count { return }
        }
        let line = Array((fallback() + "\n").utf8)
        _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }
}

/// A swift-log handler for journald: levels map to PRIORITY, metadata to upper-case fields
/// (MEDIA_NUMBER, MEDIA_SERIAL, MEDIA_VIOLATION …) that `journalctl MEDIA_SERIAL=…` can filter on.
struct JournalLogHandler: LogHandler {
    let label: String
    let sink: JournalSink
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    var logLevel: Logger.Level = .info

    init(label: String, sink: JournalSink) {
        self.label = label
        self.sink = sink
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let own = event.metadata { merged.merge(own) { _, new in new } }
        var fields: [(String, String)] = [("MESSAGE", "\(event.message)"), ("PRIORITY", String(Self.priority(event.level))),
                                          ("SYSLOG_IDENTIFIER", "mediad")]
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) {
            fields.append((Self.fieldName(key), "\(value)"))
        }
        // The one-line form is built only when the journal is not there to take the fields.
        sink.send(fields: fields) {
            "mediad[\(event.level)]: " + SafeText.escape(fields[0].1)
                + fields.dropFirst(3).map { " \($0.0)=\(SafeText.escape($0.1))" }.joined()
        }
    }

    /// syslog priorities: critical 2, error 3, warning 4, notice 5, info 6, debug and trace 7.
    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .critical: 2
        case .error: 3
        case .warning: 4
        case .notice: 5
        case .info: 6
        case .debug, .trace: 7
        }
    }

    /// Journal field names are upper-case letters, digits and underscores, not starting with one.
    static func fieldName(_ key: String) -> String {
        // The daemon's own keys (MEDIA_SERIAL…) are already valid names.
        if let first = key.utf8.first, first != UInt8(ascii: "_"), key.utf8.count <= 64,
           key.utf8.allSatisfy({ ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }) {
            return key
        }
        var name = String(key.uppercased().map { ($0.isLetter && $0.isASCII) || ($0.isNumber && $0.isASCII) ? $0 : "_" })
        while name.hasPrefix("_") { name.removeFirst() }
        return name.isEmpty ? "FIELD" : String(name.prefix(64))
    }
}
