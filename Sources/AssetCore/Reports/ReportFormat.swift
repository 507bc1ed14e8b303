/// How a listing is printed: an aligned table for a terminal, CSV for spreadsheets, JSON for
/// scripts. The one output-format enum, for mediactl's options and for the streamed listings.
public enum ReportFormat: String, Sendable, Hashable, Codable, CaseIterable {
    case table, json, csv
}
