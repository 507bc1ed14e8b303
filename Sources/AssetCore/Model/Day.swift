/// A calendar day (`YYYY-MM-DD`) with no time zone: due dates, departure dates and service dates
/// are days on a form, not instants, so they must not shift with the machine's time zone.
public struct Day: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    public init?(year: Int, month: Int, day: Int) {
        guard (1900...9999).contains(year), (1...12).contains(month),
              (1...Day.daysIn(month: month, year: year)).contains(day) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `2026-12-01` (also `2026/12/01` and `2026.12.01`, as forms are often written).
    public init?(parsing text: String) {
        // `2026-12-01` exactly, straight from its bytes: how the ledger stores every day.
        var copy = text
        let canonical = copy.withUTF8 { b -> (Int, Int, Int)? in
            guard b.count == 10, b[4] == 0x2D, b[7] == 0x2D else { return nil }
            var fields = [0, 0, 0], field = 0
            for (index, byte) in b.enumerated() where index != 4 && index != 7 {
                let digit = Int(byte) &- 0x30
                guard digit >= 0, digit <= 9 else { return nil }
                field = index < 4 ? 0 : index < 7 ? 1 : 2
                fields[field] = fields[field] * 10 + digit
            }
            return (fields[0], fields[1], fields[2])
        }
        if let (y, m, d) = canonical {
            self.init(year: y, month: m, day: d)
            return
        }
        let parts = text.trimmingWhitespace().split(whereSeparator: { $0 == "-" || $0 == "/" || $0 == "." })
        guard parts.count == 3, parts[0].count == 4,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public var description: String {
        "\(year)-\(Self.pad(month))-\(Self.pad(day))"
    }

    public static func < (lhs: Day, rhs: Day) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let day = Day(parsing: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "not a YYYY-MM-DD date: \(text)"))
        }
        self = day
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    private static func pad(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
}
