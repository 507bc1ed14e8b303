import Foundation
import GRDB

/// 保密检查 in the ledger: the facts an inspection reads (`facts`), and each run kept in the
/// `inspection` table (v9-inspections) with its items as JSON.
enum InspectionRows {
    /// Where the last inspection stopped reading the guard's events (`guard_state`): the gaps
    /// after it are new. By event id, not time: an inspection, a kill and a restart can share a second.
    static let horizonKey = "inspected-through-event"

    /// The ledger's half of an inspection, read in one transaction so the facts agree, and the
    /// newest event id read (stored with the run: the next inspection's horizon).
    static func facts(_ db: Database, now: Timestamp, live: LiveFacts?) throws -> (InspectionFacts, horizon: Int64) {
        let lastInspection = try optionalTime(db, "SELECT MAX(at) FROM inspection", "at")
        let after = try String.fetchOne(db, sql: "SELECT value FROM guard_state WHERE key = ?", arguments: [horizonKey])
            .flatMap { Int64($0) } ?? 0
        let horizon = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM device_event") ?? 0
        let gaps = try String.fetchAll(db, sql: "SELECT at FROM device_event WHERE kind = 'guard-gap' AND id > ? AND id <= ? ORDER BY id",
                                       arguments: [after, horizon])
            .map { raw in try parse(raw, "at") }
        let oldest = try Row.fetchOne(db, sql: "SELECT id, at FROM violation WHERE status = 'open' ORDER BY at, id LIMIT 1")
            .map { row in (id: row[0] as Int64, at: try Rows.timestamp(row, 1, "at")) }
        let loans = try Row.fetchAll(db, sql: """
            SELECT m.number, COALESCE(p.name || ' ' || p.id, m.borrower, m.holder), m.due_date FROM medium m
            LEFT JOIN person p ON p.id = COALESCE(m.borrower, m.holder)
            WHERE m.state IN ('loaned', 'carried-out') AND m.due_date IS NOT NULL
            """).map { row in OutstandingLoan(number: row[0], person: row[1], due: try Rows.day(row, 2, "due_date")!) }
        let held = try Row.fetchAll(db, sql: """
            SELECT m.number, p.name || ' ' || p.id, p.departed_on FROM medium m JOIN person p ON p.id IN (m.holder, m.borrower)
            WHERE p.departed_on IS NOT NULL AND p.departed_on <= ? AND m.state NOT IN ('destroyed', 'handed-back')
            """, arguments: [now.localDay.description])
            .map { row in HeldByDeparted(number: row[0], person: row[1], departedOn: try Rows.day(row, 2, "departed_on")!) }
        let lastCheck = try optionalTime(db, "SELECT MAX(ended_at) FROM media_check WHERE state = 'finished'", "ended_at")
        let newest = try optionalTime(db, """
            SELECT MAX(t) FROM (SELECT MAX(at) AS t FROM device_event UNION ALL SELECT MAX(at) FROM violation
              UNION ALL SELECT MAX(at) FROM trail UNION ALL SELECT MAX(at) FROM movement UNION ALL SELECT MAX(at) FROM inspection)
            """, "at")
        return (InspectionFacts(now: now, live: live, host: try Ledger.thisHost(db), trail: try AuditTrail.verify(db),
                                lastInspection: lastInspection, gapsSinceLastInspection: gaps, oldestOpenViolation: oldest,
                                loans: loans, heldByDeparted: held, lastFinishedCheck: lastCheck, newestRecord: newest),
                horizon)
    }

    /// Stores a run, and the event id its facts were read up to; returns it with its id.
    static func insert(_ db: Database, _ record: InspectionRecord, horizon: Int64) throws -> InspectionRecord {
        try db.execute(sql: """
            INSERT INTO guard_state (key, value) VALUES (?1, ?2)
            ON CONFLICT(key) DO UPDATE SET value = MAX(CAST(value AS INTEGER), ?2)
            """, arguments: [horizonKey, String(horizon)])
        try db.execute(sql: "INSERT INTO inspection (at, actor_uid, actor_name, result, items) VALUES (?, ?, ?, ?, ?)",
                       arguments: [record.at.description, record.actor.uid, record.actor.name, record.result.rawValue,
                                   try itemsJSON(record.items)])
        var stored = record
        stored.id = db.lastInsertedRowID
        return stored
    }

    /// Runs of the interval (all when nil), oldest first.
    static func list(_ db: Database, in interval: Interval?, _ body: (InspectionRecord) throws -> Void) throws {
        var sql = "SELECT id, at, actor_uid, actor_name, result, items FROM inspection"
        var arguments: StatementArguments = []
        if let interval {
            sql += " WHERE at >= ? AND at < ?"
            arguments = [interval.start.description, interval.end.description]
        }
        let cursor = try Row.fetchCursor(db, sql: sql + " ORDER BY at, id", arguments: arguments)
        while let row = try cursor.next() {
            let items: String = row[5]
            guard let decoded = try? JSONDecoder().decode([InspectionItem].self, from: Data(items.utf8)) else {
                throw Rows.corrupt("items", items)
            }
            try body(InspectionRecord(id: row[0], at: try Rows.timestamp(row, 1, "at"), actor: Actor(uid: row[2], name: row[3]),
                                      result: try Rows.decode(InspectionStatus.self, row, 4, "result"), items: decoded))
        }
    }

    static func itemsJSON(_ items: [InspectionItem]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(items), as: UTF8.self)
    }

    private static func optionalTime(_ db: Database, _ sql: String, _ column: String) throws -> Timestamp? {
        try String.fetchOne(db, sql: sql).map { try parse($0, column) }
    }

    private static func parse(_ raw: String, _ column: String) throws -> Timestamp {
        guard let value = Timestamp(parsing: raw) else { throw Rows.corrupt(column, raw) }
        return value
    }
}
