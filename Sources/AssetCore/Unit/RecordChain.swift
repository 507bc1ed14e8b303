import Crypto
import Foundation

/// Every record mediad writes (a device event, a violation) takes the next number of this computer's
/// sequence and the hash of the record before it, at the moment it is written. The hub, given the
/// records in order, finds a number missing (a row deleted) or a hash that no longer follows from the
/// content (a row edited): neither side can quietly lose or change the tail.
public enum RecordChain {
    /// The hash before the first record.
    public static let genesis = String(repeating: "0", count: 64)

    /// The tables whose rows are chained, with the columns a record is judged by: those fixed when it
    /// is written. A violation's status and handling change later, at the hub, and are not part of it.
    public static let chainedColumns: [String: [String]] = [
        "device_event": ["id", "at", "kind", "computer", "syspath", "port", "vendor_id", "product_id", "serial",
                         "device", "decision", "audited", "medium_number", "holder", "stores", "observation", "note"],
        "violation": ["id", "event_id", "at", "type", "severity", "computer", "medium_number", "person", "serial",
                      "device", "outcome", "reason_zh", "reason_en"],
    ]

    /// SHA-256 over the previous hash, the table and the record's content, in lowercase hex.
    /// Run for every record mediad writes and for every record the hub receives, so the digits come
    /// from a table (a `String(format:)` per byte cost 30–80 µs a record, the hash itself 2).
    public static func hash(previous: String, table: String, content: String) -> String {
        var hasher = SHA256()
        hasher.update(data: Data(previous.utf8))
        hasher.update(data: newline)
        hasher.update(data: Data(table.utf8))
        hasher.update(data: newline)
        hasher.update(data: Data(content.utf8))
        return hex(hasher.finalize())
    }

    private static let newline = Data([0x0A])
    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Lowercase hex of `bytes`, two digits a byte.
    private static func hex<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> String {
        var digits: [UInt8] = []
        digits.reserveCapacity(64)
        for byte in bytes {
            digits.append(hexDigits[Int(byte >> 4)])
            digits.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: digits, as: UTF8.self)
    }
}

/// One record as it leaves the computer: its place in the chain and its content as written.
public struct ChainedRecord: Sendable, Hashable, Codable {
    public var seq: Int64
    public var table: String
    /// The row's id in the computer's own table.
    public var localID: Int64
    public var at: Timestamp
    /// The chained columns as one JSON object (SQLite's `json_object`, in `chainedColumns` order).
    public var content: String
    public var previous: String
    public var hash: String

    public init(seq: Int64, table: String, localID: Int64, at: Timestamp, content: String, previous: String, hash: String) {
        self.seq = seq
        self.table = table
        self.localID = localID
        self.at = at
        self.content = content
        self.previous = previous
        self.hash = hash
    }

    /// Whether the stored hash still follows from the content and the previous hash.
    public var isIntact: Bool { RecordChain.hash(previous: previous, table: table, content: content) == hash }
}

/// Records in sequence order, signed by the computer's key. `head` is the computer's newest sequence
/// number, so the hub knows how many it is still owed; `ledgerVersion` the unit ledger it holds.
public struct EventBatch: Sendable, Hashable, Codable {
    public var unit: String
    public var computer: String
    public var sentAt: Timestamp
    public var head: Int64
    public var ledgerVersion: Int64
    public var records: [ChainedRecord]

    public init(unit: String, computer: String, sentAt: Timestamp, head: Int64, ledgerVersion: Int64, records: [ChainedRecord]) {
        self.unit = unit
        self.computer = computer
        self.sentAt = sentAt
        self.head = head
        self.ledgerVersion = ledgerVersion
        self.records = records
    }
}

/// The hub's word that it holds a computer's records up to `seq` (whose hash is `hash`), signed by
/// the unit key. The computer keeps the newest; records after it are still owed.
public struct Receipt: Sendable, Hashable, Codable {
    public var unit: String
    public var computer: String
    public var seq: Int64
    public var hash: String
    public var at: Timestamp

    public init(unit: String, computer: String, seq: Int64, hash: String, at: Timestamp) {
        self.unit = unit
        self.computer = computer
        self.seq = seq
        self.hash = hash
        self.at = at
    }
}
