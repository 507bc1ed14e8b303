/// `report check ID`: the 清查核对表 of one check — its scope, who checked and when, every medium it
/// expected with whether and how it was seen, the media seen outside its scope, and the blanks for
/// the checker's and the officer's signatures. The main table holds every medium, so the CSV is the
/// whole form, one medium a row.
enum CheckDocument {
    static func write<W: ReportWriter>(_ check: MediaCheck, _ c: inout ReportContext, into writer: inout W) throws {
        let l = c.language
        let source = c.source
        var expected = 0, seen = 0, outside = 0, forbidden = 0
        try source.checkLines(check.id) { line, isExpected in
            if isExpected { expected += 1; if line.seenAt != nil { seen += 1 } } else { outside += 1 }
            if line.seenAt != nil, CheckScope.forbidsSighting(line.state) { forbidden += 1 }
        }
        let totals = [
            ReportTotal("expected", c.t("应清查介质", "Media expected"), expected),
            ReportTotal("seen", c.t("已见", "Seen"), seen),
            ReportTotal("not_seen", c.t("未见", "Not seen"), expected - seen),
            ReportTotal("outside", c.t("范围外见到", "Seen outside the scope"), outside),
            ReportTotal("forbidden", c.t("见到已遗失或已销毁介质", "Lost or destroyed media seen"), forbidden),
        ]
        try writer.begin(try c.head(.check, title: c.t("涉密载体清查核对表（第 \(check.id) 次）", "Media check form (check #\(check.id))"),
                                    period: nil), totals: totals)
        try writer.facts([
            ReportFact("id", c.t("清查编号", "Check"), String(check.id)),
            ReportFact("scope", c.t("清查范围", "Scope"), check.scope.names.text(l)),
            ReportFact("checker", c.t("检查人", "Checker"), check.checker),
            ReportFact("opened_by", c.t("开启账户", "Opened by"), check.actor.name),
            ReportFact("started_at", c.t("开始时间", "Started"), LocalTime.display(rfc3339: c.stamp(check.startedAt))),
            ReportFact("state", c.t("状态", "State"), check.state.names.text(l)),
            ReportFact("ended_at", c.t("结束时间", "Ended"), check.endedAt.map { LocalTime.display(rfc3339: c.stamp($0)) } ?? ""),
            ReportFact("ended_by", c.t("结束账户", "Ended by"), check.endedBy ?? ""),
            ReportFact("note", c.t("备注", "Note"), check.note ?? ""),
        ])
        try writer.note(verdict(check, notSeen: expected - seen, forbidden: forbidden, l))
        let context = c
        try writer.table(ReportTableSpec(id: "media", title: Bilingual(zh: "清查明细", en: "Media"), columns: [
            ReportColumn("number", zh: "统一编号", en: "Number"), ReportColumn("holder", zh: "责任人", en: "Holder"),
            ReportColumn("department", zh: "部门", en: "Department"), ReportColumn("state", zh: "台账状态", en: "State"),
            ReportColumn("in_scope", zh: "在清查范围内", en: "In scope"), ReportColumn("result", zh: "结果", en: "Result"),
            ReportColumn("how", zh: "方式", en: "How"), ReportColumn("seen_at", zh: "见到时间", en: "Seen at", .time),
            ReportColumn("verdict", zh: "接入裁决", en: "Verdict"), ReportColumn("seen_by", zh: "记录人", en: "Recorded by"),
        ], main: true), rows: { emit in
            var c = context
            try source.checkLines(check.id) { line, isExpected in
                try emit([line.number, c.person(line.holder), line.department ?? "", line.state.name(l),
                          isExpected ? c.t("是", "yes") : c.t("否", "no"), result(line, expected: isExpected, l),
                          line.how?.names.text(l) ?? "", c.stamp(line.seenAt),
                          line.decision.map { $0 == .allow ? c.t("允许", "allowed") : c.t("阻断", "blocked") } ?? "",
                          line.seenBy ?? ""])
            }
        })
        try writer.signatures([c.t("检查人", "Checker"), c.t("保密员", "Security officer")])
    }

    /// What the line means for the officer: seen, missing, or seen where it should not exist.
    static func result(_ line: CheckLine, expected: Bool, _ l: Language) -> String {
        guard line.seenAt != nil else { return l.pick("未见", "not seen") }
        if CheckScope.forbidsSighting(line.state) { return l.pick("已见（状态为\(line.state.name(.zh))，严重违规）", "seen (\(line.state.name(.en)): critical)") }
        return expected ? l.pick("已见", "seen") : l.pick("已见（范围外）", "seen (outside the scope)")
    }

    static func verdict(_ check: MediaCheck, notSeen: Int, forbidden: Int, _ l: Language) -> String {
        switch check.state {
        case .open:
            return l.pick("清查进行中：尚有 \(notSeen) 件介质未见。", "The check is still open: \(notSeen) media not seen yet.")
        case .cancelled:
            return l.pick("本次清查已取消，未据此认定违规。", "This check was cancelled; no violation was raised from it.")
        case .finished:
            return notSeen == 0 && forbidden == 0
                ? l.pick("应清查介质均已见到，账物相符。", "Every medium expected was seen: the ledger matches.")
                : l.pick("\(notSeen) 件介质未见，\(forbidden) 件已遗失或已销毁的介质被见到，均已登记为违规待查处。",
                         "\(notSeen) media not seen and \(forbidden) lost or destroyed media seen, each recorded as a violation to follow up.")
        }
    }
}
