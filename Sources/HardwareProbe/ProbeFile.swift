import AssetCore
#if canImport(Glibc)
import Glibc
#endif

/// The inventory's file reads, through `Sysfs` (open/read, which umockdev redirects) and readlink.
/// `FileManager`'s walkers read the real /sys even under the preload, so they are never used.
enum ProbeFile {
    /// Sysfs attributes are at most a page; more is not an attribute worth reading.
    static let attributeLimit = 4096

    /// A whole file (procfs, os-release) up to `limit` bytes; nil when absent or unreadable.
    static func bytes(_ path: String, limit: Int) -> [UInt8]? {
        Sysfs.readBytes(path, limit: limit, wholeFile: true)
    }

    /// A sysfs attribute without the newline the kernel ends it with.
    static func attribute(_ path: String) -> [UInt8]? {
        guard var value = Sysfs.readBytes(path, limit: attributeLimit) else { return nil }
        if value.last == UInt8(ascii: "\n") { value.removeLast() }
        return value
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

    /// The names in a directory without `.` and `..`; nil when it cannot be opened (absent).
    static func entries(_ path: String) -> [String]? {
        SysfsDirectory(path)?.entries()
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
