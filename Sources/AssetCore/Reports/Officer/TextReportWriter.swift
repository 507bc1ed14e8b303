/// A report on a terminal: the title and where it comes from, each section under its heading,
/// facts as `label: value` lines, tables aligned as the listings align them (the same
/// `TableMeasure`/`TableWriter`, so a report table and `media list` follow one layout rule).
/// Charts are left to HTML: the table beside each one already holds its numbers.
public struct TextReportWriter: ReportWriter {
    public private(set) var output: ReportOutput
    public var isForPeople: Bool { true }
    private var language: Language = .zh
    /// The last section's title: a table named the same is not titled twice.
    private var sectionTitle = ""

    public init(output: ReportOutput) {
        self.output = output
    }

    private mutating func line(_ text: String = "") {
        output.append(SafeText.escape(text))
        output.append(0x0A)
    }

    public mutating func begin(_ head: ReportHead, totals: [ReportTotal]) throws {
        language = head.language
        line(head.title)
        line(String(repeating: "=", count: TextTable.displayWidth(SafeText.escape(head.title))))
        var facts: [ReportFact] = []
        if let unit = head.unit { facts.append(ReportFact("unit", language.pick("单位", "Unit"), unit)) }
        if let computer = head.computer { facts.append(ReportFact("computer", language.pick("计算机", "Computer"), computer)) }
        if let period = head.period {
            facts.append(ReportFact("period", language.pick("时间段", "Period"), "\(period) (\(head.zone))"))
        }
        facts.append(ReportFact("generated", language.pick("生成时间", "Generated"), LocalTime.display(rfc3339: head.generatedAt)))
        if let hash = head.trailHead { facts.append(ReportFact("trail", language.pick("审计链头", "Trail head"), hash)) }
        try self.facts(facts)
        if !totals.isEmpty {
            try section(language.pick("合计", "Totals"))
            try self.facts(totals.map { ReportFact($0.key, $0.label, String($0.count)) })
        }
    }

    public mutating func section(_ title: String) throws {
        sectionTitle = title
        line()
        line(title)
        line(String(repeating: "-", count: TextTable.displayWidth(SafeText.escape(title))))
        try output.rowDone()
    }

    public mutating func facts(_ facts: [ReportFact]) throws {
        let width = facts.map { TextTable.displayWidth($0.label) }.max() ?? 0
        for fact in facts {
            output.append(SafeText.escape(fact.label))
            output.append(language == .zh ? "：" : ": ")
            output.spaces(width - TextTable.displayWidth(fact.label))
            line(fact.value)
        }
        try output.rowDone()
    }

    public mutating func note(_ text: String) throws {
        line(text)
    }

    public mutating func chart(_ chart: ReportChart) throws {}

    public mutating func table(_ spec: ReportTableSpec, rows: ReportRows) throws {
        if spec.title.text(language) != sectionTitle { line(spec.title.text(language)) }
        sectionTitle = ""
        let header = spec.columns.map { $0.title.text(language) }
        var measure = TableMeasure(header: header)
        var empty = true
        try rows { cells in
            empty = false
            for (cell, column) in zip(cells, spec.columns) { Self.withBytes(column.display(cell)) { measure.text($0) } }
            measure.endRow()
        }
        guard !empty else {
            line(language.pick("（无）", "(none)"))
            return try output.rowDone()
        }
        var writer = TableWriter(out: output, header: header, widths: measure.widths)
        try rows { cells in
            for (cell, column) in zip(cells, spec.columns) { Self.withBytes(column.display(cell)) { writer.text($0) } }
            try writer.endRow()
        }
        output = writer.out
    }

    public mutating func signatures(_ roles: [String]) throws {
        line()
        for role in roles {
            line(role + language.pick("（签字）：______________    日期：__________", " (signature): ______________    Date: __________"))
        }
    }

    public mutating func end() throws {
        try output.flush()
    }

    static func withBytes(_ text: String, _ body: (CellText.Bytes) -> Void) {
        var text = text
        text.withUTF8 { body($0) }
    }
}
