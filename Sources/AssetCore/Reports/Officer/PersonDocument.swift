/// `report person ID`: 离岗审计 — everything a person holds and has borrowed now, every movement
/// of media they held, borrowed, carried out or handed back, and every violation that names them.
enum PersonDocument {
    static func write<W: ReportWriter>(_ person: Person, _ c: inout ReportContext, into writer: inout W) throws {
        let l = c.language
        let source = c.source
        var held: [Medium] = [], borrowed: [Medium] = []
        try source.media(asOf: nil) { m in
            guard m.state != .destroyed else { return }
            if m.holder == person.id, m.state != .handedBack { held.append(m) }
            if m.borrower == person.id { borrowed.append(m) }
        }
        var movements = 0
        try source.movements(concerning: person.id) { _ in movements += 1 }
        var violations = 0, open = 0
        try source.violations(in: nil, unhandled: false, person: person.id) { v, _ in
            violations += 1
            if v.status == .open { open += 1 }
        }
        let totals = [
            ReportTotal("held", c.t("现持有介质", "Media held"), held.count),
            ReportTotal("borrowed", c.t("现借用介质", "Media borrowed"), borrowed.count),
            ReportTotal("movements", c.t("相关流转记录", "Movements"), movements),
            ReportTotal("violations", c.t("相关违规", "Violations"), violations),
            ReportTotal("violations_open", c.t("未处置违规", "Violations open"), open),
        ]
        try writer.begin(try c.head(.person, title: c.t("离岗保密审计：\(person.name)", "Departure audit: \(person.name)"), period: nil),
                         totals: totals)
        let today = c.today
        let status = person.isDeclassifying(on: today) ? c.t("脱密期内", "inside the 脱密期")
            : person.isActive ? c.t("在岗", "in post") : c.t("已离岗", "left")
        try writer.facts([
            ReportFact("id", c.t("人员编号", "Id"), person.id), ReportFact("name", c.t("姓名", "Name"), person.name),
            ReportFact("department", c.t("部门", "Department"), person.department ?? ""),
            ReportFact("clearance", c.t("涉密等级", "Clearance"), person.clearance.name(l)),
            ReportFact("departed_on", c.t("离岗日期", "Left on"), person.departedOn?.description ?? ""),
            ReportFact("declassification_ends", c.t("脱密期至", "脱密期 ends"), person.declassificationEnds?.description ?? ""),
            ReportFact("status", c.t("状态", "Status"), status),
        ])
        let verdict = held.isEmpty && borrowed.isEmpty
            ? c.t("所持及所借介质均已清退。", "Every medium held or borrowed has been handed back.")
            : c.t("尚有 \(held.count + borrowed.count) 件介质未清退。", "\(held.count + borrowed.count) media are still out.")
        try writer.note(verdict)
        for (id, title, media) in [("held", Bilingual(zh: "现持有介质", en: "Media held now"), held),
                                   ("borrowed", Bilingual(zh: "现借用介质", en: "Media borrowed now"), borrowed)] {
            try writer.table(ReportTableSpec(id: id, title: title, columns: [
                ReportColumn("number", zh: "编号", en: "Number"), ReportColumn("kind", zh: "类别", en: "Kind"),
                ReportColumn("level", zh: "密级", en: "Level"), ReportColumn("state", zh: "状态", en: "State"),
                ReportColumn("due", zh: "应还日期", en: "Due"),
            ]), rows: { emit in
                for m in media { try emit([m.number, m.kind.name(l), m.level.name(l), m.state.name(l), m.dueDate?.description ?? ""]) }
            })
        }
        let context = c
        try writer.table(ReportTableSpec(id: "violations", title: Bilingual(zh: "相关违规", en: "Violations naming the person"),
                                         columns: ViolationsDocument.detailSpec.columns), rows: { emit in
            var c = context
            try source.violations(in: nil, unhandled: false, person: person.id) { v, department in
                try emit(ViolationsDocument.detailCells(v, department: department, &c))
            }
        })
        try writer.table(ReportTableSpec(id: "movements", title: Bilingual(zh: "相关流转记录", en: "Movements"), columns: [
            ReportColumn("at", zh: "时间", en: "Time", .time), ReportColumn("number", zh: "介质编号", en: "Medium"),
            ReportColumn("kind", zh: "流转", en: "Movement"), ReportColumn("from_state", zh: "原状态", en: "From"),
            ReportColumn("to_state", zh: "新状态", en: "To"), ReportColumn("person", zh: "人员", en: "Person"),
            ReportColumn("approver", zh: "批准人", en: "Approver"), ReportColumn("due", zh: "应还日期", en: "Due"),
            ReportColumn("note", zh: "备注", en: "Note"),
        ], main: true), rows: { emit in
            var c = context
            try source.movements(concerning: person.id) { m in
                try emit([c.stamp(m.at), m.number, m.kind.name(l), m.fromState?.name(l) ?? "", m.toState?.name(l) ?? "",
                          c.person(m.person), m.approver ?? "", m.dueDate?.description ?? "", m.note ?? m.reason ?? ""])
            }
        })
        try writer.signatures([c.t("本人", "The person"), c.t("保密员", "Security officer"), c.t("部门负责人", "Head of department")])
    }
}
