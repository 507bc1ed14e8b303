#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import SystemSupport

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

    /// `--help`: the mode's usage on standard output, and success.
    static func usage(_ text: String) -> Never {
        writeAll(STDOUT_FILENO, Array((text + "\n").utf8))
        exit(EXIT_SUCCESS)
    }

    static func fail(_ message: String) -> Never {
        warn(message)
        exit(EXIT_FAILURE)
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        let written = bytes.withUnsafeBytes { Descriptor.transferAll($0) { Glibc.write(fd, $0.baseAddress, $0.count) } }
        if !written { exit(EXIT_FAILURE) }   // stdout closed: nobody is listening
    }
}
