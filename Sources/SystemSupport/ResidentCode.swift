#if canImport(Glibc)
import Glibc
#endif

/// The pages of a program's machine code that its process keeps mapped, and giving back those it
/// has no use for now.
///
/// Why: a page of code, once run, stays in the process's page tables (its RSS) for as long as the
/// process lives, whether or not it ever runs again. mediad runs for months; what it runs all that
/// time is the guard, but an enrolled mediad also ran its unit's code (a snapshot applied, records
/// signed, each held outbox call) and kept 1.1 MiB more of its binary resident than a computer on
/// its own (bench/findings.md, issue 15). The linker lays the guard's code out first
/// (link/mediad.order), so what lies after it can be dropped when that work is done: the pages
/// stay in the page cache, shared and reclaimable, and a later call maps again what it runs (minor
/// faults, no disk read while the file is cached).
public enum ResidentCode {
    /// Where a program's code lies: the executable, read-only, file-backed mapping holding `address`.
    public struct Mapping: Sendable, Equatable {
        public let start: UInt
        public let end: UInt
        public let path: String

        public init(start: UInt, end: UInt, path: String) {
            self.start = start
            self.end = end
            self.path = path
        }
    }

    /// The mapping that holds `address`, read from /proc/self/maps; nil when there is none, or when
    /// it is not code read from a file (`r-xp` with an inode): only such pages can be dropped with
    /// nothing lost, as they are never written and the file holds them all.
    public static func mapping(containing address: UInt) -> Mapping? {
        guard let maps = readAll("/proc/self/maps") else { return nil }
        for line in maps.split(separator: UInt8(ascii: "\n")) {
            guard let mapping = parse(line), mapping.start <= address, address < mapping.end else { continue }
            return mapping.executableFile ? Mapping(start: mapping.start, end: mapping.end, path: mapping.path) : nil
        }
        return nil
    }

    /// The whole pages of `mapping` from `address` on (rounded up to a page), which `release` gives
    /// back; nil when none are whole.
    public static func pages(of mapping: Mapping, from address: UInt) -> Range<UInt>? {
        let size = UInt(sysconf(Int32(_SC_PAGESIZE)))
        let first = (max(address, mapping.start) + size - 1) / size * size
        return first < mapping.end ? first..<mapping.end : nil
    }

    /// Drops the pages of `range` from this process's page tables (madvise MADV_DONTNEED). For a
    /// private mapping of a file's code this discards nothing: the pages were never written, and
    /// the next run of that code maps them again from the page cache. False when the kernel refused
    /// (the range is not mapped, or locked in memory); nothing is changed then.
    @discardableResult
    public static func release(_ range: Range<UInt>) -> Bool {
        guard !range.isEmpty, let start = UnsafeMutableRawPointer(bitPattern: range.lowerBound) else { return false }
        return madvise(start, Int(range.upperBound - range.lowerBound), MADV_DONTNEED) == 0
    }

    /// How many pages of `range` this process has mapped now (/proc/self/pagemap, bit 63): what
    /// `release` gives back, for the tests and the logs. Nil when pagemap cannot be read.
    public static func residentPages(in range: Range<UInt>) -> Int? {
        let size = UInt(sysconf(Int32(_SC_PAGESIZE)))
        let fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var present = 0
        var page = range.lowerBound / size
        let last = (range.upperBound + size - 1) / size
        var entries = [UInt64](repeating: 0, count: 512)
        while page < last {
            let count = Int(min(UInt(entries.count), last - page))
            let got = entries.withUnsafeMutableBytes { pread(fd, $0.baseAddress, count * 8, off_t(page * 8)) }
            guard got == count * 8 else { return nil }
            present += entries[..<count].reduce(0) { $0 + Int($1 >> 63) }
            page += UInt(count)
        }
        return present
    }

    private struct Line {
        let start: UInt, end: UInt, executableFile: Bool, path: String
    }

    /// One line of /proc/self/maps: `start-end perms offset dev inode path`.
    private static func parse(_ line: ArraySlice<UInt8>) -> Line? {
        let fields = line.split(separator: UInt8(ascii: " "), maxSplits: 5, omittingEmptySubsequences: true)
        guard fields.count >= 5 else { return nil }
        let bounds = fields[0].split(separator: UInt8(ascii: "-"))
        guard bounds.count == 2, let start = UInt(String(decoding: bounds[0], as: UTF8.self), radix: 16),
              let end = UInt(String(decoding: bounds[1], as: UTF8.self), radix: 16) else { return nil }
        let executableFile = Array(fields[1]) == Array("r-xp".utf8) && Array(fields[4]) != [UInt8(ascii: "0")]
        let path = fields.count > 5 ? String(decoding: fields[5].drop { $0 == UInt8(ascii: " ") }, as: UTF8.self) : ""
        return Line(start: start, end: end, executableFile: executableFile, path: path)
    }

    private static func readAll(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 14)
        while true {
            let got = chunk.withUnsafeMutableBytes { buffer in Descriptor.retryingInterrupts { read(fd, buffer.baseAddress, buffer.count) } }
            guard got >= 0 else { return nil }
            if got == 0 { return bytes }
            bytes.append(contentsOf: chunk[..<got])
        }
    }
}
