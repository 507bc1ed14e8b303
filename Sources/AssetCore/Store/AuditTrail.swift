import Crypto
import GRDB

/// One change to the ledger, as the admin trail records it: who, when, what, old → new.
public struct TrailEntry: Sendable, Hashable, Codable {
    public var id: Int64?
    public var at: Timestamp
    public var actor: Actor
    /// The command that made the change (`register`, `update`, `loan`, `person-add` …).
    public var action: String
    /// `medium`, `person` or `computer`.
    public var entity: String
    public var entityKey: String
    /// The field changed, or nil when the entry describes a whole record.
    public var field: String?
    public var oldValue: String?
    public var newValue: String?

    public init(at: Timestamp, actor: Actor, action: String, entity: String, entityKey: String,
                field: String? = nil, oldValue: String? = nil, newValue: String? = nil) {
        self.at = at
        self.actor = actor
        self.action = action
        self.entity = entity
        self.entityKey = entityKey
        self.field = field
        self.oldValue = oldValue
        self.newValue = newValue
    }
}

/// What `audit verify` found: how many rows it read and every row that does not hold.
public struct TrailVerification: Sendable, Hashable, Codable {
    public struct Problem: Sendable, Hashable, Codable {
        public enum Kind: String, Sendable, Codable {
            /// The row's content no longer matches the hash it was written with.
            case altered
            /// Rows with these ids were removed.
            case missing
            /// The row's link to its predecessor is broken (a predecessor was replaced).
            case relinked
        }
        public var kind: Kind
        public var rowID: Int64
        public var message: Bilingual
    }

    public var rowCount: Int
    public var problems: [Problem]
    /// The guard's own records (device events, violations), checked by the same command; nil where
    /// a ledger keeps none (the hub's working copy: the computers' records are in PostgreSQL).
    public var records: RecordVerification?
    /// The admin trail and the guard's records both unbroken.
    public var intact: Bool { problems.isEmpty && records?.intact != false }
}

/// The admin trail: append-only, each row carrying SHA-256 of its predecessor's hash and its own
/// canonical content, so that changing or deleting a row behind the store's back is detectable.
enum AuditTrail {
    static let genesis = String(repeating: "0", count: 64)

    static func append(_ db: Database, _ entry: TrailEntry) throws {
        let previous = try String.fetchOne(db.cachedStatement(sql: "SELECT hash FROM trail ORDER BY id DESC LIMIT 1")) ?? genesis
        // The id is part of the hashed content, so it is chosen here, inside the write transaction.
        let lastID = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'trail'") ?? 0
        let id = max(lastID, try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM trail") ?? 0) + 1
        var row = entry
        row.id = id
        let hash = Self.hash(of: row, previous: previous)
        try db.execute(sql: """
            INSERT INTO trail (id, at, actor_uid, actor_name, action, entity, entity_key, field, old_value,
                new_value, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [id, row.at.description, Int64(row.actor.uid), row.actor.name, row.action, row.entity,
                             row.entityKey, row.field, row.oldValue, row.newValue, previous, hash])
    }

    static func entries(_ db: Database, entity: String? = nil, key: String? = nil) throws -> [TrailEntry] {
        var sql = "SELECT * FROM trail"
        var arguments: StatementArguments = []
        if let entity, let key {
            sql += " WHERE entity = ? AND entity_key = ?"
            arguments = [entity, key]
        }
        return try Row.fetchAll(db, sql: sql + " ORDER BY id", arguments: arguments).map(entry)
    }

    static func verify(_ db: Database) throws -> TrailVerification {
        var problems: [TrailVerification.Problem] = []
        var expectedPrevious = genesis
        var expectedID: Int64 = 1
        var count = 0
        let cursor = try Row.fetchCursor(db, sql: "SELECT * FROM trail ORDER BY id")
        while let row = try cursor.next() {
            count += 1
            let id: Int64 = row["id"]
            let storedPrevious: String = row["prev_hash"]
            let storedHash: String = row["hash"]
            if id > expectedID {
                problems.append(missing(from: expectedID, to: id - 1))
            } else if storedPrevious != expectedPrevious {
                problems.append(.init(kind: .relinked, rowID: id, message: Bilingual(
                    zh: "第 \(id) 行与前一行的哈希链接不符（前一行被替换）",
                    en: "row \(id): its link to the previous row does not match (the previous row was replaced)")))
            }
            let recomputed = (try? entry(row)).map { hash(of: $0, previous: storedPrevious) }
            if recomputed != storedHash {
                problems.append(.init(kind: .altered, rowID: id, message: Bilingual(
                    zh: "第 \(id) 行内容已被篡改（哈希不符）",
                    en: "row \(id): its content was altered after it was written (hash mismatch)")))
            }
            expectedPrevious = storedHash
            expectedID = id + 1
        }
        // AUTOINCREMENT remembers the highest id ever given: rows cut from the end show up here.
        let highest = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'trail'") ?? 0
        if highest >= expectedID {
            problems.append(missing(from: expectedID, to: highest))
        }
        return TrailVerification(rowCount: count, problems: problems)
    }

    private static func missing(from first: Int64, to last: Int64) -> TrailVerification.Problem {
        let range = first == last ? "\(first)" : "\(first)–\(last)"
        return .init(kind: .missing, rowID: first, message: Bilingual(
            zh: "第 \(range) 行已被删除", en: "row \(range) was deleted"))
    }

    static func entry(_ row: Row) throws -> TrailEntry {
        var entry = TrailEntry(at: try Rows.timestamp(row, "at"),
                               actor: Actor(uid: UInt32(truncatingIfNeeded: row["actor_uid"] as Int64), name: row["actor_name"]),
                               action: row["action"], entity: row["entity"], entityKey: row["entity_key"],
                               field: row["field"], oldValue: row["old_value"], newValue: row["new_value"])
        entry.id = row["id"]
        return entry
    }

    /// SHA-256 over the previous hash and the row's fields, each length-prefixed so that no two
    /// different rows can share a canonical form.
    static func hash(of entry: TrailEntry, previous: String) -> String {
        let fields: [String?] = [previous, entry.id.map(String.init), entry.at.description, String(entry.actor.uid),
                                 entry.actor.name, entry.action, entry.entity, entry.entityKey, entry.field,
                                 entry.oldValue, entry.newValue]
        var canonical: [UInt8] = []
        for field in fields {
            if let field {
                let bytes = Array(field.utf8)
                canonical += Array("\(bytes.count):".utf8) + bytes
            } else {
                canonical += Array("-".utf8)
            }
            canonical.append(0x1F)
        }
        let digest = SHA256.hash(data: canonical)
        let hex = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in digest {
            out.append(hex[Int(byte >> 4)])
            out.append(hex[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
