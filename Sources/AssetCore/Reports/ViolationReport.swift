import GRDB

/// `violations list`: the table, CSV and JSON, streamed from the ledger (by mediactl in local mode,
/// by the daemon otherwise). The table and the CSV show the same cells.
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


    // MARK: streamed from the ledger

    struct Names {
        let arena = TextArena()
        /// The zone the table's and CSV's times are printed in.
        let zone: ZoneBox
        let type, severity, outcome: FixedCell.Table
        let open, acknowledgedOpen, close: FixedCell

        init(_ language: Language, time: LocalTime) {
            zone = ZoneBox(time)
            type = FixedCell.Table(ViolationType.self, in: arena) { $0.names.text(language) }
            severity = FixedCell.Table(Severity.self, in: arena) { $0.names.text(language) }
            outcome = FixedCell.Table([ViolationOutcome.blocked, .logged, .audited].map { ($0.rawValue, outcomeName($0, language)) },
                                      in: arena)
            open = FixedCell(ViolationStatus.open.names.text(language), in: arena)
            acknowledgedOpen = FixedCell(ViolationStatus.acknowledged.names.text(language) + " (", in: arena)
            close = FixedCell(")", in: arena)
            statuses = FixedCell.Table([("open", ""), ("acknowledged", ""), ("handled", "")], in: arena)
            handledAs = FixedCell.Table(HandlingOutcome.allCases.map { outcome in
                (outcome.rawValue, language == .zh ? "已处理（\(outcome.names.zh)）" : "handled (\(outcome.rawValue))")
            }, in: arena)
        }

        let statuses: FixedCell.Table
        /// `handled (criticism)`, by the stored outcome.
        let handledAs: FixedCell.Table
        func isOpen(_ stored: CellText.Bytes) -> Bool { statuses.index(stored) == 0 }
        func isAcknowledged(_ stored: CellText.Bytes) -> Bool { statuses.index(stored) == 1 }
        func isHandled(_ stored: CellText.Bytes) -> Bool { statuses.index(stored) == 2 }
    }

    /// What the table and the CSV read, in this order.
    enum Column: Int32, ListingColumn {
        case id, at, type, severity, outcome, computer, mediumNumber, person, reason, status, acknowledgedBy, handling

        /// Read as integers, the rest as text.
        static let integers: Set<Int32> = [id.rawValue]

        /// The select list: the reason in the reader's language.
        static func selectList(_ language: Language) -> String {
            allCases.map { $0 == .reason ? "reason_\(language.rawValue)" : $0.name }.joined(separator: ", ")
        }
    }

    static func stream(_ db: Database, filter: ViolationFilter, format: ReportFormat, language: Language,
                       time: LocalTime = .utc, into out: inout ReportOutput) throws {
        let names = Names(language, time: time)
        defer { withExtendedLifetime(names) {} }
        switch format {
        case .html:
            throw LedgerError.htmlIsForReports(report: "report violations")
        case .json:
            typealias J = JSONRows.ViolationColumn
            try JSONRows.stream(db, query: GuardRows.violationsListing(columns: J.selectList, filter: filter),
                                columns: J.count, integerColumns: J.integers, into: &out) { row, codes, json throws(LedgerError) in
                try JSONRows.violation(row, codes, into: &json)
            }
        case .csv:
            let query = GuardRows.violationsListing(columns: Column.selectList(language), filter: filter)
            let sink = Box(CSVSink(out: out, header: header(language)))
            try RowPipeline.run(db, sql: query.sql, arguments: query.arguments, columns: Column.count,
                                integerColumns: Column.integers) { row in
                try self.row(row, names, into: &sink.value)
            }
            out = sink.value.out
        case .table:
            let query = GuardRows.violationsListing(columns: Column.selectList(language), filter: filter)
            let widthQuery = GuardRows.violationsListing(columns: TableWidths.aggregate(Column.selectList(language)),
                                                         filter: filter, ordered: false)
            let widths = try TableWidths.measure(db, header: header(language), sql: widthQuery.sql,
                                                 arguments: widthQuery.arguments) { row, measure throws(LedgerError) in
                try self.row(row, names, into: &measure)
            }
            let writer = Box(TableWriter(out: out, header: header(language), widths: widths))
            try RowPipeline.run(db, sql: query.sql, arguments: query.arguments, columns: Column.count,
                                integerColumns: Column.integers) { row in
                try self.row(row, names, into: &writer.value)
            }
            out = writer.value.out
        }
    }

    /// A row of the table or the CSV, from the columns of `Column`.
    static func row<S: CellSink, R: CellRow>(_ row: R, _ names: Names, into sink: inout S) throws(LedgerError) {
        typealias C = Column
        MediaReport.decimal(UInt64(bitPattern: row.int64(C.id)), into: &sink)
        try StoredDate.localTimestamp(row, C.at, in: names.zone, into: &sink)
        sink.fixed(try MediaReport.name(names.type, row, C.type))
        sink.fixed(try MediaReport.name(names.severity, row, C.severity))
        sink.fixed(try MediaReport.name(names.outcome, row, C.outcome))
        sink.text(row.text(C.computer))
        sink.text(row.text(C.mediumNumber))
        sink.text(row.text(C.person))
        sink.text(row.text(C.reason))
        let status = row.text(C.status)
        if names.isOpen(status) {
            sink.fixed(names.open)
        } else if names.isAcknowledged(status) {
            sink.fixed(names.acknowledgedOpen, around: row.text(C.acknowledgedBy), names.close)
        } else if names.isHandled(status) {
            sink.fixed(try MediaReport.name(names.handledAs, row, C.handling))
        } else {
            throw Rows.corrupt(C.status.name, row.string(C.status))
        }
        try sink.endRow()
    }
}
