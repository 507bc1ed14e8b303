import GRDB
import GRDBSQLite

/// One row of a streamed listing, read column by column straight from SQLite: no `Row` value, no
/// column lookup by name, no `String`. Valid until the cursor steps on; `RowBatch` copies what
/// the listing needs.
struct RawRow {
    let statement: SQLiteStatement

    /// The column's value. It is SQLite's "unprotected" value: safe here because a connection is
    /// only ever used by one thread at a time (GRDB serializes it, and opens it NOMUTEX). Reading
    /// type, text and length from the value costs one API call per cell instead of three.
    @inline(__always)
    private func value(_ column: Int32) -> OpaquePointer? {
        sqlite3_column_value(statement, column)
    }

    /// Without converting the value to text (which an integer column would need).
    @inline(__always)
    func isNull(_ column: Int32) -> Bool {
        sqlite3_value_type(value(column)) == SQLITE_NULL
    }

    /// The column's bytes, or nil for NULL. GRDB's `String` would stop at a NUL; the cell writers
    /// do too (`CellText.untilNUL`), in the pass they make over the bytes anyway.
    @inline(__always)
    func optionalText(_ column: Int32) -> CellText.Bytes? {
        let value = value(column)
        guard let start = sqlite3_value_text(value) else { return nil }
        return CellText.Bytes(start: start, count: Int(sqlite3_value_bytes(value)))
    }

    /// The column's bytes, empty for NULL.
    @inline(__always)
    func text(_ column: Int32) -> CellText.Bytes {
        optionalText(column) ?? CellText.Bytes(start: nil, count: 0)
    }

    @inline(__always)
    func int64(_ column: Int32) -> Int64 {
        sqlite3_column_int64(statement, column)
    }
}

extension Ledger {
    /// The filter of a media listing, shared by `media(_:filter:)` and the streamed listings.
    /// Unordered, the rows come in storage order: a table's measuring pass needs no order, and
    /// walking the table is cheaper than walking the number index and looking each row up.
    static func mediaListing(columns: String, filter: MediaFilter, ordered: Bool = true) -> (sql: String, arguments: StatementArguments) {
        var clauses: [String] = []
        var arguments: StatementArguments = []
        if let level = filter.level { clauses.append("level = ?"); arguments += [level.rawValue] }
        if let state = filter.state { clauses.append("state = ?"); arguments += [state.rawValue] }
        if let holder = filter.holder { clauses.append("holder = ?"); arguments += [holder] }
        if let kind = filter.kind { clauses.append("kind = ?"); arguments += [kind.rawValue] }
        let whereClause = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        return ("SELECT \(columns) FROM medium \(whereClause)" + (ordered ? " ORDER BY number" : ""), arguments)
    }
}

extension GuardRows {
    /// The filter of a violations listing, shared by `violations(_:filter:)` and the streamed
    /// listings. Rows come in id order, newest last. Unordered (a table's measuring pass, an
    /// aggregate), they are read in storage order as the ordered listing reads them: left to
    /// itself, SQLite would search the `at` index for an aggregate and look every row up from it,
    /// twice the time of the scan.
    static func violationsListing(columns: String, filter: ViolationFilter, ordered: Bool = true) -> (sql: String, arguments: StatementArguments) {
        var sql = "SELECT \(columns) FROM violation WHERE \(ordered ? "" : "+")at >= ?"
        var arguments: StatementArguments = [(filter.since ?? Timestamp(secondsSinceEpoch: 0)).description]
        if let state = filter.openOnly ? .open : filter.state { sql += " AND status = ?"; arguments += [state.rawValue] }
        if let computer = filter.computer { sql += " AND computer = ?"; arguments += [computer] }
        if let department = filter.department {
            // The person held to it, or the holder of the computer it was found on.
            sql += """
                 AND (person IN (SELECT id FROM person WHERE department = ?)
                      OR computer IN (SELECT c.asset_number FROM computer c JOIN person p ON p.id = c.holder WHERE p.department = ?))
                """
            arguments += [department, department]
        }
        return (sql + (ordered ? " ORDER BY id" : ""), arguments)
    }
}
