/// `report annual`: the year's statistics (003) — media at the year's end by kind, level and
/// state, the movements of the year, and the 密级变更和解密情况统计表 (every change of level and
/// every declassification, with approver and reason).
enum AnnualDocument {
    /// The movements the yearly form counts, in its order.
    static let countedMovements: [MovementKind] = [.register, .imported, .loan, .carryOut, .giveBack, .repair, .retire,
                                                   .destroy, .lost, .found, .handBack, .reissue, .transfer, .reclassify]

    static func write<W: ReportWriter>(period: ReportPeriod, _ c: inout ReportContext, into writer: inout W) throws {
        let interval = c.interval(period)
        let source = c.source
        let l = c.language
        var byKind: [MediumKind: Int] = [:], byLevel: [Level: Int] = [:], byState: [MediumState: Int] = [:]
        var held = 0
        try source.media(asOf: interval.end) { medium in
            held += 1
            byKind[medium.kind, default: 0] += 1
            byLevel[medium.level, default: 0] += 1
            byState[medium.state, default: 0] += 1
        }
        var moves: [MovementKind: Int] = [:]
        var changes = 0, declassified = 0
        try source.movements(in: interval, kinds: nil) { movement in
            moves[movement.kind, default: 0] += 1
            if movement.kind == .reclassify {
                changes += 1
                if isDeclassification(movement) { declassified += 1 }
            }
        }
        let totals = [
            ReportTotal("media_at_year_end", c.t("年末介质总数", "Media at the period's end"), held),
            ReportTotal("registered", c.t("本期登记", "Registered"), moves[.register, default: 0] + moves[.imported, default: 0]),
            ReportTotal("destroyed", c.t("本期销毁", "Destroyed"), moves[.destroy, default: 0]),
            ReportTotal("lost", c.t("本期遗失", "Lost"), moves[.lost, default: 0]),
            ReportTotal("level_changes", c.t("密级变更", "Level changes"), changes),
            ReportTotal("declassified", c.t("解密", "Declassified"), declassified),
        ]
        let title = period.from.month == 1 && period.from.day == 1 && period.to.month == 12 && period.to.day == 31 && period.from.year == period.to.year
            ? c.t("\(period.from.year)年度涉密载体统计报告", "Classified media statistics, \(period.from.year)")
            : c.t("涉密载体统计报告", "Classified media statistics")
        try writer.begin(try c.head(.annual, title: title, period: period), totals: totals)

        try writer.section(c.t("一、期末介质情况", "1. Media at the period's end"))
        try countTable("by_kind", Bilingual(zh: "按类别", en: "By kind"),
                       MediumKind.allCases.map { ($0.rawValue, $0.name(l), byKind[$0, default: 0]) }, into: &writer)
        try countTable("by_level", Bilingual(zh: "按密级", en: "By level"),
                       Level.allCases.map { ($0.rawValue, $0.name(l), byLevel[$0, default: 0]) }, into: &writer)
        try countTable("by_state", Bilingual(zh: "按状态", en: "By state"),
                       MediumState.allCases.map { ($0.rawValue, $0.name(l), byState[$0, default: 0]) }, into: &writer)

        try writer.section(c.t("二、本期流转情况", "2. Movements in the period"))
        let moved = countedMovements.map { ($0.rawValue, $0.name(l), moves[$0, default: 0]) }
        try writer.chart(ReportChart(title: c.t("本期流转", "Movements"), bars: moved.map { ($0.1, $0.2) }))
        try countTable("movements", Bilingual(zh: "流转统计", en: "Movements"), moved, into: &writer)

        try writer.section(c.t("三、密级变更和解密情况统计表", "3. Changes of level and declassifications"))
        let context = c
        var kinds: [String: MediumKind] = [:]
        try source.media(asOf: nil) { kinds[$0.number] = $0.kind }
        try writer.table(ReportTableSpec(id: "level_changes", title: Bilingual(zh: "密级变更和解密情况统计表", en: "Changes of level and declassifications"), columns: [
            ReportColumn("number", zh: "载体编号", en: "Number"), ReportColumn("kind", zh: "类别", en: "Kind"),
            ReportColumn("from_level", zh: "原密级", en: "From"), ReportColumn("to_level", zh: "变更后密级", en: "To"),
            ReportColumn("change", zh: "变更类型", en: "Change"), ReportColumn("at", zh: "变更时间", en: "When", .time),
            ReportColumn("approver", zh: "批准人", en: "Approver"), ReportColumn("reason", zh: "原因", en: "Reason"),
            ReportColumn("by", zh: "经办人", en: "Recorded by"),
        ], main: true), rows: { emit in
            var c = context
            try source.movements(in: interval, kinds: [.reclassify]) { m in
                try emit([m.number, kinds[m.number]?.name(l) ?? "", m.fromLevel?.name(l) ?? "", m.toLevel?.name(l) ?? "",
                          changeName(m, l), c.stamp(m.at), m.approver ?? "", m.reason ?? m.note ?? "", m.actor.name])
            }
        })
    }

    /// 解密: from a state-secret level to one that is not (内部, 非密).
    static func isDeclassification(_ m: Movement) -> Bool {
        guard let from = m.fromLevel, let to = m.toLevel else { return false }
        return from.isStateSecret && !to.isStateSecret
    }

    static func changeName(_ m: Movement, _ l: Language) -> String {
        if isDeclassification(m) { return l.pick("解密", "declassified") }
        guard let from = m.fromLevel, let to = m.toLevel else { return "" }
        return to > from ? l.pick("升密", "raised") : l.pick("降密", "lowered")
    }

    static func countTable<W: ReportWriter>(_ id: String, _ title: Bilingual, _ rows: [(String, String, Int)], into writer: inout W) throws {
        try writer.table(ReportTableSpec(id: id, title: title, columns: [
            ReportColumn("key", zh: "键", en: "Key"), ReportColumn("name", zh: "名称", en: "Name"),
            ReportColumn("count", zh: "数量", en: "Count", .count),
        ]), rows: { emit in
            for (key, name, count) in rows { try emit([key, name, String(count)]) }
        })
    }
}
