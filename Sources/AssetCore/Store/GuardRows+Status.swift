import GRDB

/// The life of a stored violation after it was found: listed while open, then acknowledged (by an
/// officer, or by the service when what it reported has ended).
extension GuardRows {
    /// Open violations of one type about one medium, oldest first.
    static func openViolations(_ db: Database, type: ViolationType, mediumNumber: String) throws -> [ViolationRecord] {
        try Row.fetchAll(db, sql: """
            SELECT \(violationColumns) FROM violation WHERE status = 'open' AND type = ? AND medium_number = ? ORDER BY id
            """, arguments: [type.rawValue, mediumNumber]).map(violation)
    }

    static func acknowledge(_ db: Database, id: Int64, by actor: String, at: Timestamp, note: String) throws {
        try db.execute(sql: """
            UPDATE violation SET status = 'acknowledged', acknowledged_by = ?, acknowledged_at = ?, note = ? WHERE id = ?
            """, arguments: [actor, at.description, note, id])
    }
}
