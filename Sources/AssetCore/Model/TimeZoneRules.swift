#if canImport(Glibc)
import Glibc
#endif

/// Which time zone a report or listing prints its times in (`--tz`). The ledger stores UTC; an
/// officer files forms in local time, so every printed time carries its offset.
///
/// A zone travels from mediactl to the daemon as this value, and the daemon resolves it: a name is
/// only ever looked up under the system's zoneinfo directory, and only if it is spelt like a zone
/// (`Asia/Shanghai`), so a caller cannot make the root daemon open another file.
public enum ZoneChoice: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The zone of the machine that prints (`/etc/localtime`).
    case system
    /// A fixed offset from UTC in seconds (`+08:00`, `UTC`).
    case fixed(seconds: Int)
    /// A zone of the tz database (`Asia/Shanghai`).
    case named(String)

    /// Parses `--tz`: `UTC`/`Z`, `+08:00`/`+0800`/`-05`, or a zone name such as `Asia/Shanghai`.
    public init?(parsing text: String) {
        let text = text.trimmingWhitespace()
        if text.isEmpty { return nil }
        if ["utc", "z", "gmt", "etc/utc"].contains(text.lowercased()) { self = .fixed(seconds: 0); return }
        if let sign = text.first, sign == "+" || sign == "-" {
            let digits = text.dropFirst().filter { $0 != ":" }
            guard digits.count == 2 || digits.count == 4, digits.allSatisfy(\.isASCIIDigit),
                  let hours = Int(digits.prefix(2)), let minutes = Int(digits.count == 4 ? String(digits.suffix(2)) : "0"),
                  hours <= 14, minutes < 60 else { return nil }
            let seconds = hours * 3600 + minutes * 60
            self = .fixed(seconds: sign == "-" ? -seconds : seconds)
            return
        }
        guard ZoneChoice.isZoneName(text) else { return nil }
        self = .named(text)
    }

    /// `Area/Location` spelling: letters, digits, `_`, `-`, `+`, separated by single slashes, no
    /// component starting with a dot.
    static func isZoneName(_ text: String) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard !parts.isEmpty, parts.count <= 3, text.utf8.count <= 64 else { return false }
        return parts.allSatisfy { part in
            !part.isEmpty && part.first != "." && part.first != "-"
                && part.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "_-+".unicodeScalars.contains($0)) }
        }
    }

    /// The zone the caller's environment asks for: `TZ` when set to something usable, else the
    /// printing machine's own.
    public static func fromEnvironment(_ tz: String?) -> ZoneChoice {
        guard var tz, !tz.isEmpty else { return .system }
        if tz.hasPrefix(":") { tz.removeFirst() }
        return ZoneChoice(parsing: tz) ?? .system
    }

    public var description: String {
        switch self {
        case .system: "system"
        case .fixed(let seconds): LocalTime.offsetText(seconds)
        case .named(let name): name
        }
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        if text == "system" { self = .system; return }
        guard let zone = ZoneChoice(parsing: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a time zone: \(text)"))
        }
        self = zone
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// The rules for this zone, read from the tz database.
    public func rules(zoneinfo: String = "/usr/share/zoneinfo", localtime: String = "/etc/localtime") throws(LedgerError) -> TimeZoneRules {
        switch self {
        case .fixed(let seconds):
            return TimeZoneRules(fixed: seconds)
        case .system:
            // No /etc/localtime means UTC (as glibc reads it).
            guard let bytes = TimeZoneRules.readFile(localtime) else { return TimeZoneRules(fixed: 0) }
            guard let rules = TimeZoneRules(tzif: bytes) else {
                throw LedgerError(.validation, zh: "系统时区文件 \(localtime) 无法识别", en: "the system's time zone file \(localtime) cannot be read")
            }
            return rules
        case .named(let name):
            guard ZoneChoice.isZoneName(name), let bytes = TimeZoneRules.readFile(zoneinfo + "/" + name),
                  let rules = TimeZoneRules(tzif: bytes) else {
                throw LedgerError(.validation, zh: "未知时区：\(name)（例如 Asia/Shanghai、+08:00、UTC）",
                                  en: "unknown time zone: \(name) (for example Asia/Shanghai, +08:00, UTC)")
            }
            return rules
        }
    }
}

/// A zone's offsets from UTC over time, from a TZif file (RFC 8536) or a fixed offset.
///
/// Transitions are used as the file lists them; after the last one its offset holds. Debian's
/// tzdata lists transitions up to 2037, so the footer's rule is not needed for ledger dates.
public struct TimeZoneRules: Sendable, Hashable {
    /// Instants (seconds since the epoch) from which `offsets[i]` applies, ascending.
    let transitions: [Int64]
    let offsets: [Int]
    /// The offset before the first transition.
    let initialOffset: Int

    public init(fixed seconds: Int) {
        transitions = []
        offsets = []
        initialOffset = seconds
    }

    /// Parses a TZif file, version 1 to 4; nil for anything else.
    public init?(tzif bytes: [UInt8]) {
        var reader = BigEndianReader(bytes: bytes)
        guard let block = reader.block(timeSize: 4) else { return nil }
        if bytes[4] >= UInt8(ascii: "2") {
            guard let wide = reader.block(timeSize: 8) else { return nil }
            self.init(block: wide)
        } else {
            self.init(block: block)
        }
    }

    private init?(block: BigEndianReader.Block) {
        guard !block.types.isEmpty, block.indices.allSatisfy({ Int($0) < block.types.count }) else { return nil }
        transitions = block.times
        offsets = block.indices.map { block.types[Int($0)].offset }
        // RFC 8536 3.2: before the first transition, the first non-DST type (or type 0) applies.
        initialOffset = (block.types.first { !$0.isDST } ?? block.types[0]).offset
    }

    /// Seconds east of UTC at this instant.
    public func offset(at seconds: Int64) -> Int {
        guard let first = transitions.first, seconds >= first else { return initialOffset }
        var low = 0, high = transitions.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if transitions[middle] <= seconds { low = middle } else { high = middle - 1 }
        }
        return offsets[low]
    }

    /// The instant at which a local wall-clock time (seconds since the epoch as if local were UTC)
    /// occurs. In a gap (clocks forward) the time moves forward by the gap; in an overlap, the earlier instant.
    public func instant(atLocal local: Int64) -> Int64 {
        // Offsets change by less than a day at a time: the offsets a day either side are the two
        // candidates, and a candidate is right when it reads back as the same local time.
        let earlier = local - Int64(offset(at: local - 86_400))
        let later = local - Int64(offset(at: local + 86_400))
        let valid = [earlier, later].filter { $0 + Int64(offset(at: $0)) == local }
        return valid.min() ?? earlier
    }

    static func readFile(_ path: String) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count <= 0 { break }
            bytes += chunk[0..<count]
            if bytes.count > 1 << 20 { return nil }
        }
        return bytes
    }
}

/// Reads the header and data block of a TZif file.
private struct BigEndianReader {
    struct LocalType { let offset: Int; let isDST: Bool }
    struct Block { var times: [Int64]; var indices: [UInt8]; var types: [LocalType] }

    let bytes: [UInt8]
    var position = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    private mutating func integer(_ size: Int) -> Int64? {
        guard position + size <= bytes.count else { return nil }
        var value: UInt64 = 0
        for index in position..<position + size { value = value << 8 | UInt64(bytes[index]) }
        position += size
        return size == 4 ? Int64(Int32(truncatingIfNeeded: value)) : Int64(bitPattern: value)
    }

    mutating func block(timeSize: Int) -> Block? {
        guard position + 44 <= bytes.count, bytes[position..<position + 4].elementsEqual("TZif".utf8) else { return nil }
        position += 20
        var counts: [Int] = []
        for _ in 0..<6 {
            guard let count = integer(4), count >= 0, count < 100_000 else { return nil }
            counts.append(Int(count))
        }
        let (utCount, stdCount, leapCount, timeCount, typeCount, charCount) = (counts[0], counts[1], counts[2], counts[3], counts[4], counts[5])
        var block = Block(times: [], indices: [], types: [])
        for _ in 0..<timeCount {
            guard let time = integer(timeSize) else { return nil }
            block.times.append(time)
        }
        for _ in 0..<timeCount {
            guard let index = integer(1) else { return nil }
            block.indices.append(UInt8(index))
        }
        for _ in 0..<typeCount {
            guard let offset = integer(4), let dst = integer(1), integer(1) != nil,
                  abs(offset) < 26 * 3600 else { return nil }
            block.types.append(LocalType(offset: Int(offset), isDST: dst != 0))
        }
        let skip = charCount + leapCount * (timeSize + 4) + stdCount + utCount
        guard position + skip <= bytes.count else { return nil }
        position += skip
        return block
    }
}

private extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
