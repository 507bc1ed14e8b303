/// A listing small enough to hold in memory (people, computers, events, the admin trail, a medium's
/// history, the devices and links the daemon reports): rows of strings, written through the same
/// cell sinks as the streamed listings (`CSVSink`, `TableMeasure`, `TableWriter`), so a table or a
/// CSV document has one layout, escaping and quoting rule whatever it lists.
///
/// A cell goes to the sinks as its UTF-8 bytes, like a ledger column; as there, a NUL byte ends the
/// cell (text read from the ledger never holds one: SQLite's text stops there for GRDB too).
public struct SmallTable: Sendable {
    public var header: [String]
    public var rows: [[String]]

    public init(header: [String], rows: [[String]]) {
        self.header = header
        self.rows = rows
    }

    /// Aligned by display width: the rows are in memory, so the measuring pass is a loop over them
    /// (a streamed listing measures inside SQLite, `TableWidths`), then the writing pass.
    public func writeTable(to out: inout ReportOutput) throws(LedgerError) {
        var measure = TableMeasure(header: header)
        for row in rows {
            Self.describe(row, into: &measure)
            measure.endRow()
        }
        var writer = TableWriter(out: out, header: header, widths: measure.widths)
        for row in rows {
            Self.describe(row, into: &writer)
            try writer.endRow()
        }
        out = writer.out
    }

    /// As a spreadsheet reads it: byte-order mark, CRLF, cells quoted and defused.
    public func writeCSV(to out: inout ReportOutput) throws(LedgerError) {
        var sink = CSVSink(out: out, header: header)
        for row in rows {
            Self.describe(row, into: &sink)
            try sink.endRow()
        }
        out = sink.out
    }

    /// A row's cells; the caller ends the row (a measuring pass cannot fail, a writing pass can).
    static func describe<S: CellSink>(_ row: [String], into sink: inout S) {
        for var cell in row {
            cell.withUTF8 { sink.text($0) }
        }
    }
}

/// Key–value blocks (`media show`, `host show`, `status`): a table without header and rule, so the
/// labels line up by display width as a table's columns do.
public struct Fields: Sendable {
    public var pairs: [(String, String)]

    public init(_ pairs: [(String, String)]) {
        self.pairs = pairs
    }

    public func write(to out: inout ReportOutput) throws(LedgerError) {
        var measure = TableMeasure(header: ["", ""])
        for (label, value) in pairs {
            SmallTable.describe([label, value], into: &measure)
            measure.endRow()
        }
        var writer = TableWriter(out: out, widths: measure.widths)
        for (label, value) in pairs {
            SmallTable.describe([label, value], into: &writer)
            try writer.endRow()
        }
        out = writer.out
    }
}
