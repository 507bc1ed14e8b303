/// `report violations`: the period's violations counted by type, severity, outcome, handling,
/// computer, department, person and month (each count once, shared by chart, table and totals),
/// then every violation with how it was handled.
enum ViolationsDocument {
    static func write<W: ReportWriter>(period: ReportPeriod, by: ViolationGrouping?, _ c: inout ReportContext,
                                       into writer: inout W) throws {
        let interval = c.interval(period)
        let source = c.source
        let total = try source.violationCount(in: interval)
        var groups: [ViolationGrouping: [KeyCount]] = [:]
        for grouping in ViolationGrouping.allCases where grouping != .month {
            groups[grouping] = try source.violationCounts(in: interval, by: grouping)
        }
        groups[.month] = try months(period).map { month in
            KeyCount(month.key, try source.violationCount(in: c.interval(month.period)))
        }
        let count = { (grouping: ViolationGrouping, key: String) in groups[grouping]?.first { $0.key == key }?.count ?? 0 }
        var totals = [ReportTotal("violations", c.t("违规总数", "Violations"), total)]
        totals += ViolationStatus.allCases.map { ReportTotal($0.rawValue, $0.names.text(c.language), count(.status, $0.rawValue)) }
        totals += Severity.allCases.reversed().map { ReportTotal($0.rawValue, $0.names.text(c.language), count(.severity, $0.rawValue)) }
        totals += [ViolationOutcome.blocked, .logged, .audited].map { ReportTotal($0.rawValue, ViolationReport.outcomeName($0, c.language), count(.outcome, $0.rawValue)) }
        totals += HandlingOutcome.allCases.map { ReportTotal($0.rawValue, $0.names.text(c.language), count(.handling, $0.rawValue)) }

        try writer.begin(try c.head(.violations, title: c.t("违规情况统计报告", "Violations report"), period: period), totals: totals)
        let language = c.language
        let context = c
        if let by, !writer.isForPeople {
            try table(by, groups[by] ?? [], main: true, context, into: &writer)
            return
        }
        for grouping in ViolationGrouping.allCases {
            let counts = groups[grouping] ?? []
            try writer.section(groupingTitle(grouping, language))
            if grouping == .month || grouping == .type {
                try writer.chart(ReportChart(title: groupingTitle(grouping, language),
                                             bars: counts.map { (name(grouping, $0.key, context), $0.count) }))
            }
            try table(grouping, counts, main: false, context, into: &writer)
        }
        try writer.section(c.t("违规明细及处理情况", "Each violation and how it was handled"))
        try writer.table(detailSpec, rows: { emit in
            var c = context
            try source.violations(in: interval, unhandled: false, person: nil) { v, department in
                try emit(detailCells(v, department: department, &c))
            }
        })
    }

    struct Month {
        let key: String
        let period: ReportPeriod
    }

    /// The calendar months the period touches, each cut to the period.
    static func months(_ period: ReportPeriod) throws -> [Month] {
        var months: [Month] = []
        var first = period.from
        while first <= period.to {
            let end = Day(year: first.year, month: first.month, day: Day.daysIn(month: first.month, year: first.year))!
            let last = min(end, period.to)
            months.append(Month(key: String(first.description.prefix(7)), period: try ReportPeriod(from: first, to: last)))
            first = last.adding(days: 1)
        }
        return months
    }

    static func groupingTitle(_ grouping: ViolationGrouping, _ l: Language) -> String {
        switch grouping {
        case .type: l.pick("按违规类型", "By type")
        case .severity: l.pick("按严重程度", "By severity")
        case .outcome: l.pick("按阻断结果", "By outcome")
        case .status: l.pick("按处理状态", "By state")
        case .handling: l.pick("按处理结果", "By handling outcome")
        case .computer: l.pick("按计算机", "By computer")
        case .department: l.pick("按部门", "By department")
        case .person: l.pick("按人员", "By person")
        case .month: l.pick("按月份", "By month")
        }
    }

    /// A grouping key as a person reads it: the type's or level's name, the person's name.
    static func name(_ grouping: ViolationGrouping, _ key: String, _ c: ReportContext) -> String {
        let l = c.language
        if key.isEmpty { return l.pick("（未注明）", "(none)") }
        switch grouping {
        case .type: return ViolationType(rawValue: key)?.names.text(l) ?? key
        case .severity: return Severity(rawValue: key)?.names.text(l) ?? key
        case .outcome: return ViolationOutcome(rawValue: key).map { ViolationReport.outcomeName($0, l) } ?? key
        case .status: return ViolationStatus(rawValue: key).map { $0.names.text(l) } ?? key
        case .handling: return HandlingOutcome(rawValue: key)?.names.text(l) ?? key
        case .person: return c.person(key)
        case .computer, .department, .month: return key
        }
    }

    static func table<W: ReportWriter>(_ grouping: ViolationGrouping, _ counts: [KeyCount], main: Bool, _ c: ReportContext,
                                       into writer: inout W) throws {
        let spec = ReportTableSpec(id: "by_\(grouping.rawValue)", title: Bilingual(zh: groupingTitle(grouping, .zh), en: groupingTitle(grouping, .en)),
                                   columns: [ReportColumn("key", zh: "键", en: "Key"), ReportColumn("name", zh: "名称", en: "Name"),
                                             ReportColumn("count", zh: "次数", en: "Count", .count)], main: main)
        try writer.table(spec, rows: { emit in
            for item in counts { try emit([item.key, name(grouping, item.key, c), String(item.count)]) }
        })
    }

    static let detailSpec = ReportTableSpec(id: "violations", title: Bilingual(zh: "违规明细", en: "Violations"), columns: [
        ReportColumn("id", zh: "编号", en: "#", .count), ReportColumn("at", zh: "时间", en: "Time", .time),
        ReportColumn("type", zh: "类型", en: "Type"), ReportColumn("severity", zh: "严重程度", en: "Severity"),
        ReportColumn("outcome", zh: "阻断结果", en: "Outcome"), ReportColumn("computer", zh: "计算机", en: "Computer"),
        ReportColumn("medium", zh: "介质", en: "Medium"), ReportColumn("person", zh: "人员", en: "Person"),
        ReportColumn("department", zh: "部门", en: "Department"), ReportColumn("reason", zh: "原因", en: "Reason"),
        ReportColumn("status", zh: "处理状态", en: "State"), ReportColumn("handling", zh: "处理结果", en: "Outcome of handling"),
        ReportColumn("responsible", zh: "责任人", en: "Responsible"), ReportColumn("handled_by", zh: "处理人", en: "Handled by"),
        ReportColumn("handled_at", zh: "处理时间", en: "Handled at", .time), ReportColumn("note", zh: "处理说明", en: "Note"),
    ], main: true)

    static func detailCells(_ v: ViolationRecord, department: String?, _ c: inout ReportContext) -> [String] {
        let l = c.language
        return [v.id.map { String($0) } ?? "", c.stamp(v.at), v.type.names.text(l), v.severity.names.text(l),
                ViolationReport.outcomeName(v.outcome, l), v.computer ?? "", v.mediumNumber ?? "", c.person(v.person),
                department ?? "", v.reason.text(l), v.status.names.text(l), v.handling?.names.text(l) ?? "",
                c.person(v.responsible), v.handledBy ?? v.acknowledgedBy ?? "", c.stamp(v.handledAt ?? v.acknowledgedAt),
                v.handlingNote ?? v.note ?? ""]
    }
}
