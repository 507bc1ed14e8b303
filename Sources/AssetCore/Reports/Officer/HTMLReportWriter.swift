/// A report as one self-contained HTML file an officer prints and files: no script, nothing
/// fetched, fonts that Debian's CJK packages provide, A4 pages with the unit and computer at the
/// top, the generation time and the trail head at the bottom, page numbers, and table headers
/// repeated on every page. Charts are inline SVG drawn from the counts the tables beside them show.
public struct HTMLReportWriter: ReportWriter {
    public private(set) var output: ReportOutput
    public var isForPeople: Bool { true }
    private var language: Language = .zh
    /// The last section's title: a table named the same is not captioned twice.
    private var sectionTitle = ""

    public init(output: ReportOutput) {
        self.output = output
    }

    public mutating func begin(_ head: ReportHead, totals: [ReportTotal]) throws {
        language = head.language
        let top = [head.unit, head.computer].compactMap { $0 }.joined(separator: " · ")
        let generated = language.pick("生成于 ", "Generated ") + LocalTime.display(rfc3339: head.generatedAt)
        let trail = head.trailHead.map { language.pick("审计链头 ", "Trail head ") + $0 } ?? ""
        output.append("""
            <!DOCTYPE html>
            <html lang="\(language == .zh ? "zh-CN" : "en")">
            <head>
            <meta charset="utf-8">
            <meta name="generator" content="mediactl \(MediadVersion.string)">
            <title>\(HTMLText.escape(head.title))</title>
            <style>
            \(HTMLStyle.sheet)
            @page { @top-left { content: \(HTMLText.cssString(top)); }
                    @top-right { content: \(HTMLText.cssString(head.title)); }
                    @bottom-left { content: \(HTMLText.cssString(generated + "  " + trail)); }
                    @bottom-right { content: counter(page) " / " counter(pages); } }
            </style>
            </head>
            <body data-report="\(HTMLText.escape(head.report))">
            <header class="screen">\(HTMLText.escape(top))</header>
            <h1>\(HTMLText.escape(head.title))</h1>

            """)
        var facts: [ReportFact] = []
        if let unit = head.unit { facts.append(ReportFact("unit", language.pick("单位", "Unit"), unit)) }
        if let computer = head.computer { facts.append(ReportFact("computer", language.pick("计算机", "Computer"), computer)) }
        if let period = head.period {
            facts.append(ReportFact("period", language.pick("时间段", "Period"), "\(period) (\(head.zone))"))
        }
        facts.append(ReportFact("generated", language.pick("生成时间", "Generated"), LocalTime.display(rfc3339: head.generatedAt)))
        try self.facts(facts)
        if !totals.isEmpty {
            output.append("<h2>\(HTMLText.escape(language.pick("合计", "Totals")))</h2>\n<dl class=\"totals\">\n")
            for total in totals {
                output.append("<dt>\(HTMLText.escape(total.label))</dt><dd data-key=\"\(HTMLText.escape(total.key))\">\(total.count)</dd>\n")
            }
            output.append("</dl>\n")
        }
        output.append("<footer class=\"screen\">\(HTMLText.escape(generated))<br>\(HTMLText.escape(trail))</footer>\n")
    }

    public mutating func section(_ title: String) throws {
        sectionTitle = title
        output.append("<h2>\(HTMLText.escape(title))</h2>\n")
    }

    public mutating func facts(_ facts: [ReportFact]) throws {
        output.append("<dl class=\"facts\">\n")
        for fact in facts {
            output.append("<dt>\(HTMLText.escape(fact.label))</dt><dd data-key=\"\(HTMLText.escape(fact.key))\">\(HTMLText.escape(fact.value))</dd>\n")
        }
        output.append("</dl>\n")
    }

    public mutating func note(_ text: String) throws {
        output.append("<p>\(HTMLText.escape(text))</p>\n")
    }

    public mutating func chart(_ chart: ReportChart) throws {
        output.append(BarChartSVG.draw(chart))
    }

    public mutating func table(_ spec: ReportTableSpec, rows: ReportRows) throws {
        // A table wider than a portrait page prints on landscape pages of its own.
        let classes = (spec.main ? ["main"] : []) + (spec.columns.count > Self.portraitColumns ? ["wide"] : [])
        output.append("<table id=\"t-\(HTMLText.escape(spec.id))\"\(classes.isEmpty ? "" : " class=\"\(classes.joined(separator: " "))\"")>\n")
        let title = spec.title.text(language)
        if title != sectionTitle { output.append("<caption>\(HTMLText.escape(title))</caption>\n") }
        sectionTitle = ""
        output.append("<thead><tr>")
        for column in spec.columns {
            output.append("<th>\(HTMLText.escape(column.title.text(language)))</th>")
        }
        output.append("</tr></thead>\n<tbody>\n")
        var count = 0
        try rows { cells in
            count += 1
            output.append("<tr>")
            for (cell, column) in zip(cells, spec.columns) {
                output.append(column.kind == .count ? "<td class=\"n\">" : column.kind == .time ? "<td class=\"t\">" : "<td>")
                output.append(HTMLText.escape(column.display(cell)))
                output.append("</td>")
            }
            output.append("</tr>\n")
            try output.rowDone()
        }
        if count == 0 {
            output.append("<tr class=\"none\"><td colspan=\"\(spec.columns.count)\">\(HTMLText.escape(language.pick("（无）", "(none)")))</td></tr>\n")
        }
        output.append("</tbody>\n</table>\n")
    }

    /// Columns that still read well on a portrait A4 page.
    static let portraitColumns = 8

    public mutating func signatures(_ roles: [String]) throws {
        output.append("<section class=\"signatures\">\n")
        for role in roles {
            output.append("<div class=\"signature\"><span>\(HTMLText.escape(role))\(language.pick("（签字）", " (signature)"))</span><span class=\"blank\"></span><span>\(HTMLText.escape(language.pick("日期", "Date")))</span><span class=\"blank short\"></span></div>\n")
        }
        output.append("</section>\n")
    }

    public mutating func end() throws {
        output.append("</body>\n</html>\n")
        try output.flush()
    }
}

/// The report's style: A4, CJK fonts first, tables that break between rows with their headers
/// repeated (Chromium repeats a `thead` on each printed page).
enum HTMLStyle {
    static let sheet = """
        @page { size: A4; margin: 18mm 14mm 18mm 14mm;
                @top-left { font-size: 8pt; color: #444; } @top-right { font-size: 8pt; color: #444; }
                @bottom-left { font-size: 7pt; color: #444; } @bottom-right { font-size: 8pt; } }
        html { font-family: "Noto Sans CJK SC", "Noto Serif CJK SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei",
               "Source Han Sans SC", "DejaVu Sans", sans-serif; font-size: 10pt; color: #000; }
        body { margin: 0 auto; max-width: 190mm; }
        h1 { font-size: 16pt; text-align: center; margin: 4mm 0; }
        h2 { font-size: 12pt; margin: 6mm 0 2mm; border-bottom: 1px solid #000; break-after: avoid; }
        dl { display: grid; grid-template-columns: max-content auto; gap: 1mm 4mm; margin: 2mm 0; }
        dt { font-weight: bold; } dd { margin: 0; overflow-wrap: anywhere; }
        dl.totals { grid-template-columns: repeat(3, max-content minmax(15mm, auto)); }
        table { border-collapse: collapse; width: 100%; margin: 2mm 0 4mm; font-size: 8.5pt; }
        caption { text-align: left; font-weight: bold; padding: 1mm 0; }
        th, td { border: 0.5pt solid #000; padding: 0.8mm 1.2mm; vertical-align: top; overflow-wrap: break-word; }
        th { background: #e8e8e8; } thead { display: table-header-group; }
        tr { break-inside: avoid; } td.n { text-align: right; white-space: nowrap; }
        td.t { white-space: nowrap; font-size: 7.5pt; }
        @page wide { size: A4 landscape; } table.wide { page: wide; }
        h2 + dl, h2 + table, h2 + svg { break-before: avoid; }
        svg.chart { display: block; margin: 2mm 0; break-inside: avoid; }
        .signatures { margin-top: 10mm; break-inside: avoid; }
        .signature { display: flex; gap: 3mm; align-items: flex-end; margin: 6mm 0; }
        .blank { flex: 1; border-bottom: 0.5pt solid #000; min-height: 6mm; } .blank.short { flex: 0 0 35mm; }
        header.screen, footer.screen { font-size: 8pt; color: #444; }
        footer.screen { margin: 2mm 0; overflow-wrap: anywhere; }
        @media print { header.screen, footer.screen { display: none; } }
        """
}

/// Escaping for HTML text and attributes, and for CSS strings: the one rule for every byte of
/// ledger text (device names, notes, reasons: hostile input) that reaches a report page.
enum HTMLText {
    static func escape(_ text: String) -> String {
        let safe = SafeText.escape(text)
        guard safe.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) else { return safe }
        var out = ""
        for character in safe.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    /// A quoted CSS string: every ASCII character but letters, digits and space as a six-digit
    /// escape, so nothing can end the string or the style element. Each escape ends with a space,
    /// which CSS takes as part of it (a space written after it would be swallowed otherwise).
    static func cssString(_ text: String) -> String {
        var out = "\""
        for scalar in SafeText.escape(text).unicodeScalars {
            if scalar.isASCII, !(scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == " ") {
                let hex = String(scalar.value, radix: 16)
                out += "\\" + String(repeating: "0", count: 6 - hex.count) + hex + " "
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

/// A horizontal bar chart as inline SVG.
enum BarChartSVG {
    static func draw(_ chart: ReportChart) -> String {
        let rowHeight = 18, labelWidth = 220, barWidth = 380, top = 24
        let height = top + max(chart.bars.count, 1) * rowHeight + 8
        let largest = max(chart.bars.map(\.count).max() ?? 0, 1)
        var svg = "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"660\" height=\"\(height)\" viewBox=\"0 0 660 \(height)\" role=\"img\">\n"
        svg += "<title>\(HTMLText.escape(chart.title))</title>\n"
        svg += "<text x=\"0\" y=\"14\" font-size=\"12\" font-weight=\"bold\">\(HTMLText.escape(chart.title))</text>\n"
        for (index, bar) in chart.bars.enumerated() {
            let y = top + index * rowHeight
            let width = bar.count == 0 ? 0 : max(1, bar.count * barWidth / largest)
            svg += "<text x=\"\(labelWidth - 6)\" y=\"\(y + 12)\" font-size=\"10\" text-anchor=\"end\">\(HTMLText.escape(bar.label))</text>"
            svg += "<rect class=\"bar\" x=\"\(labelWidth)\" y=\"\(y + 2)\" width=\"\(width)\" height=\"\(rowHeight - 5)\" fill=\"#4a6fa5\" data-count=\"\(bar.count)\"/>"
            svg += "<text x=\"\(labelWidth + width + 4)\" y=\"\(y + 12)\" font-size=\"10\">\(bar.count)</text>\n"
        }
        return svg + "</svg>\n"
    }
}
