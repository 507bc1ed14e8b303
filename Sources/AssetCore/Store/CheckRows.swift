import GRDB

/// The SQL of 清查核对: the check, the media it expects (fixed at its start, so a medium registered
/// or moved later does not change what was asked), and its sightings (one per medium: the first
/// sighting wins, so a medium plugged in twice keeps the time it was first seen).
enum CheckRows {
    static let checkColumns = """
        c.id, c.scope, c.scope_value, c.checker, c.started_at, c.actor_uid, c.actor_name, c.state, c.ended_at, c.ended_by,
        c.note, (SELECT COUNT(*) FROM check_expected e WHERE e.check_id = c.id),
        (SELECT COUNT(*) FROM check_expected e JOIN check_sighting s ON s.check_id = e.check_id AND s.number = e.number
         WHERE e.check_id = c.id)
        """

    static func check(_ row: Row) throws -> MediaCheck {
        let kind: String = row[1] ?? ""
        guard let scope = CheckScope(kind: kind, value: row[2]) else { throw Rows.corrupt("media_check.scope", kind) }
        var check = MediaCheck(id: row[0], scope: scope, checker: row[3],
                               startedAt: try Rows.timestamp(row, 4, "media_check.started_at"),
                               actor: Actor(uid: UInt32(truncatingIfNeeded: row[5] as Int64), name: row[6]),
                               state: try Rows.decode(CheckState.self, row, 7, "media_check.state"),
                               expected: row[11], seen: row[12])
        if row[8] as String? != nil { check.endedAt = try Rows.timestamp(row, 8, "media_check.ended_at") }
        check.endedBy = row[9]
        check.note = row[10]
        return check
    }

    static func open(_ db: Database) throws -> MediaCheck? {
        try Row.fetchOne(db, sql: "SELECT \(checkColumns) FROM media_check c WHERE c.state = 'open'").map(check)
    }

    static func check(_ db: Database, id: Int64) throws -> MediaCheck? {
        try Row.fetchOne(db, sql: "SELECT \(checkColumns) FROM media_check c WHERE c.id = ?", arguments: [id]).map(check)
    }

    /// Every check, oldest first.
    static func all(_ db: Database) throws -> [MediaCheck] {
        try Row.fetchAll(db, sql: "SELECT \(checkColumns) FROM media_check c ORDER BY c.id").map(check)
    }

    /// Opens a check and fixes the media it expects; returns its id.
    static func insert(_ db: Database, _ opening: CheckOpening, checker: String, at: Timestamp, actor: Actor) throws -> Int64 {
        try db.execute(sql: """
            INSERT INTO media_check (scope, scope_value, checker, started_at, actor_uid, actor_name, state, note)
            VALUES (?, ?, ?, ?, ?, ?, 'open', ?)
            """, arguments: [opening.scope.kind, opening.scope.value, checker, at.description, Int64(actor.uid), actor.name,
                             opening.note.cleaned])
        let id = db.lastInsertedRowID
        let expected = MediumState.allCases.filter(CheckScope.expects).map { "'\($0.rawValue)'" }.joined(separator: ", ")
        var sql = """
            INSERT INTO check_expected (check_id, number, holder, department, state)
            SELECT ?, number, holder, department, state FROM medium WHERE state IN (\(expected))
            """
        var arguments: StatementArguments = [id]
        switch opening.scope {
        case .all: break
        case .department(let name): sql += " AND department = ?"; arguments += [name]
        case .holder(let person): sql += " AND holder = ?"; arguments += [person]
        }
        try db.execute(sql: sql, arguments: arguments)
        return id
    }

    /// Records a sighting unless the medium was seen before in this check. True when it is new.
    static func see(_ db: Database, check: Int64, number: String, at: Timestamp, how: SightingMethod,
                    decision: Decision? = nil, eventID: Int64? = nil, by actor: String) throws -> Bool {
        try db.execute(sql: """
            INSERT OR IGNORE INTO check_sighting (check_id, number, at, how, decision, event_id, actor_name)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, arguments: [check, number, at.description, how.rawValue, decision?.rawValue, eventID, actor])
        return db.changesCount > 0
    }

    /// The guard's sighting of a registered medium, for the open check if there is one: one
    /// statement, inside the transaction that records the event, so the sighting and the event it
    /// names are stored together or not at all.
    static func seePlugged(_ db: Database, number: String, at: Timestamp, decision: Decision?, eventID: Int64) throws {
        try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO check_sighting (check_id, number, at, how, decision, event_id, actor_name)
            SELECT id, ?, ?, 'plugged', ?, ?, ? FROM media_check WHERE state = 'open'
            """).execute(arguments: [number, at.description, decision?.rawValue, eventID, GuardRecorder.daemon.name])
    }

    /// The check's media by number: every expected one (seen or not), then every medium seen that
    /// the check did not expect. `expected` tells the two apart.
    static func lines(_ db: Database, check: Int64, _ body: (CheckLine, _ expected: Bool) throws -> Void) throws {
        let sighting = "s.at, s.how, s.decision, s.event_id, s.actor_name"
        let expected = try Row.fetchCursor(db, sql: """
            SELECT e.number, e.holder, e.department, e.state, \(sighting) FROM check_expected e
            LEFT JOIN check_sighting s ON s.check_id = e.check_id AND s.number = e.number
            WHERE e.check_id = ? ORDER BY e.number
            """, arguments: [check])
        while let row = try expected.next() { try body(try line(row), true) }
        let outside = try Row.fetchCursor(db, sql: """
            SELECT s.number, m.holder, m.department, m.state, \(sighting) FROM check_sighting s
            JOIN medium m ON m.number = s.number
            WHERE s.check_id = ?1 AND s.number NOT IN (SELECT number FROM check_expected WHERE check_id = ?1)
            ORDER BY s.number
            """, arguments: [check])
        while let row = try outside.next() { try body(try line(row), false) }
    }

    private static func line(_ row: Row) throws -> CheckLine {
        var line = CheckLine(number: row[0], holder: row[1], department: row[2],
                             state: try Rows.decode(MediumState.self, row, 3, "check_expected.state"))
        if row[4] as String? != nil {
            line.seenAt = try Rows.timestamp(row, 4, "check_sighting.at")
            line.how = try Rows.optional(SightingMethod.self, row, 5, "check_sighting.how")
            line.decision = try Rows.optional(Decision.self, row, 6, "check_sighting.decision")
            line.eventID = row[7]
            line.seenBy = row[8]
        }
        return line
    }

    /// Media seen in the check that the ledger now records as lost or destroyed, by number.
    static func seenForbidden(_ db: Database, check: Int64) throws -> [(number: String, state: MediumState)] {
        let states = MediumState.allCases.filter(CheckScope.forbidsSighting).map { "'\($0.rawValue)'" }.joined(separator: ", ")
        return try Row.fetchAll(db, sql: """
            SELECT s.number, m.state FROM check_sighting s JOIN medium m ON m.number = s.number
            WHERE s.check_id = ? AND m.state IN (\(states)) ORDER BY s.number
            """, arguments: [check]).map { ($0[0], try Rows.decode(MediumState.self, $0, 1, "medium.state")) }
    }

    static func close(_ db: Database, check: Int64, state: CheckState, at: Timestamp, by actor: String, note: String?) throws {
        try db.execute(sql: """
            UPDATE media_check SET state = ?, ended_at = ?, ended_by = ?, note = COALESCE(?, note) WHERE id = ?
            """, arguments: [state.rawValue, at.description, actor, note, check])
    }
}

extension LedgerReportSource {
    func mediaCheck(id: Int64) throws -> MediaCheck? { try CheckRows.check(db, id: id) }

    func checkLines(_ id: Int64, _ body: (CheckLine, _ expected: Bool) throws -> Void) throws {
        try CheckRows.lines(db, check: id, body)
    }
}
