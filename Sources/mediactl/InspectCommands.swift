import ArgumentParser
import AssetCore
import Foundation

/// `inspect --format`: the form for a person (text, or HTML to print and sign) or the stored record
/// (JSON). Its own values because the spec's words are text|json|html; `table` is taken for text,
/// as every other command calls it.
enum InspectFormat: String, CaseIterable, ExpressibleByArgument {
    case text, json, html

    init?(argument: String) {
        guard let value = ArgumentRefusal.converting(argument, { text throws(LedgerError) in
            if text == "table" { return InspectFormat.text }
            guard let format = InspectFormat(rawValue: text) else {
                throw LedgerError(.usage, zh: "输出格式 “\(SafeText.escape(text))” 无效：应为 text、json 或 html",
                                  en: "output format '\(SafeText.escape(text))' is not valid: expected text, json or html")
            }
            return format
        }) else { return nil }
        self = value
    }
}

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "保密检查: check this computer now; pass, warn or fail for each item.",
        discussion: """
            Checks the guard (running, enforcing, locked down), this computer's record, the links, \
            the devices attached, the admin trail, guard gaps, old open violations, overdue loans, \
            media held by people who left, the last media check and the clock. Each run is stored.

            Exit status 0 when nothing fails (warnings included), 1 when an item fails. With --db \
            mediad is not asked, and the guard's items fail.
            """)
    @OptionGroup var globals: GlobalOptions
    @Option(help: "text, json or html.") var format: InspectFormat = .text
    @OptionGroup var when: ZoneOption

    func run() throws {
        let s = Session(globals: globals)
        let record = try s.inspect()
        switch format {
        case .json: try Output.json(record)
        case .text, .html: try print(record, s)
        }
        if record.result == .fail { throw ExitCode(1) }
    }

    private func print(_ record: InspectionRecord, _ s: Session) throws {
        var output = ReportOutput(sink: StandardOutput.write)
        do {
            let zone = when.zone
            let rules = try zone.rules()
            let name = zone == .system ? LocalTime.offsetText(rules.offset(at: record.at.secondsSinceEpoch)) : zone.description
            if format == .html {
                var writer = HTMLReportWriter(output: output)
                try InspectionDocument.write(record, language: s.language, rules: rules, zoneName: name, into: &writer)
                output = writer.output
            } else {
                var writer = TextReportWriter(output: output)
                try InspectionDocument.write(record, language: s.language, rules: rules, zoneName: name, into: &writer)
                output = writer.output
            }
            try output.flush()
        } catch let error as LedgerError {
            throw s.fail(output.cause(of: error))
        }
    }
}

struct InspectionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspections",
        abstract: "Every stored inspection: when, who, the result, the items that failed.")
    @OptionGroup var globals: GlobalOptions
    @Option(help: "table, json or csv.") var format: ReportFormat = .table
    @OptionGroup var when: ZoneOption

    func run() throws {
        let s = Session(globals: globals)
        guard case .inspections(let records) = try s.perform(.inspections) else { return }
        if format == .json { return try Output.json(records) }
        let r = try Render(language: s.language, zone: when.zone)
        let header = ["#", r.t("时间", "TIME"), r.t("检查人", "BY"), r.t("结果", "RESULT"), r.t("不通过项", "FAILED")]
        let rows = records.map { record in
            [String(record.id ?? 0), r.stamp(record.at), "\(record.actor.name)(\(record.actor.uid))",
             record.result.names.text(s.language), record.failing.map(\.rawValue).joined(separator: ", ")]
        }
        try r.print(SmallTable(header: header, rows: rows), format: format, report: "inspect --format html")
    }
}

extension Session {
    /// One inspection: through mediad, which adds what only it knows; with --db, here, without it,
    /// so the guard's items fail (an inspection that cannot see the guard never passes it).
    func inspect() throws -> InspectionRecord {
        do {
            if let path = localDatabase {
                return try InventoryService(store: try LedgerStore(path: path)).inspect(live: nil, caller: localCaller)
            }
            switch try live(.inspect) {
            case .inspection(let record): return record
            default: throw ControlClientError.unexpectedReply
            }
        } catch let error as CommandFailure {
            throw fail(error)
        }
    }
}
