#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An instant, kept as whole seconds since the epoch and written as ISO 8601 UTC
/// (`2026-11-22T09:30:00Z`) so that the ledger sorts and reads the same on every machine.
///
/// The clock is always passed in (see `WallClock`), never read inside a rule, so rules are testable.
public struct Timestamp: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let secondsSinceEpoch: Int64

    public init(secondsSinceEpoch: Int64) {
        self.secondsSinceEpoch = secondsSinceEpoch
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.secondsSinceEpoch < rhs.secondsSinceEpoch
    }

    public var description: String {
        let days = Int(secondsSinceEpoch.floorDiv(86_400))
        let rest = Int(secondsSinceEpoch - Int64(days) * 86_400)
        let (y, m, d) = Timestamp.civil(fromDays: days)
        return "\(y)-\(p2(m))-\(p2(d))T\(p2(rest / 3600)):\(p2(rest / 60 % 60)):\(p2(rest % 60))Z"
    }

    /// Parses `2026-11-22T09:30:00Z` or a bare day `2026-11-22` (midnight UTC), as `--since` takes.
    public init?(parsing text: String) {
        // The ledger's own form, `2026-11-22T09:30:00Z`, read straight from its bytes: every stored
        // time is read this way, and the general path below costs microseconds (a report of a
        // hundred thousand violations spent half its time there).
        if let seconds = Timestamp.canonicalSeconds(text) {
            self.secondsSinceEpoch = seconds
            return
        }
        let trimmed = text.trimmingWhitespace()
        let datePart = String(trimmed.prefix(10))
        guard let day = Day(parsing: datePart) else { return nil }
        var seconds = Int64(Timestamp.days(fromCivil: day.year, day.month, day.day)) * 86_400
        let rest = trimmed.dropFirst(10)
        if !rest.isEmpty {
            let time = rest.drop(while: { $0 == "T" || $0 == " " }).replacingOccurrences(of: "Z", with: "")
            let fields = time.split(separator: ":").compactMap { Int($0) }
            guard fields.count >= 2, fields.count <= 3, fields.allSatisfy({ $0 >= 0 }),
                  fields[0] < 24, fields[1] < 60, (fields.count == 2 || fields[2] < 61) else { return nil }
            seconds += Int64(fields[0] * 3600 + fields[1] * 60 + (fields.count == 3 ? fields[2] : 0))
        }
        self.secondsSinceEpoch = seconds
    }

    /// Seconds of `YYYY-MM-DDTHH:MM:SSZ` exactly (a valid date and time), else nil.
    static func canonicalSeconds(_ text: String) -> Int64? {
        var text = text
        return text.withUTF8 { canonicalSeconds(bytes: $0) }
    }

    /// The same from the bytes as the ledger hands them over (the streamed listings read those).
    static func canonicalSeconds(bytes b: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard b.count == 20, b[4] == 0x2D, b[7] == 0x2D, b[10] == 0x54, b[13] == 0x3A, b[16] == 0x3A, b[19] == 0x5A else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let digit = Int(b[index]) &- 0x30
                guard digit >= 0, digit <= 9 else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        guard let y = number(0..<4), let m = number(5..<7), let d = number(8..<10), let h = number(11..<13),
              let mi = number(14..<16), let s = number(17..<19), Day(year: y, month: m, day: d) != nil,
              h < 24, mi < 60, s < 61 else { return nil }
        return Int64(Timestamp.days(fromCivil: y, m, d)) * 86_400 + Int64(h * 3600 + mi * 60 + s)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = Timestamp(parsing: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "not an ISO 8601 time: \(text)"))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// The calendar day this instant falls on in the machine's local time zone: a due date is a day
    /// on the clerk's calendar.
    public var localDay: Day {
        var time = time_t(secondsSinceEpoch)
        var parts = tm()
        localtime_r(&time, &parts)
        return Day(year: Int(parts.tm_year) + 1900, month: Int(parts.tm_mon) + 1, day: Int(parts.tm_mday))!
    }

    static func days(fromCivil y: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y - 1 : y
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays z: Int) -> (Int, Int, Int) {
        let z = z + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp + (mp < 10 ? 3 : -9)
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}

private func p2(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

private extension Int64 {
    func floorDiv(_ d: Int64) -> Int64 { self >= 0 ? self / d : (self - d + 1) / d }
}

/// Where "now" comes from. Production reads the system clock; tests pass a fixed one. Named for
/// the wall-clock time it gives (seconds in UTC) and so that it never hides the standard library's
/// `Clock` protocol from a file that imports AssetCore.
public struct WallClock: Sendable {
    public let now: @Sendable () -> Timestamp

    public init(now: @escaping @Sendable () -> Timestamp) {
        self.now = now
    }

    public static let system = WallClock {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(secondsSinceEpoch: Int64(spec.tv_sec))
    }

    public static func fixed(_ timestamp: Timestamp) -> WallClock { WallClock { timestamp } }
}
