import Foundation
import GRDB

/// Notes every row a write changes, as the row is after it, so the hub can send the same rows to
/// PostgreSQL (and those computers need, as a change set) before the write commits. Temporary
/// triggers on the writer's connection, generated from the schema as migrated: a table added by a
/// later migration is captured without a change here.
public enum LedgerCapture {
    /// Tables that describe the working copy itself, not the unit's ledger.
    static let ignored: Set<String> = ["grdb_migrations", "sqlite_sequence", "hub_state"]

    static func install(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TEMP TABLE IF NOT EXISTS ledger_capture (seq INTEGER PRIMARY KEY, tbl TEXT NOT NULL, key TEXT NOT NULL, body TEXT)
            """)
        let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        for table in tables where !ignored.contains(table) {
            let columns = try db.columns(in: table)
            let names = columns.map(\.name)
            let primary = try db.primaryKey(table).columns
            func key(_ row: String) -> String {
                primary.isEmpty ? "\(row).rowid" : primary.map { "\(row).\"\($0)\"" }.joined(separator: " || char(31) || ")
            }
            let body = "json_object(" + names.map { "'\($0)', NEW.\"\($0)\"" }.joined(separator: ", ") + ")"
            try db.execute(sql: """
                CREATE TEMP TRIGGER IF NOT EXISTS "capture_\(table)_insert" AFTER INSERT ON main."\(table)" BEGIN
                    INSERT INTO ledger_capture (tbl, key, body) VALUES ('\(table)', \(key("NEW")), \(body));
                END;
                CREATE TEMP TRIGGER IF NOT EXISTS "capture_\(table)_update" AFTER UPDATE ON main."\(table)" BEGIN
                    INSERT INTO ledger_capture (tbl, key, body) SELECT '\(table)', \(key("OLD")), NULL WHERE \(key("OLD")) IS NOT \(key("NEW"));
                    INSERT INTO ledger_capture (tbl, key, body) VALUES ('\(table)', \(key("NEW")), \(body));
                END;
                CREATE TEMP TRIGGER IF NOT EXISTS "capture_\(table)_delete" AFTER DELETE ON main."\(table)" BEGIN
                    INSERT INTO ledger_capture (tbl, key, body) VALUES ('\(table)', \(key("OLD")), NULL);
                END;
                """)
        }
    }

    /// The rows changed since the last drain, each once as it is now (nil: deleted), in the order
    /// first changed; the notes are cleared.
    public static func drain(_ db: Database) throws -> [LedgerRowChange] {
        var order: [String] = []
        var latest: [String: LedgerRowChange] = [:]
        let rows = try Row.fetchAll(db, sql: "SELECT tbl, key, body FROM temp.ledger_capture ORDER BY seq")
        guard !rows.isEmpty else { return [] }
        for row in rows {
            let table: String = row[0], key: String = row[1]
            let id = table + "\u{1F}\u{1F}" + key
            if latest[id] == nil { order.append(id) }
            let body: String? = row[2]
            latest[id] = LedgerRowChange(table: table, key: key, row: try body.map(decode))
        }
        try db.execute(sql: "DELETE FROM temp.ledger_capture")
        return order.compactMap { latest[$0] }
    }

    /// Every row of `tables` as it is now, in table order then key order: a snapshot.
    public static func rows(_ db: Database, tables: [String]) throws -> [LedgerRowChange] {
        var result: [LedgerRowChange] = []
        for table in tables where try db.tableExists(table) {
            let names = try db.columns(in: table).map(\.name)
            let primary = try db.primaryKey(table).columns
            let key = primary.isEmpty ? "rowid" : primary.map { "\"\($0)\"" }.joined(separator: " || char(31) || ")
            let body = "json_object(" + names.map { "'\($0)', \"\($0)\"" }.joined(separator: ", ") + ")"
            for row in try Row.fetchAll(db, sql: "SELECT CAST(\(key) AS TEXT), \(body) FROM \"\(table)\" ORDER BY \(key)") {
                let json: String = row[1]
                result.append(LedgerRowChange(table: table, key: row[0], row: try decode(json)))
            }
        }
        return result
    }

    public static func decode(_ json: String) throws -> [String: LedgerValue] {
        try JSONDecoder().decode([String: LedgerValue].self, from: Data(json.utf8))
    }

    /// Writes rows as the hub holds them into an empty working copy (the rebuild from PostgreSQL),
    /// each into the table and columns it names, which must exist.
    public static func restore(_ store: LedgerStore, rows: [LedgerRowChange]) throws(LedgerError) {
        try store.writeWithoutForeignKeys { db in
            var columns: [String: Set<String>] = [:]
            for change in rows {
                guard let row = change.row else { continue }
                if columns[change.table] == nil {
                    guard try db.tableExists(change.table), !ignored.contains(change.table) else {
                        throw UnitError.unknownTable(change.table)
                    }
                    columns[change.table] = Set(try db.columns(in: change.table).map(\.name))
                }
                let names = row.keys.sorted()
                for name in names where !(columns[change.table]?.contains(name) ?? false) {
                    throw UnitError.unknownColumn(table: change.table, column: name)
                }
                try db.execute(sql: "INSERT OR REPLACE INTO \"\(change.table)\" (" + names.map { "\"\($0)\"" }.joined(separator: ", ")
                               + ") VALUES (" + names.map { _ in "?" }.joined(separator: ", ") + ")",
                               arguments: StatementArguments(names.map { row[$0]?.databaseValue }))
            }
            // Restored rows are PostgreSQL's already: nothing of them is to be sent again.
            if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM temp.sqlite_master WHERE name = 'ledger_capture')") == true {
                try db.execute(sql: "DELETE FROM temp.ledger_capture")
            }
        }
    }
}

extension LedgerValue {
    var databaseValue: (any DatabaseValueConvertible)? {
        switch self {
        case .null: nil
        case .integer(let value): value
        case .real(let value): value
        case .text(let value): value
        }
    }
}
