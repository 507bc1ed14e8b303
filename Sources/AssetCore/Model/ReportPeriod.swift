/// The days a report covers, both ends included, on the officer's calendar: a quarter's audit
/// report runs from the first day of its first month to the last day of its third, in local time.
public struct ReportPeriod: Sendable, Hashable, Codable, CustomStringConvertible {
    public let from: Day
    public let to: Day

    /// Refuses a period that ends before it begins.
    public init(from: Day, to: Day) throws(LedgerError) {
        guard from <= to else {
            throw LedgerError(.validation, zh: "时间段为空：起始日 \(from) 晚于结束日 \(to)",
                              en: "the period is empty: it starts on \(from), after its end on \(to)")
        }
        self.from = from
        self.to = to
    }

    /// `2026`: the calendar year.
    public static func year(_ text: String) throws(LedgerError) -> ReportPeriod {
        let text = text.trimmingWhitespace()
        guard text.count == 4, let year = Int(text), let from = Day(year: year, month: 1, day: 1),
              let to = Day(year: year, month: 12, day: 31) else {
            throw LedgerError(.validation, zh: "年份 “\(SafeText.escape(text))” 无效：应为四位年份，例如 2026",
                              en: "year '\(SafeText.escape(text))' is not valid: expected four digits, for example 2026")
        }
        return try ReportPeriod(from: from, to: to)
    }

    /// `2026Q4` (also `2026-Q4`, `2026q4`): the quarter's three months.
    public static func quarter(_ text: String) throws(LedgerError) -> ReportPeriod {
        let cleaned = text.trimmingWhitespace().uppercased().replacingOccurrences(of: "-", with: "")
        let parts = cleaned.split(separator: "Q", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, let year = Int(parts[0]), parts[1].count == 1,
              let quarter = Int(parts[1]), (1...4).contains(quarter),
              let from = Day(year: year, month: quarter * 3 - 2, day: 1) else {
            throw LedgerError(.validation, zh: "季度 “\(SafeText.escape(text))” 无效：应为 年份Q1 至 年份Q4，例如 2026Q4",
                              en: "quarter '\(SafeText.escape(text))' is not valid: expected YEARQ1 to YEARQ4, for example 2026Q4")
        }
        let lastMonth = quarter * 3
        let to = Day(year: year, month: lastMonth, day: Day.daysIn(month: lastMonth, year: year))!
        return try ReportPeriod(from: from, to: to)
    }

    /// The period from the options a report takes: exactly one of `--quarter`, `--year`, or
    /// `--from`/`--to` (either end may be left open: from the ledger's start, or to `today`).
    public static func from(quarter: String?, year: String?, from: Day?, to: Day?, today: Day,
                            default fallback: ReportPeriod?) throws(LedgerError) -> ReportPeriod? {
        let ways = [quarter != nil, year != nil, from != nil || to != nil].filter { $0 }.count
        guard ways <= 1 else {
            throw LedgerError(.usage, zh: "--quarter、--year 与 --from/--to 只能选一种",
                              en: "give only one of --quarter, --year and --from/--to")
        }
        if let quarter { return try Self.quarter(quarter) }
        if let year { return try Self.year(year) }
        if from != nil || to != nil {
            return try ReportPeriod(from: from ?? Day(year: 1900, month: 1, day: 1)!, to: to ?? today)
        }
        return fallback
    }

    /// `2026-10-01 – 2026-12-31`.
    public var description: String { "\(from) – \(to)" }

    /// The instants the period spans in a zone: from the start of its first day up to (not
    /// including) the start of the day after its last.
    public func instants(in time: LocalTime) -> (start: Timestamp, end: Timestamp) {
        (time.start(of: from), time.start(of: to.adding(days: 1)))
    }
}

extension Day {
    /// The day `days` later (or earlier, when negative).
    public func adding(days: Int) -> Day {
        let (y, m, d) = Timestamp.civil(fromDays: Timestamp.days(fromCivil: year, month, day) + days)
        return Day(year: y, month: m, day: d) ?? self
    }

    /// Days from `other` to this day.
    public func days(since other: Day) -> Int {
        Timestamp.days(fromCivil: year, month, day) - Timestamp.days(fromCivil: other.year, other.month, other.day)
    }
}
