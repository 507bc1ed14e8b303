import Crypto
import Foundation

/// One part of a snapshot signed in parts. mediad refuses a control request over 32 MiB
/// (`ControlProtocol.maxRequestBytes`), so a unit ledger whose snapshot is larger (roughly 40,000
/// media and up) is signed as parts, each a payload of its own well under that limit, which the
/// courier hands over in as many calls as it takes. mediad stages them and applies the whole
/// snapshot in one transaction only once the last part is in (`SnapshotAssembly`).
///
/// Every part names the unit, the version the whole snapshot is of, its place (`part` of `parts`)
/// and `previous`, the SHA-256 of the previous part's signed body: each part is thereby bound to
/// exactly the parts the hub signed before it, so parts of two snapshots (even two of the same
/// version) cannot be mixed, and a part repeated, left out or moved is seen where it comes.
public struct SnapshotPart: Sendable, Hashable, Codable {
    public var unit: String
    /// The unit ledger version the whole snapshot is of.
    public var version: Int64
    public var at: Timestamp
    /// This part's place, from 1 to `parts`.
    public var part: Int
    public var parts: Int
    /// `SnapshotPart.digest` of the body of part `part - 1`; nil for the first part.
    public var previous: String?
    public var rows: [LedgerRowChange]

    public init(unit: String, version: Int64, at: Timestamp, part: Int, parts: Int, previous: String?, rows: [LedgerRowChange]) {
        self.unit = unit
        self.version = version
        self.at = at
        self.part = part
        self.parts = parts
        self.previous = previous
        self.rows = rows
    }

    /// A part without its rows: what mediad reads of a part while staging it, so that a staged part
    /// costs its bytes and not its decoded rows (JSON ignores the `rows` member here).
    public struct Header: Sendable, Hashable, Codable {
        public var unit: String
        public var version: Int64
        public var at: Timestamp
        public var part: Int
        public var parts: Int
        public var previous: String?
    }

    /// The digest that binds the next part to this one: SHA-256 of the signed body bytes, in hex.
    public static func digest(_ body: Data) -> String {
        SHA256.hash(data: body).map { String(format: "%02x", $0) }.joined()
    }
}

/// How the hub signs a snapshot: whole when it is small, in parts when it is not.
public enum SnapshotParts {
    /// The body of one part at most, by default. A body crosses the control socket as base64 inside
    /// JSON (a third more, and "/" escaped), so 8 MiB makes about 11 MiB of request: two parts fit
    /// in one 32 MiB request and a lone part is nowhere near the limit.
    public static let defaultPartBytes = 8 << 20
    /// The range a part's bound may be set in. Below a few KiB a unit ledger would make thousands of
    /// parts; above 16 MiB a part with its base64 and escapes comes near the socket's limit.
    public static let partBytesRange = 4096...(16 << 20)
    /// Parts in one snapshot at most, so that a count in a part cannot ask mediad to wait for more
    /// than any real snapshot has.
    public static let maxParts = 100_000

    /// `snapshot` (rows of every replicated table, `from` 0) signed with `key`: one `.snapshot`
    /// payload when its body fits in `partBytes` — what every computer has always accepted — and
    /// otherwise `.snapshotPart` payloads, each body at most `partBytes` (a single row larger than
    /// that, which no ledger row comes near, would go alone in a part of its own).
    public static func sign(_ snapshot: ChangeSet, partBytes: Int, with key: SigningKey) throws(UnitError) -> [SignedPayload] {
        let bound = min(max(partBytes, partBytesRange.lowerBound), partBytesRange.upperBound)
        let encoder = UnitCoding.encoder
        var sizes: [Int] = []
        sizes.reserveCapacity(snapshot.rows.count)
        do {
            for row in snapshot.rows { sizes.append(try encoder.encode(row).count) }
        } catch { throw UnitError.malformed("cannot encode a snapshot row: \(error)") }
        let whole = try encodedCount(ChangeSet(unit: snapshot.unit, from: snapshot.from, to: snapshot.to, at: snapshot.at, rows: []))
        if whole + rowsBytes(sizes[...]) <= bound {
            return [try SignedPayload.sign(snapshot, kind: .snapshot, with: key)]
        }
        // The largest header a part can have: a digest in `previous`, numbers of many digits.
        let header = try encodedCount(SnapshotPart(unit: snapshot.unit, version: snapshot.to, at: snapshot.at, part: maxParts,
                                                   parts: maxParts, previous: String(repeating: "0", count: 64), rows: []))
        let ranges = pack(sizes, into: bound - header)
        guard ranges.count <= maxParts else {
            throw UnitError.malformed("the snapshot would take \(ranges.count) parts, more than \(maxParts)")
        }
        var payloads: [SignedPayload] = []
        var previous: String?
        for (index, range) in ranges.enumerated() {
            let part = SnapshotPart(unit: snapshot.unit, version: snapshot.to, at: snapshot.at, part: index + 1,
                                    parts: ranges.count, previous: previous, rows: Array(snapshot.rows[range]))
            let payload = try SignedPayload.sign(part, kind: .snapshotPart, with: key)
            previous = SnapshotPart.digest(payload.body)
            payloads.append(payload)
        }
        return payloads
    }

    /// Consecutive runs of rows whose `[…]` array takes at most `room` bytes; a row larger than
    /// `room` makes a run of its own. Never an empty run, so a snapshot of no rows fits whole.
    static func pack(_ sizes: [Int], into room: Int) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0
        var used = 2 // "[]"
        for (index, size) in sizes.enumerated() {
            let added = size + (index > start ? 1 : 0) // a comma before every row but the first
            if index > start, used + added > room {
                ranges.append(start..<index)
                start = index
                used = 2 + size
            } else {
                used += added
            }
        }
        if start < sizes.count { ranges.append(start..<sizes.count) }
        return ranges
    }

    /// The bytes `sizes` take as a JSON array: brackets, the rows, a comma between two.
    private static func rowsBytes(_ sizes: ArraySlice<Int>) -> Int {
        2 + sizes.reduce(0, +) + max(sizes.count - 1, 0)
    }

    /// The encoded size of `value` with empty `rows` ("[]"), less those two bytes.
    private static func encodedCount<T: Encodable>(_ value: T) throws(UnitError) -> Int {
        do { return try UnitCoding.encoder.encode(value).count - 2 } catch {
            throw UnitError.malformed("cannot encode a snapshot: \(error)")
        }
    }
}
