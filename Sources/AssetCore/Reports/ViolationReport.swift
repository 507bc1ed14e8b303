import GRDB

/// `violations list`: the table, CSV and JSON, from model values (the daemon's replies) or streamed
/// from the ledger (local mode). The table and the CSV show the same cells.
public enum ViolationReport {
    public static func header(_ language: Language) -> [String] {
        let t = { (zh: String, en: String) in language == .zh ? zh : en }
        return ["#", t("时间", "TIME"), t("类型", "TYPE"), t("严重程度", "SEVERITY"), t("处理", "OUTCOME"),
                t("计算机", "COMPUTER"), t("介质", "MEDIUM"), t("人员", "PERSON"), t("原因", "REASON"), t("状态", "STATUS")]
    }

    static func outcomeName(_ outcome: ViolationOutcome, _ language: Language) -> String {
        let t = { (zh: String, en: String) in language == .zh ? zh : en }
        return switch outcome {
        case .blocked: t("已阻断", "blocked")
        case .logged: t("仅记录", "logged")
        case .audited: t("审计", "audit")
        }
    }

    static func openName(_ language: Language) -> String { language == .zh ? "未处置" : "open" }
    static func acknowledgedName(_ language: Language) -> String { language == .zh ? "已确认" : "acknowledged" }

    public static func cells(_ v: ViolationRecord, _ language: Language) -> [String] {
        let status = v.status == .open ? openName(language) : acknowledgedName(language) + " (\(v.acknowledgedBy ?? ""))"
        return [String(v.id ?? 0), v.at.description, v.type.names.text(language), v.severity.names.text(language),
                outcomeName(v.outcome, language), v.computer ?? "", v.mediumNumber ?? "", v.person ?? "",
                v.reason.text(language), status]
    }

    /// The whole listing from model values (a reply from the daemon).
    public static func render(_ list: [ViolationRecord], format: ReportFormat, language: Language) throws(LedgerError) -> String {
        switch format {
        case .json: return try ReportJSON.document(list)
        case .csv: return CSV.document(header: header(language), rows: list.map { cells($0, language) })
        case .table: return TextTable(header: header(language), rows: list.map { cells($0, language) }).render()
        }
    }

    // MARK: streamed from the ledger

    struct Names {
        let arena = TextArena()
        let type, severity, outcome: FixedCell.Table
        let open, acknowledgedOpen, close: FixedCell

        init(_ language: Language) {
            type = FixedCell.Table(ViolationType.self, in: arena) { $0.names.text(language) }
            severity = FixedCell.Table(Severity.self, in: arena) { $0.names.text(language) }
            outcome = FixedCell.Table([ViolationOutcome.blocked, .logged, .audited].map { ($0.rawValue, outcomeName($0, language)) },
                                      in: arena)
            open = FixedCell(openName(language), in: arena)
            acknowledgedOpen = FixedCell(acknowledgedName(language) + " (", in: arena)
            close = FixedCell(")", in: arena)
            statuses = FixedCell.Table([("open", ""), ("acknowledged", "")], in: arena)
        }

        let statuses: FixedCell.Table
        func isOpen(_ stored: CellText.Bytes) -> Bool { statuses.index(stored) == 0 }
        func isAcknowledged(_ stored: CellText.Bytes) -> Bool { statuses.index(stored) == 1 }
    }

    /// What the listing reads; the indexes below follow this order.
    static func columns(_ language: Language) -> String {
        "id, at, type, severity, outcome, computer, medium_number, person, \(language == .zh ? "reason_zh" : "reason_en"), "
            + "status, acknowledged_by"
    }

    static func stream(_ db: Database, filter: ViolationFilter, format: ReportFormat, language: Language,
                       into out: inout ReportOutput) throws {
        let names = Names(language)
        defer { withExtendedLifetime(names) {} }
        switch format {
        case .json:
            try JSONRows.stream(db, query: GuardRows.violationsListing(columns: GuardRows.violationColumns, filter: filter),
                                columns: 17, integerColumns: [0, 1], into: &out) { row, codes, json throws(LedgerError) in
                try JSONRows.violation(row, codes, into: &json)
            }
        case .csv:
            let query = GuardRows.violationsListing(columns: columns(language), filter: filter)
            let sink = Box(CSVSink(out: out, header: header(language)))
            try RowPipeline.run(db, sql: query.sql, arguments: query.arguments, columns: 11, integerColumns: [0]) { row in
                try self.row(row, names, into: &sink.value)
            }
            out = sink.value.out
        case .table:
            let query = GuardRows.violationsListing(columns: columns(language), filter: filter)
            let widthQuery = GuardRows.violationsListing(columns: TableWidths.aggregate(columns(language)), filter: filter, ordered: false)
            let widths = try TableWidths.measure(db, header: header(language), sql: widthQuery.sql,
                                                 arguments: widthQuery.arguments) { row, measure throws(LedgerError) in
                try self.row(row, names, into: &measure)
            }
            let writer = Box(TableWriter(out: out, header: header(language), widths: widths))
            try RowPipeline.run(db, sql: query.sql, arguments: query.arguments, columns: 11, integerColumns: [0]) { row in
                try self.row(row, names, into: &writer.value)
            }
            out = writer.value.out
        }
    }

    /// `cells(_:_:)`, from a row selected with `columns(_:)`.
    static func row<S: CellSink, R: CellRow>(_ row: R, _ names: Names, into sink: inout S) throws(LedgerError) {
        MediaReport.decimal(UInt64(bitPattern: row.int64(0)), into: &sink)
        try StoredDate.timestamp(row, 1, "at", into: &sink)
        sink.fixed(try MediaReport.name(names.type, row, 2, "type"))
        sink.fixed(try MediaReport.name(names.severity, row, 3, "severity"))
        sink.fixed(try MediaReport.name(names.outcome, row, 4, "outcome"))
        sink.text(row.text(5))
        sink.text(row.text(6))
        sink.text(row.text(7))
        sink.text(row.text(8))
        let status = row.text(9)
        if names.isOpen(status) {
            sink.fixed(names.open)
        } else if names.isAcknowledged(status) {
            sink.fixed(names.acknowledgedOpen, around: row.text(10), names.close)
        } else {
            throw Rows.corrupt("status", row.string(9))
        }
        try sink.endRow()
    }
}
