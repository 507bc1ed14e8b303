import Foundation
import GRDB

/// What a computer's guard learnt about the unit's media, taken into the unit ledger at the hub with
/// the rules a single computer applies to itself: a capacity only where none is recorded (trust on
/// first use), a level only ever raised (004 §3.3), a medium plugged in during the unit's open check
/// seen by that check. The hub decides; the change then reaches every computer as a change set.
public enum UnitLearning {
    /// The kinds of record that always teach the unit something.
    static let teaching: [GuardEventKind] = [.capacityLearnt, .levelRaised]
    /// The kinds that do only while a check of the unit's media is open.
    static let sighting: [GuardEventKind] = [.attach, .recheck]

    /// Takes the records the hub has just accepted from `computer`, in order. Most records teach
    /// nothing (a device decided, a link judged): which might is told from the content's text, and
    /// only those are decoded — a burst of 10,000 records must not wait on 10,000 JSON decodes.
    /// Whether a check is open is asked once for the whole batch.
    public static func take(_ db: Database, _ records: [ChainedRecord], computer: String) throws {
        var filter: KindFilter?
        for record in records where record.table == "device_event" {
            if filter == nil {
                let open = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM media_check WHERE state = 'open')") ?? false
                filter = KindFilter(open ? teaching + sighting : teaching)
            }
            guard let filter, filter.mayName(in: record.content) else { continue }
            try take(db, record, computer: computer, only: filter.kinds)
        }
    }

    /// Takes one record the hub has just accepted from `computer` (anything else is left alone).
    public static func take(_ db: Database, _ record: ChainedRecord, computer: String) throws {
        try take(db, [record], computer: computer)
    }

    /// Takes `record` when its kind is one of `kinds`.
    private static func take(_ db: Database, _ record: ChainedRecord, computer: String, only kinds: [GuardEventKind]) throws {
        guard record.table == "device_event", let fields = try? LedgerCapture.decode(record.content) else { return }
        func text(_ key: String) -> String? { if case .text(let value)? = fields[key] { value } else { nil } }
        guard let kind = text("kind").flatMap(GuardEventKind.init(rawValue:)), kinds.contains(kind), let number = text("medium_number"),
              var medium = try Ledger.medium(db, number: number) else { return }
        let actor = Actor(uid: 0, name: "mediad@\(computer)")
        let at = text("at").flatMap(Timestamp.init(parsing:)) ?? record.at
        let value = text("note").flatMap { $0.split(separator: "=", maxSplits: 1).last.map(String.init) }
        switch kind {
        case .attach, .recheck:
            let decision = text("decision").flatMap(Decision.init(rawValue:))
            try db.execute(sql: """
                INSERT OR IGNORE INTO check_sighting (check_id, number, at, how, decision, event_id, actor_name)
                SELECT id, ?, ?, 'plugged', ?, NULL, ? FROM media_check WHERE state = 'open'
                """, arguments: [number, at.description, decision?.rawValue, actor.name])
        case .capacityLearnt:
            guard let bytes = value.flatMap(UInt64.init), var identity = medium.identity, identity.capacityBytes == nil else { return }
            identity.capacityBytes = bytes
            medium.identity = identity
            try Ledger.update(db, medium: medium)
            try AuditTrail.append(db, TrailEntry(at: at, actor: actor, action: "learn-capacity", entity: "medium", entityKey: number,
                                                 field: "capacity_bytes", oldValue: nil,
                                                 newValue: "\(bytes) (learnt on \(computer), record \(record.seq))"))
        case .levelRaised:
            guard let level = value.flatMap(Level.init(rawValue:)), medium.level < level,
                  let host = try Ledger.computer(db, assetNumber: computer) else { return }
            let before = medium.level
            medium.level = level
            try Ledger.update(db, medium: medium)
            var movement = Movement(number: number, kind: .reclassify, at: at, actor: actor)
            movement.fromLevel = before
            movement.toLevel = level
            movement.reason = "used on \(host.assetNumber) (\(host.level.name(.zh)) \(host.level.rawValue)), its record \(record.seq): "
                + "managed at that level from now on (004 §3.3)"
            try Ledger.insert(db, movement: movement)
            try AuditTrail.append(db, TrailEntry(at: at, actor: actor, action: "raise-level", entity: "medium", entityKey: number,
                                                 field: "level", oldValue: before.rawValue,
                                                 newValue: "\(level.rawValue) (used on \(computer), record \(record.seq))"))
        default:
            return
        }
    }
}

/// Which records may be of some kinds, told from the bytes of their JSON content without decoding it.
struct KindFilter {
    let kinds: [GuardEventKind]
    /// Each kind's name, the bytes between its quotes.
    private let names: [[UInt8]]

    init(_ kinds: [GuardEventKind]) {
        self.kinds = kinds
        names = kinds.map { Array($0.rawValue.utf8) }
    }

    /// Whether `content` may hold one of the kinds as a JSON string. A string decodes to such a name
    /// (letters and hyphens) only if it is written out as it is — `"attach"` — or with a `\u`
    /// escape; content with neither cannot name it. False only when sure: a record that does name
    /// one is decoded and judged as before, whatever a computer does to hide it.
    func mayName(in content: String) -> Bool {
        var content = content
        return content.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return false }
            let end = base + bytes.count
            // A `\u` anywhere: decode, whatever it spells.
            var cursor = base
            while cursor < end, let found = Self.find(UInt8(ascii: "\\"), from: cursor, to: end) {
                if found + 1 < end, found[1] == UInt8(ascii: "u") { return true }
                cursor = found + 2
            }
            // Every opening quote (memchr jumps between them), compared with each name and its closing quote.
            cursor = base
            while cursor < end, let quote = Self.find(UInt8(ascii: "\""), from: cursor, to: end) {
                let start = quote + 1
                for name in names where end - start > name.count && start[name.count] == UInt8(ascii: "\"")
                    && name.withUnsafeBytes({ $0.baseAddress.map { memcmp(start, $0, name.count) == 0 } ?? false }) {
                    return true
                }
                cursor = start
            }
            return false
        }
    }

    private static func find(_ byte: UInt8, from start: UnsafePointer<UInt8>, to end: UnsafePointer<UInt8>) -> UnsafePointer<UInt8>? {
        memchr(start, Int32(byte), end - start).map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) }
    }
}
