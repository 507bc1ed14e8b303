/// Instants printed in a chosen zone, with the offset, as forms and listings show them. The ledger
/// keeps UTC (`Timestamp`); only printing converts.
public struct LocalTime: Sendable {
    public let rules: TimeZoneRules
    /// The last offset looked up and the span it holds for: listings print rows in time order, so
    /// most look-ups hit it.
    private var cache: (from: Int64, to: Int64, offset: Int) = (0, -1, 0)

    public init(rules: TimeZoneRules) {
        self.rules = rules
    }

    public static let utc = LocalTime(rules: TimeZoneRules(fixed: 0))

    public mutating func offset(at seconds: Int64) -> Int {
        if seconds >= cache.from, seconds < cache.to { return cache.offset }
        let offset = rules.offset(at: seconds)
        // Hold it for the surrounding hour-aligned day when no transition lies inside it.
        let start = seconds - seconds.modulo(3600), end = start + 86_400
        if rules.offset(at: end - 1) == offset, rules.offset(at: start) == offset {
            cache = (start, end, offset)
        }
        return offset
    }

    /// The local calendar day of an instant.
    public mutating func day(of time: Timestamp) -> Day {
        let local = time.secondsSinceEpoch + Int64(offset(at: time.secondsSinceEpoch))
        let (y, m, d) = Timestamp.civil(fromDays: Int(local.floorDivided(by: 86_400)))
        return Day(year: y, month: m, day: d)!
    }

    /// `2026-11-22 17:30:00 +08:00`: for tables, CSV and HTML.
    public mutating func text(_ time: Timestamp) -> String {
        format(time, separator: " ", offsetSeparator: " ")
    }

    /// `2026-11-22T17:30:00+08:00`: RFC 3339, for JSON.
    public mutating func rfc3339(_ time: Timestamp) -> String {
        format(time, separator: "T", offsetSeparator: "")
    }

    private mutating func format(_ time: Timestamp, separator: String, offsetSeparator: String) -> String {
        // Built in place from the 26 display bytes: listings and reports print a time per row, and
        // string interpolation cost a tenth of a year's violations report.
        let rfc3339 = separator == "T"
        var text = ""
        withDisplayBytes(time.secondsSinceEpoch) { bytes in
            text = String(unsafeUninitializedCapacity: 26) { buffer in
                var count = 0
                for (index, byte) in bytes.enumerated() {
                    if rfc3339, index == 19 { continue }
                    buffer[count] = rfc3339 && index == 10 ? UInt8(ascii: "T") : byte
                    count += 1
                }
                return count
            }
        }
        return text
    }

    /// `text(_:)`'s bytes without a `String`, for listings of a million rows: `body` gets the 26 bytes.
    mutating func withDisplayBytes(_ seconds: Int64, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        let offset = offset(at: seconds)
        let local = seconds + Int64(offset)
        let days = local.floorDivided(by: 86_400)
        let rest = Int(local - days * 86_400)
        let (y, m, d) = Timestamp.civil(fromDays: Int(days))
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 26) { buffer in
            func put(_ value: Int, _ at: Int, _ digits: Int) {
                var value = value
                for index in stride(from: at + digits - 1, through: at, by: -1) {
                    buffer[index] = UInt8(ascii: "0") + UInt8(value % 10)
                    value /= 10
                }
            }
            put(y, 0, 4); buffer[4] = UInt8(ascii: "-"); put(m, 5, 2); buffer[7] = UInt8(ascii: "-"); put(d, 8, 2)
            buffer[10] = UInt8(ascii: " ")
            put(rest / 3600, 11, 2); buffer[13] = UInt8(ascii: ":"); put(rest / 60 % 60, 14, 2); buffer[16] = UInt8(ascii: ":")
            put(rest % 60, 17, 2)
            buffer[19] = UInt8(ascii: " ")
            buffer[20] = offset < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+")
            put(abs(offset) / 3600, 21, 2); buffer[23] = UInt8(ascii: ":"); put(abs(offset) / 60 % 60, 24, 2)
            body(UnsafeBufferPointer(buffer))
        }
    }

    /// `2026-11-22 17:30:00 +08:00` from `2026-11-22T17:30:00+08:00`; anything else as it is.
    public static func display(rfc3339 text: String) -> String {
        var text = text
        return text.withUTF8 { bytes in
            guard bytes.count == 25, bytes[10] == UInt8(ascii: "T") else { return String(decoding: bytes, as: UTF8.self) }
            return String(unsafeUninitializedCapacity: 26) { buffer in
                var count = 0
                for (index, byte) in bytes.enumerated() {
                    if index == 19 { buffer[count] = UInt8(ascii: " "); count += 1 }
                    buffer[count] = index == 10 ? UInt8(ascii: " ") : byte
                    count += 1
                }
                return count
            }
        }
    }

    /// `+08:00`, `-05:00`, `+00:00`.
    public static func offsetText(_ seconds: Int) -> String {
        let sign = seconds < 0 ? "-" : "+"
        let magnitude = abs(seconds)
        return sign + two(magnitude / 3600) + ":" + two(magnitude / 60 % 60)
    }

    /// The instant at which a local day begins.
    public func start(of day: Day) -> Timestamp {
        let local = Int64(Timestamp.days(fromCivil: day.year, day.month, day.day)) * 86_400
        return Timestamp(secondsSinceEpoch: rules.instant(atLocal: local))
    }

    private static func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
}

extension Int64 {
    func floorDivided(by d: Int64) -> Int64 { self >= 0 ? self / d : (self - d + 1) / d }
    func modulo(_ d: Int64) -> Int64 { self - floorDivided(by: d) * d }
}
