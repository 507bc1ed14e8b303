/// A report as one JSON object: `report`, `title`, `language`, `unit`, `computer`, `period`
/// (`from`, `to`, `zone`), `generated_at`, `trail_head`, `totals` (counts by name), `tables` (the
/// secondary tables by id), `rows` (the main table) and `facts` (the overview's values by key).
/// Rows are objects keyed by column; counts are numbers, times RFC 3339 with the offset. Written
/// as the rows come, one row to a line, so a hundred thousand rows cost no more memory than ten.
public struct JSONReportWriter: ReportWriter {
    public private(set) var output: ReportOutput
    public var isForPeople: Bool { false }
    private var facts: [ReportFact] = []
    private var tablesOpen = false
    private var mainWritten = false

    public init(output: ReportOutput) {
        self.output = output
    }

    private mutating func string(_ text: String) {
        output.append(0x22)
        var text = text
        text.withUTF8 { bytes in
            // Most cells need no escape: one pass to see, one copy.
            if !bytes.contains(where: JSONEscaping.needsEscape) { return output.append(bytes) }
            var start = 0
            for (index, byte) in bytes.enumerated() where JSONEscaping.needsEscape(byte) {
                output.append(UnsafeBufferPointer(rebasing: bytes[start..<index]))
                var escaped: [UInt8] = []
                JSONEscaping.escape(byte) { escaped.append($0) }
                output.append(escaped)
                start = index + 1
            }
            output.append(UnsafeBufferPointer(rebasing: bytes[start...]))
        }
        output.append(0x22)
    }

    private mutating func member(_ key: String, first: Bool = false) {
        output.append(first ? "{\n  " : ",\n  ")
        string(key)
        output.append(": ")
    }

    private mutating func optional(_ text: String?) {
        if let text { string(text) } else { output.append("null") }
    }

    public mutating func begin(_ head: ReportHead, totals: [ReportTotal]) throws {
        member("report", first: true); string(head.report)
        member("title"); string(head.title)
        member("language"); string(head.language.rawValue)
        member("unit"); optional(head.unit)
        member("computer"); optional(head.computer)
        member("period")
        if let period = head.period {
            output.append("{\"from\": "); string(period.from.description)
            output.append(", \"to\": "); string(period.to.description)
            output.append(", \"zone\": "); string(head.zone)
            output.append("}")
        } else {
            output.append("null")
        }
        member("generated_at"); string(head.generatedAt)
        member("trail_head"); optional(head.trailHead)
        member("totals")
        output.append("{")
        for (index, total) in totals.enumerated() {
            if index > 0 { output.append(", ") }
            string(total.key)
            output.append(": \(total.count)")
        }
        output.append("}")
    }

    public mutating func section(_ title: String) throws {}
    public mutating func note(_ text: String) throws {}
    public mutating func chart(_ chart: ReportChart) throws {}
    public mutating func signatures(_ roles: [String]) throws {}

    public mutating func facts(_ facts: [ReportFact]) throws {
        self.facts += facts
    }

    public mutating func table(_ spec: ReportTableSpec, rows: ReportRows) throws {
        if spec.main {
            precondition(!mainWritten, "a report has one main table")
            if tablesOpen { output.append("\n  }"); tablesOpen = false }
            member("rows")
            mainWritten = true
        } else {
            precondition(!mainWritten, "the main table comes after the other tables")
            if tablesOpen { output.append(",\n    ") } else { member("tables"); output.append("{\n    "); tablesOpen = true }
            string(spec.id)
            output.append(": ")
        }
        let indent = spec.main ? "\n    " : "\n      "
        // Each column's `"key": ` once per table, not once per cell.
        let keys = spec.columns.enumerated().map { index, column in
            Array(((index > 0 ? ", " : "") + "\"" + column.key + "\": ").utf8)
        }
        var count = 0
        output.append("[")
        try rows { cells in
            output.append(count == 0 ? indent : "," + indent)
            count += 1
            output.append(0x7B)
            for index in 0..<min(cells.count, keys.count) {
                output.append(keys[index])
                let cell = cells[index]
                if spec.columns[index].kind == .count, !cell.isEmpty, cell.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
                    output.append(cell)
                } else if cell.isEmpty {
                    output.append("null")
                } else {
                    string(cell)
                }
            }
            output.append(0x7D)
            try output.rowDone()
        }
        output.append(count == 0 ? "]" : (spec.main ? "\n  ]" : "\n    ]"))
    }

    public mutating func end() throws {
        if tablesOpen { output.append("\n  }"); tablesOpen = false }
        if !mainWritten { member("rows"); output.append("[]") }
        member("facts")
        output.append("{")
        for (index, fact) in facts.enumerated() {
            if index > 0 { output.append(", ") }
            string(fact.key)
            output.append(": ")
            string(fact.value)
        }
        output.append("}\n}\n")
        try output.flush()
    }
}
