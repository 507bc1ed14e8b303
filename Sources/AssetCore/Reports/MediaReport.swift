import GRDB

/// `media list`: the table, the CSV export and the JSON array, streamed from the ledger. The daemon
/// prints the same bytes and sends them on, so this is the one place that says what a listing of
/// media looks like (the tests keep a reference built from model values to check it against).
public enum MediaReport {
    public static func tableHeader(_ language: Language) -> [String] {
        let t = { (zh: String, en: String) in language == .zh ? zh : en }
        return [t("统一编号", "NUMBER"), t("类别", "KIND"), t("密级", "LEVEL"), t("状态", "STATE"), t("责任人", "HOLDER"),
                t("借用人", "BORROWER"), t("归还期限", "DUE"), t("存放位置", "PLACE"), t("序列号", "SERIAL")]
    }

    /// The line under the table.
    public static func footer(count: Int, _ language: Language) -> String {
        language == .zh ? "共 \(count) 件\n" : "\(count) medium(s)\n"
    }

    // MARK: streamed from the ledger

    /// The names a listing prints for stored enum values, prepared once per listing.
    struct Names {
        let arena = TextArena()
        let kind, level, state: FixedCell.Table

        init(_ language: Language) {
            kind = FixedCell.Table(MediumKind.self, in: arena) { $0.name(language) }
            level = FixedCell.Table(Level.self, in: arena) { $0.name(language) }
            state = FixedCell.Table(MediumState.self, in: arena) { $0.name(language) }
        }
    }

    static func stream(_ db: Database, filter: MediaFilter, format: ReportFormat, language: Language,
                       into out: inout ReportOutput) throws {
        let names = Names(language)
        defer { withExtendedLifetime(names) {} }
        switch format {
        case .html:
            throw LedgerError.htmlIsForReports(report: "report ledger")
        case .json:
            try JSONRows.stream(db, query: Ledger.mediaListing(columns: RecordColumn.selectList, filter: filter),
                                columns: RecordColumn.count, integerColumns: RecordColumn.integers,
                                into: &out) { row, codes, json throws(LedgerError) in
                try JSONRows.medium(row, codes, into: &json)
            }
        case .csv:
            let query = Ledger.mediaListing(columns: RecordColumn.selectList, filter: filter)
            let sink = Box(CSVSink(out: out, header: MediaCSV.columns.map { $0.title.text(language) }))
            try RowPipeline.run(db, sql: query.sql, arguments: query.arguments, columns: RecordColumn.count,
                                integerColumns: RecordColumn.integers) { row in
                try csvRow(row, names, into: &sink.value)
            }
            out = sink.value.out
        case .table:
            let query = Ledger.mediaListing(columns: TableColumn.selectList, filter: filter)
            let header = tableHeader(language)
            let widthQuery = Ledger.mediaListing(columns: TableWidths.aggregate(TableColumn.selectList), filter: filter,
                                                 ordered: false)
            let widths = try TableWidths.measure(db, header: header, sql: widthQuery.sql, arguments: widthQuery.arguments) {
                row, measure throws(LedgerError) in try tableRow(row, names, into: &measure)
            }
            let writer = Box(TableWriter(out: out, header: header, widths: widths))
            var count = 0
            try RowPipeline.run(db, sql: query.sql, arguments: query.arguments, columns: TableColumn.count) { row in
                try tableRow(row, names, into: &writer.value)
                count += 1
            }
            out = writer.value.out
            out.append(footer(count: count, language))
        }
    }

    /// What the table reads, in this order.
    enum TableColumn: Int32, ListingColumn {
        case number, kind, level, state, holder, borrower, dueDate, place, vendorID, productID, serial
    }

    /// A row of the table, from the columns of `TableColumn`.
    static func tableRow<S: CellSink, R: CellRow>(_ row: R, _ names: Names, into sink: inout S) throws(LedgerError) {
        typealias C = TableColumn
        sink.text(row.text(C.number))
        sink.fixed(try name(names.kind, row, C.kind))
        sink.fixed(try name(names.level, row, C.level))
        sink.fixed(try name(names.state, row, C.state))
        sink.text(row.text(C.holder))
        sink.text(row.text(C.borrower))
        try StoredDate.day(row, C.dueDate, into: &sink)
        sink.text(row.text(C.place))
        // The serial shows only for a complete hardware identity, as `Medium.identity` has it.
        let serial = row.optionalText(C.serial)
        sink.text(serial != nil && !row.isNull(C.vendorID) && !row.isNull(C.productID) ? serial! : empty)
        try sink.endRow()
    }

    static var empty: CellText.Bytes { CellText.Bytes(start: nil, count: 0) }

    /// What the CSV export and the JSON array read: a medium's record, in the order of
    /// `Rows.mediumColumns` but `registered_at`, which neither shows.
    enum RecordColumn: Int32, ListingColumn {
        case number, kind, level, secrecyTerm, holder, user, department, purpose, place, inServiceDate
        case brand, model, vendorID, productID, serial, capacityBytes, filesystemUUIDs, boundComputers
        case state, borrower, dueDate, notes

        /// Read as integers, the rest as text.
        static let integers: Set<Int32> = [capacityBytes.rawValue]
    }

    /// A row of the CSV export, in the order of `MediaCSV.columns`, from the columns of `RecordColumn`.
    static func csvRow<S: CellSink, R: CellRow>(_ row: R, _ names: Names, into sink: inout S) throws(LedgerError) {
        typealias C = RecordColumn
        let vendor = row.optionalText(C.vendorID), product = row.optionalText(C.productID), serial = row.optionalText(C.serial)
        let hasIdentity = vendor != nil && product != nil && serial != nil
        sink.text(row.text(C.number))
        sink.fixed(try name(names.kind, row, C.kind))
        sink.fixed(try name(names.level, row, C.level))
        sink.fixed(try name(names.state, row, C.state))
        sink.text(row.text(C.holder))
        sink.text(row.text(C.user))
        sink.text(row.text(C.department))
        sink.text(row.text(C.purpose))
        sink.text(row.text(C.place))
        try StoredDate.day(row, C.inServiceDate, into: &sink)
        sink.text(row.text(C.secrecyTerm))
        sink.text(row.text(C.brand))
        sink.text(row.text(C.model))
        sink.text(hasIdentity ? vendor! : empty)
        sink.text(hasIdentity ? product! : empty)
        sink.text(hasIdentity ? serial! : empty)
        if hasIdentity, !row.isNull(C.capacityBytes) {
            decimal(UInt64(bitPattern: row.int64(C.capacityBytes)), into: &sink)
        } else {
            sink.text(empty)
        }
        if hasIdentity { try list(row, C.filesystemUUIDs, into: &sink) } else { sink.text(empty) }
        try list(row, C.boundComputers, into: &sink)
        sink.text(row.text(C.borrower))
        try StoredDate.day(row, C.dueDate, into: &sink)
        sink.text(row.text(C.notes))
        try sink.endRow()
    }

    /// The cell for a stored enum value; a value no case spells is named with its column.
    @inline(__always)
    static func name<R: CellRow, C: ListingColumn>(_ table: FixedCell.Table, _ row: R, _ column: C) throws(LedgerError) -> FixedCell {
        guard let cell = table.cell(row.text(column)) else { throw Rows.corrupt(column.name, row.string(column)) }
        return cell
    }

    /// A JSON list column joined with `;`.
    static func list<S: CellSink, R: CellRow, C: ListingColumn>(_ row: R, _ column: C, into sink: inout S) throws(LedgerError) {
        let items = try listItems(row, column)
        if items.isEmpty { return sink.text(empty) }
        Array(items.joined(separator: ";").utf8).withUnsafeBufferPointer { sink.text($0) }
    }

    /// A JSON list column's items, as `Rows.list` reads them; the usual empty list needs no decoder.
    static func listItems<R: CellRow, C: ListingColumn>(_ row: R, _ column: C) throws(LedgerError) -> [String] {
        guard let text = row.optionalText(column),
              text.count != 2 || text[0] != UInt8(ascii: "[") || text[1] != UInt8(ascii: "]") else { return [] }
        do { return try Rows.list(row.string(column), column.name) } catch let error as LedgerError { throw error } catch {
            throw Rows.corrupt(column.name, row.string(column))
        }
    }

    /// A number's decimal digits as a cell.
    static func decimal<S: CellSink>(_ value: UInt64, into sink: inout S) {
        CellText.decimal(value) { sink.text($0) }
    }
}

/// A value the pipeline's helper thread works on while this thread waits for it.
final class Box<Value>: @unchecked Sendable {
    var value: Value
    init(_ value: Value) { self.value = value }
}
