/// `report outstanding`: what an officer must chase today — loans and carry-outs past due, media
/// held by people who have left, violations not yet handled by age, media under repair for more than 30 days,
/// lost media not found, guard gaps not acknowledged, people inside their 脱密期; at the hub also
/// computers of the unit silent for longer than the unit's period (their records are not reaching
/// the officers, and their ledger may be behind).
enum OutstandingDocument {
    enum Category: String, CaseIterable {
        case overdue, heldByDeparted = "held-by-departed", openViolation = "open-violation",
             longRepair = "long-repair", lost, guardGap = "guard-gap", declassifying, silentComputer = "silent-computer"

        func name(_ l: Language) -> String {
            switch self {
            case .overdue: l.pick("借出或携带外出逾期未还", "loan or carry-out past due")
            case .heldByDeparted: l.pick("离岗人员仍持有介质", "held by a person who has left")
            case .openViolation: l.pick("违规未处理完毕", "violation not handled to its end")
            case .longRepair: l.pick("维修超过30天", "under repair over 30 days")
            case .lost: l.pick("遗失未找回", "lost, not found")
            case .guardGap: l.pick("监控中断未确认", "guard gap not acknowledged")
            case .declassifying: l.pick("脱密期内人员", "person inside the 脱密期")
            case .silentComputer: l.pick("计算机长期未与中心联系", "computer silent longer than the period")
            }
        }
    }

    /// A repair longer than this many days is chased.
    static let repairDays = 30

    struct Item {
        let category: Category
        let item: String
        let person: String
        let since: String
        let days: Int
        let detail: String
    }

    static func write<W: ReportWriter>(_ c: inout ReportContext, into writer: inout W) throws {
        let l = c.language
        let source = c.source
        let today = c.today
        var items: [Item] = []
        let inRepair = try source.enteredState(.underRepair, by: .repair)
        let lostSince = try source.enteredState(.lost, by: .lost)
        try source.media(asOf: nil) { m in
            if m.state == .loaned || m.state == .carriedOut, let due = m.dueDate, due < today {
                items.append(Item(category: .overdue, item: m.number, person: c.person(m.borrower ?? m.holder), since: due.description,
                                  days: today.days(since: due), detail: m.state.name(l)))
            }
            if ![.destroyed, .handedBack].contains(m.state) {
                for id in Set([m.holder, m.borrower].compactMap { $0 }).sorted() {
                    if let person = c.people[id], let left = person.departedOn {
                        items.append(Item(category: .heldByDeparted, item: m.number, person: c.person(id), since: left.description,
                                          days: today.days(since: left), detail: m.state.name(l)))
                    }
                }
            }
            if m.state == .underRepair, let since = inRepair[m.number] {
                let day = c.time.day(of: since)
                if today.days(since: day) > repairDays {
                    items.append(Item(category: .longRepair, item: m.number, person: c.person(m.holder), since: day.description,
                                      days: today.days(since: day), detail: m.state.name(l)))
                }
            }
            if m.state == .lost {
                let day = lostSince[m.number].map { c.time.day(of: $0) }
                items.append(Item(category: .lost, item: m.number, person: c.person(m.holder), since: day?.description ?? "",
                                  days: day.map { today.days(since: $0) } ?? 0, detail: m.level.name(l)))
            }
        }
        var ages: [Int] = []
        try source.violations(in: nil, unhandled: true, person: nil) { v, _ in
            let day = c.time.day(of: v.at)
            // A gap nobody has acknowledged is its own item; every other violation not handled to its
            // end (open or only acknowledged) is chased as such.
            let category: Category = v.type == .guardGap && v.status == .open ? .guardGap : .openViolation
            if category == .openViolation { ages.append(today.days(since: day)) }
            items.append(Item(category: category, item: "#\(v.id ?? 0) " + v.type.names.text(l), person: c.person(v.person),
                              since: day.description, days: today.days(since: day), detail: v.reason.text(l)))
        }
        for person in c.people.values.sorted(by: { $0.id < $1.id }) where person.isDeclassifying(on: today) {
            items.append(Item(category: .declassifying, item: person.id, person: c.person(person.id),
                              since: person.departedOn!.description, days: person.declassificationEnds!.days(since: today),
                              detail: l.pick("脱密期至 ", "until ") + person.declassificationEnds!.description))
        }
        if let unit = source.unit { items += try silentComputers(unit, &c) }
        // One computer's report has no unit to fall silent to: the category is the hub's alone.
        let categories = Category.allCases.filter { $0 != .silentComputer || source.unit != nil }
        let order = Dictionary(uniqueKeysWithValues: Category.allCases.enumerated().map { ($1, $0) })
        items.sort { (order[$0.category]!, -$0.days, $0.item) < (order[$1.category]!, -$1.days, $1.item) }

        let totals = [ReportTotal("items", c.t("待办事项", "Items"), items.count)]
            + categories.map { category in ReportTotal(category.rawValue, category.name(l), items.filter { $0.category == category }.count) }
        try writer.begin(try c.head(.outstanding, title: c.t("待办事项清单", "Outstanding items"), period: nil), totals: totals)
        try writer.facts([ReportFact("as_of", c.t("截至", "As of"), today.description)])
        let buckets: [(String, String, ClosedRange<Int>)] = [
            ("0-7", l.pick("7天以内", "up to 7 days"), 0...7), ("8-30", l.pick("8至30天", "8 to 30 days"), 8...30),
            ("31-90", l.pick("31至90天", "31 to 90 days"), 31...90), ("91-", l.pick("90天以上", "over 90 days"), 91...Int.max),
        ]
        try writer.section(c.t("未处置违规（按时长）", "Open violations by age"))
        try AnnualDocument.countTable("violations_by_age", Bilingual(zh: "未处置违规（按时长）", en: "Open violations by age"),
                                      buckets.map { ($0.0, $0.1, ages.filter($0.2.contains).count) }, into: &writer)
        try writer.section(c.t("待办明细", "Each item"))
        try writer.table(ReportTableSpec(id: "items", title: Bilingual(zh: "待办事项", en: "Outstanding items"), columns: [
            ReportColumn("category", zh: "类别", en: "Category"), ReportColumn("item", zh: "事项", en: "Item"),
            ReportColumn("person", zh: "人员", en: "Person"), ReportColumn("since", zh: "起始日期", en: "Since"),
            ReportColumn("days", zh: "天数", en: "Days", .count), ReportColumn("detail", zh: "说明", en: "Detail"),
        ], main: true), rows: { emit in
            for item in items {
                try emit([item.category.name(l), item.item, item.person, item.since, String(item.days), item.detail])
            }
        })
    }

    /// The unit's computers (those the report covers) silent for longer than the unit's period:
    /// since when nothing has been heard (or, never heard from, since enrolment), and what they owe.
    static func silentComputers(_ unit: any UnitRecords, _ c: inout ReportContext) throws -> [Item] {
        let l = c.language
        let today = c.today
        let computers = Dictionary(try c.source.computers().map { ($0.assetNumber, $0) }, uniquingKeysWith: { first, _ in first })
        return try unit.computerStates().compactMap { state -> Item? in
            guard state.silent, let computer = computers[state.computer] else { return nil }
            let since = (state.lastHeard ?? state.enrolledAt).map { c.time.day(of: $0) }
            let owed = max(0, state.head - state.stored)
            // A standalone computer is heard from only when a person brings its records bundle.
            let period = state.standalone ? unit.standaloneAfterDays : unit.silentAfterDays
            let heard = state.standalone
                ? state.lastHeard.map { l.pick("单机，最后导入其记录数据包 ", "standalone, records bundle last imported ") + c.stamp($0) }
                    ?? l.pick("单机，加入后从未导入其记录数据包", "standalone, no records bundle imported since enrolling")
                : state.lastHeard.map { l.pick("最后联系 ", "last heard ") + c.stamp($0) }
                    ?? l.pick("登记入网后从未联系", "never heard from since enrolling")
            let detail = heard + l.pick("；超过 \(period) 天", "; over \(period) days")
                + (owed > 0 ? l.pick("；欠交记录 \(owed) 条", "; owes \(owed) records") : "")
            return Item(category: .silentComputer, item: state.computer, person: c.person(computer.holder),
                        since: since?.description ?? "", days: since.map { today.days(since: $0) } ?? 0, detail: detail)
        }
    }
}
