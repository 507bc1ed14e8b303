import GRDB

/// The listings and reports that can be streamed: their requests, without the model values.
public enum Listing: Sendable, Hashable, Codable {
    case media(MediaFilter)
    case violations(ViolationFilter)
    /// One of the officer's reports (`mediactl report NAME`).
    case officer(OfficerReportRequest)

    /// The request this listing answers: the same role check applies.
    public var request: Request {
        switch self {
        case .media(let filter): .mediaList(filter)
        case .violations(let filter): .violationsList(filter)
        case .officer(let report): .officerReport(report.kind)
        }
    }
}

extension LedgerError {
    /// A listing asked for in HTML: the printable form is the officer's report.
    public static func htmlIsForReports(report: String) -> LedgerError {
        LedgerError(.usage, zh: "列表不输出 HTML：可打印的版本请用 mediactl \(report) --format html",
                    en: "listings are not printed as HTML: for a printable form use mediactl \(report) --format html")
    }
}

extension InventoryService {
    /// A question to the unit's records, its failure in the ledger's words (PostgreSQL away, say).
    func unitAnswer<T>(_ body: () throws -> T) throws(LedgerError) -> T {
        do { return try body() } catch let error as LedgerError { throw error } catch {
            throw LedgerError(.unavailable, zh: "无法读取各计算机的记录：\(error)", en: "the computers' records cannot be read: \(error)")
        }
    }

    /// Writes a listing straight from the ledger to `output`, row by row, in constant memory: the
    /// local-mode path of `media list` and `violations list`, where a million rows must start and
    /// finish printing within a second. Prints the same bytes as the tests' reference rendering of
    /// `handle`'s reply (ReferenceReports.swift).
    ///
    /// Everything is read in one read transaction, so a table's two passes (see `TableMeasure`) see
    /// the same rows even while the daemon records new violations. A damaged value is found when its
    /// row is reached: with CSV and JSON the rows before it have been written by then, and the error
    /// (naming the column and value) ends the listing.
    public func report(_ listing: Listing, format: ReportFormat, language: Language, zone: ZoneChoice = .system,
                       caller: Caller, to output: inout ReportOutput) throws(LedgerError) {
        try authorize(listing.request, caller: caller)
        let time = LocalTime(rules: try zone.rules())
        try store.read { db in
            switch listing {
            case .media(let filter):
                try MediaReport.stream(db, filter: filter, format: format, language: language, into: &output)
            case .violations(let filter):
                try ViolationReport.stream(db, filter: filter, format: format, language: language, time: time, into: &output)
            case .officer(var request):
                if request.zone == .system { request.zone = zone }
                try officerReport(request, db, format: format, language: language, into: &output)
            }
            // A listing reads the whole table through this connection's page cache; in the daemon
            // that cache would otherwise stay filled (megabytes) until the connection is reused.
            db.releaseMemory()
        }
        try output.flush()
    }

    /// An officer's report in the reader's format, from this ledger, inside the listing's one read
    /// transaction. The zone is resolved here, where the report is printed.
    private func officerReport(_ request: OfficerReportRequest, _ db: Database, format: ReportFormat, language: Language,
                               into output: inout ReportOutput) throws {
        let rules = try request.zone.rules()
        if let computer = request.computer, try Ledger.computer(db, assetNumber: computer) == nil {
            throw LedgerError.computerNotFound(computer)
        }
        let source = LedgerReportSource(db: db, unit: unit, computer: request.computer)
        let now = clock.now()
        switch format {
        case .table:
            var writer = TextReportWriter(output: output)
            try OfficerReports.write(request, language: language, source: source, now: now, rules: rules, into: &writer)
            output = writer.output
        case .csv:
            var writer = CSVReportWriter(output: output)
            try OfficerReports.write(request, language: language, source: source, now: now, rules: rules, into: &writer)
            output = writer.output
        case .json:
            var writer = JSONReportWriter(output: output)
            try OfficerReports.write(request, language: language, source: source, now: now, rules: rules, into: &writer)
            output = writer.output
        case .html:
            var writer = HTMLReportWriter(output: output)
            try OfficerReports.write(request, language: language, source: source, now: now, rules: rules, into: &writer)
            output = writer.output
        }
    }
}
