import AssetCore
import Foundation

/// The month partition of `unit_event` a record's time falls in, when it falls in the partitioned
/// years at all. Names and bounds are built from two validated integers only, never from input text,
/// since DDL cannot take bound parameters.
struct EventMonth: Hashable, Sendable {
    let year: Int
    let month: Int

    /// nil outside the partitioned years: such a record goes to the default partition.
    init?(secondsSinceEpoch seconds: Int64) {
        let days = Int(seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
        let (year, month) = Self.civil(fromDays: days)
        guard year >= HubMigrations.firstPartitionYear, year < HubMigrations.endPartitionYear else { return nil }
        self.year = year
        self.month = month
    }

    private init(year: Int, month: Int) {
        self.year = year
        self.month = month
    }

    var table: String { "unit_event_\(year)_\(month < 10 ? "0" : "")\(month)" }

    var next: EventMonth { month == 12 ? EventMonth(year: year + 1, month: 1) : EventMonth(year: year, month: month + 1) }

    /// The month's first instant in UTC, as a literal PostgreSQL reads the same whatever its TimeZone.
    var start: String { "\(year)-\(month < 10 ? "0" : "")\(month)-01 00:00:00+00" }

    var createStatement: String {
        "CREATE TABLE IF NOT EXISTS \(table) PARTITION OF unit_event FOR VALUES FROM ('\(start)') TO ('\(next.start)')"
    }

    /// Howard Hinnant's days-to-civil, as `Timestamp` uses (its own copy is internal to AssetCore).
    private static func civil(fromDays z: Int) -> (year: Int, month: Int) {
        let z = z + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let month = mp + (mp < 10 ? 3 : -9)
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month)
    }
}

/// How values from outside are made storable without ever failing a commit.
enum EventStorage {
    /// PostgreSQL's timestamptz holds years 4713 BC to 294276 AD; `Timestamp` decoded from text holds
    /// years 0 to 9999, but one made in code can hold any number. Stored times are kept to years
    /// 1 to 9999, so no value can make `to_timestamp` fail a commit.
    static func seconds(_ time: Timestamp) -> Int64 {
        min(max(time.secondsSinceEpoch, -62_135_596_800), 253_402_300_799)
    }

    /// PostgreSQL's text cannot hold a NUL character. Identifiers that a hostile computer could fill
    /// with one are stored with U+FFFD instead; the record's content keeps its exact bytes elsewhere.
    static func text(_ value: String) -> String {
        value.utf8.contains(0) ? value.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}") : value
    }

    /// The record's content as JSON that PostgreSQL's jsonb always accepts: parsed and written anew
    /// (jsonb refuses `\u0000`, numbers beyond its range, deep nesting), or, when it is not JSON at
    /// all, the whole text as one JSON string. A computer cannot fail a commit with what it sends.
    static func jsonb(_ content: String) -> String {
        // What mediad writes passes as it is; only the rest is parsed and written anew (a hundred
        // times slower, and a burst of 10,000 records must not wait on it).
        if JSONBCheck.accepts(content) { return content }
        let encoder = JSONEncoder()
        if let value = try? JSONDecoder().decode(JSONValue.self, from: Data(content.utf8)),
           let data = try? encoder.encode(value), let text = String(data: data, encoding: .utf8) {
            return text
        }
        let data = (try? encoder.encode(text(content))) ?? Data("null".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}

/// A JSON value read leniently and written back in a form jsonb accepts.
private enum JSONValue: Codable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Deeper than this, PostgreSQL may run out of stack parsing it; a sender has no reason to.
    static let maximumDepth = 64

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        guard decoder.codingPath.count <= Self.maximumDepth else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "too deep"))
        }
        if let container = try? decoder.container(keyedBy: Key.self) {
            var object: [String: JSONValue] = [:]
            for key in container.allKeys {
                object[EventStorage.text(key.stringValue)] = try container.decode(JSONValue.self, forKey: key)
            }
            self = .object(object)
        } else if var container = try? decoder.unkeyedContainer() {
            var array: [JSONValue] = []
            while !container.isAtEnd { array.append(try container.decode(JSONValue.self)) }
            self = .array(array)
        } else {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() { self = .null }
            else if let value = try? container.decode(Bool.self) { self = .bool(value) }
            else if let value = try? container.decode(Int64.self) { self = .integer(value) }
            else if let value = try? container.decode(Double.self), value.isFinite { self = .number(value) }
            else { self = .string(EventStorage.text(try container.decode(String.self))) }
        }
    }

    func encode(to encoder: any Encoder) throws {
        switch self {
        case .null:
            var container = encoder.singleValueContainer()
            try container.encodeNil()
        case .bool(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .integer(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .number(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .string(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .array(let values):
            var container = encoder.unkeyedContainer()
            for value in values { try container.encode(value) }
        case .object(let values):
            var container = encoder.container(keyedBy: Key.self)
            for (key, value) in values { try container.encode(value, forKey: Key(stringValue: key)) }
        }
    }
}
