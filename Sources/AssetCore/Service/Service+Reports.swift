import GRDB

/// The listings that can be streamed: their requests, without the model values.
public enum Listing: Sendable, Hashable, Codable {
    case media(MediaFilter)
    case violations(ViolationFilter)

    /// The request this listing answers: the same role check applies.
    public var request: Request {
        switch self {
        case .media(let filter): .mediaList(filter)
        case .violations(let filter): .violationsList(filter)
        }
    }
}

extension InventoryService {
    /// Writes a listing straight from the ledger to `output`, row by row, in constant memory: the
    /// local-mode path of `media list` and `violations list`, where a million rows must start and
    /// finish printing within a second. Prints the same bytes as the tests' reference rendering of
    /// `handle`'s reply (ReferenceReports.swift).
    ///
    /// Everything is read in one read transaction, so a table's two passes (see `TableMeasure`) see
    /// the same rows even while the daemon records new violations. A damaged value is found when its
    /// row is reached: with CSV and JSON the rows before it have been written by then, and the error
    /// (naming the column and value) ends the listing.
    public func report(_ listing: Listing, format: ReportFormat, language: Language, caller: Caller,
                       to output: inout ReportOutput) throws(LedgerError) {
        try authorize(listing.request, caller: caller)
        try store.read { db in
            switch listing {
            case .media(let filter):
                try MediaReport.stream(db, filter: filter, format: format, language: language, into: &output)
            case .violations(let filter):
                try ViolationReport.stream(db, filter: filter, format: format, language: language, into: &output)
            }
            // A listing reads the whole table through this connection's page cache; in the daemon
            // that cache would otherwise stay filled (megabytes) until the connection is reused.
            db.releaseMemory()
        }
        try output.flush()
    }
}
