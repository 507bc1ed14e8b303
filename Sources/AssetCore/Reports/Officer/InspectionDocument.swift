/// 保密检查记录: one inspection as a form, through the officer reports' writers, so the terminal
/// (`TextReportWriter`) and the printed page (`HTMLReportWriter`) lay it out like every other form.
public enum InspectionDocument {
    public static func write<W: ReportWriter>(_ record: InspectionRecord, language l: Language, rules: TimeZoneRules,
                                              zoneName: String, into writer: inout W) throws {
        var time = LocalTime(rules: rules)
        let count = { (status: InspectionStatus) in record.items.filter { $0.status == status }.count }
        let head = ReportHead(report: "inspection", title: l.pick("保密检查记录", "Security inspection"), language: l, unit: nil,
                              computer: record.computer, period: nil, zone: zoneName, generatedAt: time.rfc3339(record.at),
                              trailHead: nil)
        try writer.begin(head, totals: [
            ReportTotal("pass", l.pick("通过", "Passed"), count(.pass)),
            ReportTotal("warn", l.pick("警告", "Warnings"), count(.warn)),
            ReportTotal("fail", l.pick("不通过", "Failed"), count(.fail)),
        ])
        try writer.facts([
            ReportFact("result", l.pick("检查结论", "Result"), record.result.names.text(l)),
            ReportFact("at", l.pick("检查时间", "Inspected at"), LocalTime.display(rfc3339: time.rfc3339(record.at))),
            ReportFact("by", l.pick("检查人", "Inspected by"), "\(record.actor.name) (uid \(record.actor.uid))"),
        ])
        try writer.table(spec, rows: { emit in
            for item in record.items {
                try emit([item.id.rawValue, item.id.title.text(l), item.status.names.text(l), item.reason.text(l),
                          item.action?.text(l) ?? ""])
            }
        })
        try writer.signatures([l.pick("检查人", "Inspector"), l.pick("保密员", "Security officer")])
        try writer.end()
    }

    static let spec = ReportTableSpec(id: "items", title: Bilingual(zh: "检查项目", en: "Items"), columns: [
        ReportColumn("id", zh: "编号", en: "Id"), ReportColumn("item", zh: "检查项目", en: "Item"),
        ReportColumn("status", zh: "结果", en: "Status"), ReportColumn("reason", zh: "情况", en: "Reason"),
        ReportColumn("action", zh: "处理建议", en: "What to do"),
    ], main: true)
}

extension InspectionDocument {
    /// The quarterly audit report's table of the period's inspections: when, who, the result and
    /// the items that failed (by title, in the reader's language).
    static func auditTable<W: ReportWriter>(_ interval: Interval, _ context: ReportContext, into writer: inout W) throws {
        let l = context.language
        try writer.table(ReportTableSpec(id: "inspections", title: Bilingual(zh: "保密检查", en: "Security inspections"), columns: [
            ReportColumn("at", zh: "时间", en: "Time", .time), ReportColumn("by", zh: "检查人", en: "By"),
            ReportColumn("result", zh: "结论", en: "Result"), ReportColumn("failed", zh: "不通过项", en: "Items failed"),
        ]), rows: { emit in
            var c = context
            try context.source.inspections(in: interval) { record in
                try emit([c.stamp(record.at), "\(record.actor.name) (uid \(record.actor.uid))", record.result.names.text(l),
                          record.failing.map { $0.title.text(l) }.joined(separator: l.pick("；", "; "))])
            }
        })
    }
}
