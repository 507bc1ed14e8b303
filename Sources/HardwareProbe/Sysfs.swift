import AssetCore
import SystemSupport
#if canImport(Glibc)
import Glibc
#endif

/// A sysfs read or write failed: the path and the errno text, so the audit trail can say which
/// device refused what (e.g. "…/1-1/authorized: Permission denied").
public struct SysfsError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var operation: String
    public var code: Int32

    public init(path: String, operation: String, code: Int32) {
        self.path = path
        self.operation = operation
        self.code = code
    }

    public var description: String { "\(operation) \(path): \(UdevError.text(for: code))" }
}

/// Raw sysfs file access through open(2)/read(2)/write(2).
///
/// Deliberately not FileManager: under umockdev only the libc calls are redirected to the fake
/// tree (`FileManager.enumerator` reads the real /sys), and raw bytes are needed anyway because a
/// device chooses its own serial bytes and libudev would mangle invalid UTF-8.
public enum Sysfs {
    /// Sysfs attributes are at most a page; descriptors a few KiB. Anything longer is not an
    /// attribute we want, and the cap keeps a hostile or broken file from costing memory.
    public static let readLimit = 1 << 16

    /// The file's bytes, or nil when it is absent or unreadable (the caller decides what a missing
    /// attribute means).
    /// `wholeFile`: read on to the end whatever each read returns (procfs hands a file out in
    /// pieces), where a sysfs attribute comes whole in one read.
    public static func readBytes(_ path: String, limit: Int = readLimit, wholeFile: Bool = false) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return readAll(fd, limit: limit, wholeFile: wholeFile)
    }

    /// Everything readable from an open file, up to `limit` bytes; nil on a read error.
    ///
    /// A sysfs attribute hands over its whole value in the first read (binary attributes such as
    /// `descriptors` a page at a time), so a read that does not fill the buffer is the end: no
    /// second read to learn what is already known, one system call less per attribute.
    public static func readAll(_ fd: Int32, limit: Int = readLimit, wholeFile: Bool = false) -> [UInt8]? {
        var result: [UInt8] = []
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 4096) { chunk -> [UInt8]? in
            while result.count < limit {
                let count = Descriptor.retryingInterrupts { Glibc.read(fd, chunk.baseAddress, chunk.count) }
                if count < 0 { return nil }
                if count == 0 { break }
                result.append(contentsOf: chunk[0..<min(count, limit - result.count)])
                if count < chunk.count && !wholeFile { break }
            }
            return result
        }
    }

    /// An attribute as text with surrounding whitespace trimmed (`bNumInterfaces` is " 1"), for
    /// numbers and keywords. Invalid UTF-8 is repaired, which then fails any numeric parse.
    public static func attributeText(_ syspath: String, _ name: String) -> String? {
        readBytes(syspath + "/" + name).map(text)
    }

    public static func text(_ bytes: [UInt8]) -> String {
        trimmed(String(decoding: bytes, as: UTF8.self))
    }

    /// The names in an open directory stream, without `.` and `..`.
    public static func names(_ directory: OpaquePointer) -> [String] {
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Writes `value` to an existing attribute file (O_TRUNC like `echo 0 > authorized`; sysfs
    /// takes the whole value from one write). Never creates a file: a missing attribute means the
    /// device is gone or does not support the operation, which the caller must learn.
    public static func write(_ value: String, to path: String) throws(SysfsError) {
        let fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC)
        guard fd >= 0 else { throw SysfsError(path: path, operation: "open", code: errno) }
        defer { close(fd) }
        try writeAll(value, to: fd, path: path)
    }

    /// The whole value (sysfs takes it from one write), retried on EINTR (`Descriptor`).
    public static func writeAll(_ value: String, to fd: Int32, path: String) throws(SysfsError) {
        let bytes = Array(value.utf8)
        var failure: Int32 = 0
        let done = bytes.withUnsafeBytes { buffer in
            Descriptor.transferAll(buffer) { rest in
                let count = Glibc.write(fd, rest.baseAddress, rest.count)
                if count < 0 { failure = errno } else if count == 0 { failure = EIO }
                return count
            }
        }
        if !done { throw SysfsError(path: path, operation: "write", code: failure == 0 ? EIO : failure) }
    }

    public static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    public static func trimmed(_ text: String) -> String {
        var scalars = Substring(text).unicodeScalars[...]
        while let first = scalars.first, first.properties.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
        return String(String.UnicodeScalarView(scalars))
    }

    /// Parses a hex attribute (`idVendor` "0781", `bInterfaceClass` "08"). nil when malformed.
    public static func hex<T: FixedWidthInteger & UnsignedInteger>(_ text: String?, as type: T.Type = T.self) -> T? {
        guard let text, !text.isEmpty, text.count <= 2 * MemoryLayout<T>.size + 2 else { return nil }
        let digits = text.hasPrefix("0x") || text.hasPrefix("0X") ? String(text.dropFirst(2)) : text
        return T(digits, radix: 16)
    }

    /// Four lower-case hex digits, the form the ledger stores IDs in.
    public static func hex4(_ value: UInt16) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// Two lower-case hex digits, the form bDeviceClass/bInterfaceClass are written in by the kernel.
    public static func hex2(_ value: UInt8) -> String {
        let digits = String(value, radix: 16)
        return digits.count < 2 ? "0" + digits : digits
    }
}

/// An open sysfs directory whose attributes are read relative to it (`openat`).
///
/// A device's attributes are read together, so the directory's long path is resolved once instead
/// of once per attribute: each read walks one path component. (Under umockdev's preload, relative
/// names also skip its per-path redirection, which costs both daemons of the benchmark dearly.)
///
/// Sendable: its state is a path and a descriptor, both fixed at creation, and the calls it makes
/// on the descriptor are safe from any thread.
public final class SysfsDirectory: Sendable {
    public let path: String
    private let fd: Int32

    public init?(_ path: String) {
        fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        self.path = path
    }

    /// A subdirectory (an interface of a device), opened relative to this one.
    public init?(_ name: String, in parent: SysfsDirectory) {
        fd = openat(parent.fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        path = parent.path + "/" + name
    }

    deinit { close(fd) }

    public func readBytes(_ name: String, limit: Int = Sysfs.readLimit) -> [UInt8]? {
        let file = openat(fd, name, O_RDONLY | O_CLOEXEC)
        guard file >= 0 else { return nil }
        defer { close(file) }
        return Sysfs.readAll(file, limit: limit)
    }

    /// Writes `value` to the attribute `name` (which may go down into a child: `1-1:1.0/authorized`)
    /// of this very directory. Once the device is gone the write fails, even if another device has
    /// since appeared at the same path: a verdict cannot land on a device it was not made for.
    public func write(_ value: String, to name: String) throws(SysfsError) {
        let file = openat(fd, name, O_WRONLY | O_TRUNC | O_CLOEXEC)
        guard file >= 0 else { throw SysfsError(path: path + "/" + name, operation: "open", code: errno) }
        defer { close(file) }
        try Sysfs.writeAll(value, to: file, path: path + "/" + name)
    }

    /// A device-supplied string as the ledger keeps it (`SafeText.attribute`, the one rule mediactl
    /// follows too).
    public func escapedText(_ name: String) -> String? {
        readBytes(name).map(SafeText.attribute)
    }

    /// See `Sysfs.attributeText`: trimmed text, for numbers and keywords.
    public func attributeText(_ name: String) -> String? {
        readBytes(name).map(Sysfs.text)
    }

    /// The names in the directory, without `.` and `..`.
    public func entries() -> [String] {
        // A duplicate, because closedir closes the descriptor it was given.
        let listing = dup(fd)
        guard listing >= 0 else { return [] }
        guard let directory = fdopendir(listing) else {
            close(listing)
            return []
        }
        defer { closedir(directory) }
        // The duplicate shares the file offset: start from the top whatever was listed before.
        rewinddir(directory)
        return Sysfs.names(directory)
    }
}
