import GRDB
import GRDBSQLite

/// A table's measuring pass as one SQLite aggregate: `SELECT mediad_table_widths(columns…) FROM …`.
///
/// The column widths are a reduction over the rows (each column's widest cell), so they need no row
/// to leave SQLite: stepping an aggregate, SQLite hands each row's values to one C callback, which
/// describes the row (the report's own `tableRow`, the code the writing pass runs) into a
/// `TableMeasure` on the spot. Compared with reading the rows out like a listing (`RowPipeline`), no
/// result row is built, no cell is copied into a batch and no thread is woken; and measured, a custom
/// function is what keeps this cheap: SQLite's own `max(length(col))` costs about as much per column
/// as this callback does per row, and telling printable ASCII from escaped text with `GLOB` about
/// 2.6 s per column per million rows. Widths come out exactly as before, by the same code, and a
/// damaged value throws the same error, before anything is written.
final class TableWidths {
    typealias Describe = (ValueRow, inout TableMeasure) throws(LedgerError) -> Void

    private var measure: TableMeasure
    private let describe: Describe
    private var failure: LedgerError?

    /// One name per connection is enough: a connection runs one statement of this kind at a time,
    /// and the function is removed again when the pass is over.
    static let functionName = "mediad_table_widths"

    private init(header: [String], describe: @escaping Describe) {
        measure = TableMeasure(header: header)
        self.describe = describe
    }

    /// The select list that hands a listing's `columns` to the aggregate.
    static func aggregate(_ columns: String) -> String { "\(functionName)(\(columns))" }

    /// The widths of a table (its header included), from `sql`, a query selecting `aggregate(columns)`
    /// with the listing's filter; each row is described by `describe`, as the writing pass will.
    static func measure(_ db: Database, header: [String], sql: String, arguments: StatementArguments,
                        describe: @escaping Describe) throws -> [Int] {
        let scan = TableWidths(header: header, describe: describe)
        let connection = db.sqliteConnection
        let context = Unmanaged.passUnretained(scan).toOpaque()
        let code = sqlite3_create_function_v2(connection, functionName, -1, SQLITE_UTF8, context, nil,
                                              { context, count, values in TableWidths.step(context, count, values) },
                                              { context in sqlite3_result_null(context) }, nil)
        guard code == SQLITE_OK else { throw DatabaseError(resultCode: ResultCode(rawValue: code)) }
        defer {
            _ = sqlite3_create_function_v2(connection, functionName, -1, SQLITE_UTF8, nil, nil, nil, nil, nil)
            withExtendedLifetime(scan) {}
        }
        do {
            let statement = try db.makeStatement(sql: sql)
            try statement.execute(arguments: arguments)
        } catch {
            throw scan.failure ?? error
        }
        if let failure = scan.failure { throw failure }
        return scan.measure.widths
    }

    /// One row: its values, in the order of the select list.
    private static func step(_ context: OpaquePointer?, _ count: Int32, _ values: UnsafeMutablePointer<OpaquePointer?>?) {
        let scan = Unmanaged<TableWidths>.fromOpaque(sqlite3_user_data(context)!).takeUnretainedValue()
        guard scan.failure == nil, let values else { return }
        do {
            try scan.describe(ValueRow(values: values, count: count), &scan.measure)
        } catch {
            scan.failure = error
            sqlite3_result_error(context, "damaged value", -1)
        }
    }
}

/// A row as an aggregate's arguments: `sqlite3_value`s, read like `RawRow` reads a statement's columns.
struct ValueRow: CellRow {
    let values: UnsafeMutablePointer<OpaquePointer?>
    let count: Int32

    @inline(__always)
    func optionalText(_ column: Int32) -> CellText.Bytes? {
        guard column < count, let value = values[Int(column)], let start = sqlite3_value_text(value) else { return nil }
        return CellText.Bytes(start: start, count: Int(sqlite3_value_bytes(value)))
    }

    @inline(__always)
    func int64(_ column: Int32) -> Int64 {
        guard column < count else { return 0 }
        return sqlite3_value_int64(values[Int(column)])
    }
}
