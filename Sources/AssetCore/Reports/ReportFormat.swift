/// How a listing or report is printed: an aligned table for a terminal, CSV for spreadsheets, JSON
/// for scripts, HTML for the officer's printed forms (`mediactl report`; a listing refuses it and
/// names the report that prints it). The one output-format enum, for mediactl's options and for the
/// streamed listings and reports.
public enum ReportFormat: String, Sendable, Hashable, Codable, CaseIterable {
    case table, json, csv, html
}
