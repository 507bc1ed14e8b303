import GRDB

/// `media list`: the table, the CSV export and the JSON array, from model values (the daemon's
/// replies) or streamed from the ledger (local mode). Both ways print the same bytes; the model
/// path is the reference the streamed one is tested against.
public enum MediaReport {
    public static func tableHeader(_ language: Language) -> [String] {
        let t = { (zh: String, en: String) in language == .zh ? zh : en }
        return [t("统一编号", "NUMBER"), t("类别", "KIND"), t("密级", "LEVEL"), t("状态", "STATE"), t("责任人", "HOLDER"),
                t("借用人", "BORROWER"), t("归还期限", "DUE"), t("存放位置", "PLACE"), t("序列号", "SERIAL")]
    }

    public static func tableCells(_ m: Medium, _ language: Language) -> [String] {
        [m.number, m.kind.name(language), m.level.name(language), m.state.name(language), m.holder,
         m.borrower ?? "", m.dueDate?.description ?? "", m.place ?? "", m.identity?.serial ?? ""]
    }

    /// The line under the table.
    public static func footer(count: Int, _ language: Language) -> String {
        language == .zh ? "共 \(count) 件\n" : "\(count) medium(s)\n"
    }

    /// The whole listing from model values (a reply from the daemon).
    public static func render(_ media: [Medium], format: ReportFormat, language: Language) throws(LedgerError) -> String {
        switch format {
        case .json: return try ReportJSON.document(media)
        case .csv: return MediaCSV.export(media, language: language)
        case .table:
            return TextTable(header: tableHeader(language), rows: media.map { tableCells($0, language) }).render()
                + footer(count: media.count, language)
        }
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
        case .json:
            try JSONRows.stream(db, query: Ledger.mediaListing(columns: csvColumns, filter: filter), columns: 22,
                                integerColumns: [15], into: &out) { row, codes, json throws(LedgerError) in
                try JSONRows.medium(row, codes, into: &json)
            }
        case .csv:
            // `Rows.mediumColumns` but `registered_at`, which the export does not show.
            let query = Ledger.mediaListing(columns: csvColumns, filter: filter)
            let sink = Box(CSVSink(out: out, header: MediaCSV.columns.map { $0.title.text(language) }))
            try RowPipeline.run(db, sql: query.sql, arguments: query.arguments, columns: 22, integerColumns: [15]) { row in
                try csvRow(row, names, into: &sink.value)
            }
            out = sink.value.out
        case .table:
            let query = Ledger.mediaListing(columns: tableColumns, filter: filter)
            let header = tableHeader(language)
            let widthQuery = Ledger.mediaListing(columns: TableWidths.aggregate(tableColumns), filter: filter, ordered: false)
            let widths = try TableWidths.measure(db, header: header, sql: widthQuery.sql, arguments: widthQuery.arguments) {
                row, measure throws(LedgerError) in try tableRow(row, names, into: &measure)
            }
            let writer = Box(TableWriter(out: out, header: header, widths: widths))
            var count = 0
            try RowPipeline.run(db, sql: query.sql, arguments: query.arguments, columns: 11) { row in
                try tableRow(row, names, into: &writer.value)
                count += 1
            }
            out = writer.value.out
            out.append(footer(count: count, language))
        }
    }

    /// What the table reads; the indexes below follow this order.
    static let tableColumns = "number, kind, level, state, holder, borrower, due_date, place, vendor_id, product_id, serial"

    /// `tableCells(_:_:)`, from a row selected with `tableColumns`.
    static func tableRow<S: CellSink, R: CellRow>(_ row: R, _ names: Names, into sink: inout S) throws(LedgerError) {
        sink.text(row.text(0))
        sink.fixed(try name(names.kind, row, 1, "kind"))
        sink.fixed(try name(names.level, row, 2, "level"))
        sink.fixed(try name(names.state, row, 3, "state"))
        sink.text(row.text(4))
        sink.text(row.text(5))
        try StoredDate.day(row, 6, "due_date", into: &sink)
        sink.text(row.text(7))
        // The serial shows only for a complete hardware identity, as `Medium.identity` has it.
        let serial = row.optionalText(10)
        sink.text(serial != nil && !row.isNull(8) && !row.isNull(9) ? serial! : empty)
        try sink.endRow()
    }

    static var empty: CellText.Bytes { CellText.Bytes(start: nil, count: 0) }

    static let csvColumns = """
        number, kind, level, secrecy_term, holder, user, department, purpose, place, in_service_date, \
        brand, model, vendor_id, product_id, serial, capacity_bytes, filesystem_uuids, bound_computers, \
        state, borrower, due_date, notes
        """

    /// `MediaCSV.values(of:)`, from a row selected with `csvColumns` (the order of `Rows.mediumColumns`).
    static func csvRow<S: CellSink, R: CellRow>(_ row: R, _ names: Names, into sink: inout S) throws(LedgerError) {
        let vendor = row.optionalText(12), product = row.optionalText(13), serial = row.optionalText(14)
        let hasIdentity = vendor != nil && product != nil && serial != nil
        sink.text(row.text(0))
        sink.fixed(try name(names.kind, row, 1, "kind"))
        sink.fixed(try name(names.level, row, 2, "level"))
        sink.fixed(try name(names.state, row, 18, "state"))
        sink.text(row.text(4))
        sink.text(row.text(5))
        sink.text(row.text(6))
        sink.text(row.text(7))
        sink.text(row.text(8))
        try StoredDate.day(row, 9, "in_service_date", into: &sink)
        sink.text(row.text(3))
        sink.text(row.text(10))
        sink.text(row.text(11))
        sink.text(hasIdentity ? vendor! : empty)
        sink.text(hasIdentity ? product! : empty)
        sink.text(hasIdentity ? serial! : empty)
        if hasIdentity, !row.isNull(15) { decimal(UInt64(bitPattern: row.int64(15)), into: &sink) } else { sink.text(empty) }
        if hasIdentity { try list(row, 16, "filesystem_uuids", into: &sink) } else { sink.text(empty) }
        try list(row, 17, "bound_computers", into: &sink)
        sink.text(row.text(19))
        try StoredDate.day(row, 20, "due_date", into: &sink)
        sink.text(row.text(21))
        try sink.endRow()
    }

    @inline(__always)
    static func name<R: CellRow>(_ table: FixedCell.Table, _ row: R, _ column: Int32, _ label: String) throws(LedgerError) -> FixedCell {
        guard let cell = table.cell(row.text(column)) else { throw Rows.corrupt(label, row.string(column)) }
        return cell
    }

    /// A JSON list column joined with `;`.
    static func list<S: CellSink, R: CellRow>(_ row: R, _ column: Int32, _ label: String, into sink: inout S) throws(LedgerError) {
        let items = try listItems(row, column, label)
        if items.isEmpty { return sink.text(empty) }
        Array(items.joined(separator: ";").utf8).withUnsafeBufferPointer { sink.text($0) }
    }

    /// A JSON list column's items, as `Rows.list` reads them; the usual empty list needs no decoder.
    static func listItems<R: CellRow>(_ row: R, _ column: Int32, _ label: String) throws(LedgerError) -> [String] {
        guard let text = row.optionalText(column), text.count != 2 || text[0] != 0x5B || text[1] != 0x5D else { return [] }
        do { return try Rows.list(row.string(column), label) } catch let error as LedgerError { throw error } catch {
            throw Rows.corrupt(label, row.string(column))
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
