import GRDB

/// The chain of guard records in SQLite: each insert of an event or a violation takes the next
/// sequence number and the hash that follows from the record's content, in the same transaction as
/// the row itself. The content is the chained columns as `json_object` makes them, so the outbox can
/// compute it again from the row as it is now: a row edited since reads differently and no longer
/// hashes to its stored hash.
enum RecordChainRows {
    /// `json_object('id', id, 'at', at, …)` over a table's chained columns.
    static func contentExpression(_ table: String) -> String {
        let columns = RecordChain.chainedColumns[table] ?? []
        return "json_object(" + columns.map { "'\($0)', \($0)" }.joined(separator: ", ") + ")"
    }

    static let contentSQL: [String: String] = Dictionary(uniqueKeysWithValues: RecordChain.chainedColumns.keys.map { table in
        (table, "SELECT \(contentExpression(table)) FROM \(table) WHERE id = ?")
    })

    /// Chains the row `id` of `table` just inserted.
    static func chain(_ db: Database, table: String, id: Int64) throws {
        guard let sql = contentSQL[table],
              let content = try String.fetchOne(db.cachedStatement(sql: sql), arguments: [id]),
              let head = try Row.fetchOne(db.cachedStatement(sql: "SELECT seq, hash FROM record_head WHERE id = 1")) else { return }
        let previous: String = head[1]
        let seq: Int64 = head[0] + 1
        let hash = RecordChain.hash(previous: previous, table: table, content: content)
        try db.cachedStatement(sql: "UPDATE record_head SET seq = ?, hash = ? WHERE id = 1").execute(arguments: [seq, hash])
        try db.cachedStatement(sql: "UPDATE \(table) SET chain_seq = ?, chain_prev = ?, chain_hash = ? WHERE id = ?")
            .execute(arguments: [seq, previous, hash, id])
    }

    /// This computer's newest sequence number.
    static func head(_ db: Database) throws -> ChainState {
        guard let row = try Row.fetchOne(db, sql: "SELECT seq, hash FROM record_head WHERE id = 1") else { return .empty }
        return ChainState(seq: row[0], hash: row[1])
    }

    /// Records after `seq`, in order, at most `limit`: content computed from each row as it is now.
    static func records(_ db: Database, after seq: Int64, limit: Int) throws -> [ChainedRecord] {
        let select = { (table: String) in
            "SELECT chain_seq, '\(table)', id, at, \(contentExpression(table)), chain_prev, chain_hash FROM \(table) WHERE chain_seq > ?"
        }
        let rows = try Row.fetchAll(db, sql: """
            SELECT * FROM (\(select("device_event")) UNION ALL \(select("violation"))) ORDER BY 1 LIMIT ?
            """, arguments: [seq, seq, limit])
        return try rows.map { row in
            ChainedRecord(seq: row[0], table: row[1], localID: row[2], at: try Rows.timestamp(row, 3, "at"),
                          content: row[4], previous: row[5], hash: row[6])
        }
    }

    /// The stored hash of record `seq`, nil when no row holds it (deleted, or never written).
    static func hash(_ db: Database, seq: Int64) throws -> String? {
        try String.fetchOne(db, sql: """
            SELECT chain_hash FROM device_event WHERE chain_seq = ? UNION ALL SELECT chain_hash FROM violation WHERE chain_seq = ?
            """, arguments: [seq, seq])
    }
}
