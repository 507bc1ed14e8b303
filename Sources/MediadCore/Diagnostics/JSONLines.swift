#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// One JSON object per line on stdout, written with write(2): unbuffered, so every line is out
/// when `emit` returns, and no access to C's global `stdout`, which strict concurrency rejects.
enum JSONLines {
    static func emit(_ value: some Encodable) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return warn("cannot encode a line") }
        writeAll(STDOUT_FILENO, Array(data) + [UInt8(ascii: "\n")])
    }

    static func warn(_ message: String) {
        writeAll(STDERR_FILENO, Array(("mediad: " + message + "\n").utf8))
    }

    static func fail(_ message: String) -> Never {
        warn(message)
        exit(EXIT_FAILURE)
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if count < 0, errno == EINTR { continue }
            if count <= 0 { exit(EXIT_FAILURE) }   // stdout closed: nobody is listening
            offset += count
        }
    }
}
