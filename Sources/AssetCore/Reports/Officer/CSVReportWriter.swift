/// A report as CSV: the report's main table (JSON's `rows`), written as the listings write CSV
/// (`CSVSink`: UTF-8 byte-order mark, quoting, formula cells defused, CRLF). The other parts
/// (overview, charts, secondary tables) are in the HTML and JSON forms.
public struct CSVReportWriter: ReportWriter {
    public private(set) var output: ReportOutput
    public var isForPeople: Bool { false }
    private var language: Language = .zh

    public init(output: ReportOutput) {
        self.output = output
    }

    public mutating func begin(_ head: ReportHead, totals: [ReportTotal]) throws { language = head.language }
    public mutating func section(_ title: String) throws {}
    public mutating func facts(_ facts: [ReportFact]) throws {}
    public mutating func note(_ text: String) throws {}
    public mutating func chart(_ chart: ReportChart) throws {}
    public mutating func signatures(_ roles: [String]) throws {}

    public mutating func table(_ spec: ReportTableSpec, rows: ReportRows) throws {
        guard spec.main else { return }
        var sink = CSVSink(out: output, header: spec.columns.map { $0.title.text(language) })
        try rows { cells in
            for (cell, column) in zip(cells, spec.columns) { TextReportWriter.withBytes(column.display(cell)) { sink.text($0) } }
            try sink.endRow()
        }
        output = sink.out
    }

    public mutating func end() throws {
        try output.flush()
    }
}
