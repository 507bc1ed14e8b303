/// The reports and forms an officer hands in (domain.md, "Periodic duties and the forms they
/// produce"), each out of the ledger in one command: `mediactl report NAME`.
public enum OfficerReportKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// Violations counted every way, then each with how it was handled.
    case violations
    /// 涉密计算机安全保密审计报告: a quarter of this computer's records.
    case audit
    /// The year's statistics, with the 密级变更和解密情况统计表.
    case annual
    /// What an officer must chase now.
    case outstanding
    /// 涉密载体登记台账.
    case ledger
    /// 涉密计算机台账.
    case computers
    /// 销毁清单.
    case destruction
    /// 离岗审计 of one person.
    case person
    /// 清查核对表 of one check.
    case check

    /// Whether the report covers a period (the others describe the ledger as it is now).
    public var takesPeriod: Bool {
        switch self {
        case .violations, .audit, .annual, .destruction: true
        case .outstanding, .ledger, .computers, .person, .check: false
        }
    }
}

/// One report as asked for: by mediactl in local mode, or sent to the daemon, which prints it.
public struct OfficerReportRequest: Sendable, Hashable, Codable {
    public var kind: OfficerReportKind
    /// The days covered; nil takes the report's default (see `OfficerReports.defaultPeriod`).
    public var period: ReportPeriod?
    /// `report violations --by`: only this grouping's counts, as the rows of CSV and JSON.
    public var by: ViolationGrouping?
    /// `report person ID`.
    public var person: String?
    /// `report check ID`.
    public var check: Int64?
    public var zone: ZoneChoice
    /// `--computer`: one computer's part of the ledger (at the hub, one computer of the unit).
    public var computer: String?

    public init(kind: OfficerReportKind, period: ReportPeriod? = nil, by: ViolationGrouping? = nil,
                person: String? = nil, check: Int64? = nil, zone: ZoneChoice = .system, computer: String? = nil) {
        self.computer = computer
        self.kind = kind
        self.period = period
        self.by = by
        self.person = person
        self.check = check
        self.zone = zone
    }
}

/// What every report needs while it is written: the ledger, the reader's language and zone, now.
struct ReportContext {
    let source: any ReportSource
    let language: Language
    var time: LocalTime
    let now: Timestamp
    let zoneName: String
    let people: [String: Person]

    func t(_ zh: String, _ en: String) -> String { language.pick(zh, en) }

    /// RFC 3339 in the report's zone (time columns are handed over so).
    mutating func stamp(_ time: Timestamp?) -> String {
        guard let time else { return "" }
        return self.time.rfc3339(time)
    }

    var today: Day {
        mutating get { time.day(of: now) }
    }

    func interval(_ period: ReportPeriod) -> Interval {
        let (start, end) = period.instants(in: time)
        return Interval(start: start, end: end)
    }

    /// `张三 (P001)`, or the id alone when the ledger does not know it.
    func person(_ id: String?) -> String {
        guard let id, !id.isEmpty else { return "" }
        guard let person = people[id] else { return id }
        return "\(person.name) (\(id))"
    }

    func head(_ report: OfficerReportKind, title: String, period: ReportPeriod?) throws -> ReportHead {
        var time = self.time
        let computer = try source.thisComputer()
        let computerText = computer.map { c in [c.assetNumber, c.name, c.location].compactMap { $0 }.joined(separator: " ") }
        return ReportHead(report: report.rawValue, title: title, language: language, unit: computer?.unit ?? source.unit?.unitName,
                          computer: computerText, period: period, zone: zoneName,
                          generatedAt: time.rfc3339(now), trailHead: try source.trailHead())
    }
}

/// Writes the officer's reports.
public enum OfficerReports {
    /// The period a report covers when none is given: the year so far for violations and
    /// destructions, the last finished quarter for the audit report (it is written after the
    /// quarter ends), the last finished year for the annual statistics (due by the end of February).
    public static func defaultPeriod(_ kind: OfficerReportKind, today: Day) -> ReportPeriod? {
        switch kind {
        case .violations, .destruction:
            return try? ReportPeriod(from: Day(year: today.year, month: 1, day: 1)!, to: today)
        case .audit:
            let quarter = (today.month - 1) / 3
            let (year, last) = quarter == 0 ? (today.year - 1, 4) : (today.year, quarter)
            return try? ReportPeriod.quarter("\(year)Q\(last)")
        case .annual:
            return try? ReportPeriod.year(String(today.year - 1))
        case .outstanding, .ledger, .computers, .person, .check:
            return nil
        }
    }

    /// Writes the report through `writer`, reading everything from `source` (inside one read
    /// transaction, so its parts agree).
    public static func write<W: ReportWriter>(_ request: OfficerReportRequest, language: Language, source: any ReportSource,
                                              now: Timestamp, rules: TimeZoneRules, into writer: inout W) throws {
        let people = Dictionary(try source.people().map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var context = ReportContext(source: source, language: language, time: LocalTime(rules: rules), now: now,
                                    zoneName: request.zone == .system ? LocalTime.offsetText(rules.offset(at: now.secondsSinceEpoch)) : request.zone.description,
                                    people: people)
        let period = request.kind.takesPeriod ? (request.period ?? defaultPeriod(request.kind, today: context.today)) : nil
        switch request.kind {
        case .violations: try ViolationsDocument.write(period: period!, by: request.by, &context, into: &writer)
        case .audit: try AuditDocument.write(period: period!, &context, into: &writer)
        case .annual: try AnnualDocument.write(period: period!, &context, into: &writer)
        case .outstanding: try OutstandingDocument.write(&context, into: &writer)
        case .ledger: try RegisterDocuments.ledger(&context, into: &writer)
        case .computers: try RegisterDocuments.computers(&context, into: &writer)
        case .destruction: try RegisterDocuments.destruction(period: period!, &context, into: &writer)
        case .person:
            guard let id = request.person, let person = people[id] else {
                let id = request.person ?? ""
                throw LedgerError(.notFound, zh: "没有编号为 \(SafeText.escape(id)) 的人员（mediactl person list 列出所有人员）",
                                  en: "no person with id \(SafeText.escape(id)) (mediactl person list shows everyone)")
            }
            try PersonDocument.write(person, &context, into: &writer)
        case .check:
            guard let id = request.check, let check = try source.mediaCheck(id: id) else {
                throw LedgerError.checkNotFound(request.check ?? 0)
            }
            try CheckDocument.write(check, &context, into: &writer)
        }
        try writer.end()
    }
}
