import AssetCore
#if canImport(Glibc)
import Glibc
#endif

/// File reads through the libc calls umockdev redirects (open/read, readlink, opendir, access).
/// `FileManager`'s walkers read the real /sys even under the preload, so they are never used.
enum ProbeFile {
    /// Sysfs attributes are at most a page; more is not an attribute worth reading.
    static let attributeLimit = 4096

    /// The file's bytes up to `limit`, reading until the end (procfs hands out a file in pieces,
    /// unlike a sysfs attribute); nil when it is absent or unreadable (root-only DMI serials for
    /// anyone else, a directory where a file was expected).
    static func bytes(_ path: String, limit: Int) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var result: [UInt8] = []
        let failed = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 4096) { chunk -> Bool in
            while result.count < limit {
                let count = Glibc.read(fd, chunk.baseAddress, min(chunk.count, limit - result.count))
                if count < 0 {
                    if errno == EINTR { continue }
                    return true
                }
                if count == 0 { break }
                result.append(contentsOf: chunk[0..<count])
            }
            return false
        }
        return failed ? nil : result
    }

    /// A sysfs attribute without the newline the kernel ends it with.
    static func attribute(_ path: String) -> [UInt8]? {
        guard var value = bytes(path, limit: attributeLimit) else { return nil }
        if value.last == UInt8(ascii: "\n") { value.removeLast() }
        return value
    }

    /// Bytes as text for numbers and keywords: invalid UTF-8 repaired (which then fails any
    /// numeric parse), surrounding whitespace trimmed.
    static func text(_ bytes: [UInt8]) -> String {
        trimmed(String(decoding: bytes, as: UTF8.self))
    }

    static func trimmed<S: StringProtocol>(_ text: S) -> String {
        var scalars = Substring(text).unicodeScalars[...]
        while let first = scalars.first, first.properties.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
        return String(String.UnicodeScalarView(scalars))
    }

    /// The last component of a symbolic link's target (`driver` → `e1000e`); nil when there is no link.
    static func linkBasename(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        let target = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let name = HardwareRules.lastComponent(target)
        return name.isEmpty ? nil : name
    }

    static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    /// The names in a directory without `.` and `..`; nil when it cannot be opened (absent).
    static func entries(_ path: String) -> [String]? {
        guard let directory = opendir(path) else { return nil }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// The first source that gives a value, each judged by `HardwareText.value` (a placeholder in
    /// the udev database does not hide a real serial in sysfs).
    static func firstValue(_ sources: [() -> [UInt8]?]) -> String? {
        for source in sources {
            if let value = HardwareText.value(source()) { return value }
        }
        return nil
    }
}
