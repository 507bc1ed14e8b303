/// The parts an officer's report is made of, independent of how it is printed. Each report
/// (`ViolationsReport`, `AuditReport`, …) says once what it contains, in order, to a `ReportWriter`;
/// the terminal, HTML, CSV and JSON writers each lay those parts out their way. So a number in a
/// chart, in a table and in JSON's totals is the same number: it was handed over once.

/// One column of a report table: a stable key (JSON member, CSV never shows it), the heading a
/// person reads, and what its cells hold.
public struct ReportColumn: Sendable {
    public enum Kind: Sendable {
        case text
        /// Whole numbers: JSON numbers, right-aligned in HTML.
        case count
        /// Instants, handed over in RFC 3339 with the offset (JSON keeps them so); the other
        /// formats print them `2026-11-22 17:30:00 +08:00`.
        case time
    }

    public let key: String
    public let title: Bilingual
    public let kind: Kind

    public init(_ key: String, zh: String, en: String, _ kind: Kind = .text) {
        self.key = key
        self.title = Bilingual(zh: zh, en: en)
        self.kind = kind
    }

    /// The cell as a person reads it.
    func display(_ cell: String) -> String {
        kind == .time ? LocalTime.display(rfc3339: cell) : cell
    }
}

/// A table of a report. The `main` table is the report's `rows`: what CSV holds and JSON's `rows`
/// member; a report has exactly one, and it comes last among the report's tables.
public struct ReportTableSpec: Sendable {
    public let id: String
    public let title: Bilingual
    public let columns: [ReportColumn]
    public let main: Bool

    public init(id: String, title: Bilingual, columns: [ReportColumn], main: Bool = false) {
        self.id = id
        self.title = title
        self.columns = columns
        self.main = main
    }
}

/// A table's rows, produced on demand by calling `emit` once per row with the row's cells (as many
/// as the table has columns). A terminal table runs it twice (widths first), so it must give the
/// same rows each time: the reports read inside one transaction.
public typealias ReportRows = (_ emit: ([String]) throws -> Void) throws -> Void

/// A count with its key (JSON `totals`) and label.
public struct ReportTotal: Sendable, Hashable {
    public let key: String
    public let label: String
    public let count: Int

    public init(_ key: String, _ label: String, _ count: Int) {
        self.key = key
        self.label = label
        self.count = count
    }
}

/// A labelled value in a report's overview (计算机编号: PC-001).
public struct ReportFact: Sendable, Hashable {
    public let key: String
    public let label: String
    public let value: String

    public init(_ key: String, _ label: String, _ value: String) {
        self.key = key
        self.label = label
        self.value = value
    }
}

/// Bars for a chart, drawn from the same counts as the table beside it.
public struct ReportChart: Sendable {
    public let title: String
    public let bars: [(label: String, count: Int)]

    public init(title: String, bars: [(label: String, count: Int)]) {
        self.title = title
        self.bars = bars
    }
}

/// What every page of a report says about where it comes from.
public struct ReportHead: Sendable {
    /// `violations`, `audit`, …: JSON's `report`.
    public var report: String
    public var title: String
    public var language: Language
    /// The unit (单位) and this computer, as the ledger names them.
    public var unit: String?
    public var computer: String?
    public var period: ReportPeriod?
    /// The zone the report's times are printed in (`+08:00` or `Asia/Shanghai`).
    public var zone: String
    /// RFC 3339 with the offset.
    public var generatedAt: String
    /// The hash at the head of the admin trail: the reader can check the report against the ledger.
    public var trailHead: String?

    public init(report: String, title: String, language: Language, unit: String?, computer: String?,
                period: ReportPeriod?, zone: String, generatedAt: String, trailHead: String?) {
        self.report = report
        self.title = title
        self.language = language
        self.unit = unit
        self.computer = computer
        self.period = period
        self.zone = zone
        self.generatedAt = generatedAt
        self.trailHead = trailHead
    }
}

/// Lays out a report's parts in one format. Calls come in reading order: `begin`, then sections,
/// facts, notes, charts, tables and signatures in any order, then `end`.
public protocol ReportWriter {
    mutating func begin(_ head: ReportHead, totals: [ReportTotal]) throws
    mutating func section(_ title: String) throws
    mutating func facts(_ facts: [ReportFact]) throws
    mutating func note(_ text: String) throws
    mutating func chart(_ chart: ReportChart) throws
    mutating func table(_ spec: ReportTableSpec, rows: ReportRows) throws
    /// The blanks for signatures (审计员, 保密员, 单位负责人) and the date line.
    mutating func signatures(_ roles: [String]) throws
    mutating func end() throws
    /// True for the forms read by people (terminal, HTML), which show every part; CSV and JSON carry
    /// data, so `--by` narrows their rows to one grouping.
    var isForPeople: Bool { get }
    /// The output, once `end` has flushed it.
    var output: ReportOutput { get }
}

extension Language {
    /// The text in this language: for the many labels of the reports.
    @inline(__always)
    func pick(_ zh: String, _ en: String) -> String { self == .zh ? zh : en }
}
