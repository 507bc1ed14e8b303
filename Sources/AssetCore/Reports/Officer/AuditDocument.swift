/// `report audit`: 涉密计算机安全保密审计报告 for a quarter — the computers audited, what was
/// audited (devices and media used, refused attempts, administrator operations, the guard's own
/// starts, stops and gaps, link events, the trail's verification), the analysis of the violations
/// with their handling, and the signatures.
enum AuditDocument {
    static func write<W: ReportWriter>(period: ReportPeriod, _ c: inout ReportContext, into writer: inout W) throws {
        let interval = c.interval(period)
        let source = c.source
        let l = c.language
        let computers = try source.computers()
        let events = try source.eventCounts(in: interval)
        let verification = try source.verifyTrail()
        var operations = 0
        try source.trailEntries(in: interval) { _ in operations += 1 }
        let eventCount = { (kinds: [GuardEventKind], decision: Decision?) in
            events.filter { kinds.contains($0.kind) && (decision == nil || $0.decision == decision) }.reduce(0) { $0 + $1.count }
        }
        let violationTypes = try source.violationCounts(in: interval, by: .type)
        let violations = violationTypes.reduce(0) { $0 + $1.count }
        let open = try source.violationCounts(in: interval, by: .status).first { $0.key == ViolationStatus.open.rawValue }?.count ?? 0
        let totals = [
            ReportTotal("computers", c.t("涉密计算机", "Computers"), computers.count),
            ReportTotal("device_events", c.t("设备事件", "Device events"), eventCount([.attach, .recheck, .detach], nil)),
            ReportTotal("attached_allowed", c.t("准许接入", "Attachments allowed"), eventCount([.attach], .allow)),
            ReportTotal("attached_refused", c.t("拒绝接入", "Attachments refused"), eventCount([.attach], .block)),
            ReportTotal("admin_operations", c.t("管理操作", "Administrator operations"), operations),
            ReportTotal("guard_starts", c.t("监控启动", "Guard starts"), eventCount([.guardStart], nil)),
            ReportTotal("guard_stops", c.t("监控停止", "Guard stops"), eventCount([.guardStop], nil)),
            ReportTotal("guard_gaps", c.t("监控中断", "Guard gaps"), eventCount([.guardGap], nil)),
            ReportTotal("link_events", c.t("网络连接事件", "Link events"), eventCount([.link, .linkGone], nil)),
            ReportTotal("hardware_changes", c.t("硬件变化", "Hardware changes"), eventCount([.hardwareChanged], nil)),
            ReportTotal("violations", c.t("违规", "Violations"), violations),
            ReportTotal("violations_open", c.t("未处置违规", "Violations open"), open),
            ReportTotal("trail_rows", c.t("审计日志条数", "Trail rows"), verification.rowCount),
            ReportTotal("trail_problems", c.t("审计日志异常", "Trail problems"), verification.problems.count),
        ]
        let quarter = (period.from.month - 1) / 3 + 1
        let isQuarter = period.from.day == 1 && period.from.month % 3 == 1 && period.to == (try? ReportPeriod.quarter("\(period.from.year)Q\(quarter)"))?.to
        let title = isQuarter ? c.t("涉密计算机安全保密审计报告（\(period.from.year)年第\(quarter)季度）",
                                    "Security audit report of classified computers, \(period.from.year) Q\(quarter)")
                              : c.t("涉密计算机安全保密审计报告", "Security audit report of classified computers")
        try writer.begin(try c.head(.audit, title: title, period: period), totals: totals)

        // 一、概况
        try writer.section(c.t("一、概况", "1. Overview"))
        if let host = try source.thisComputer() {
            try writer.facts([
                ReportFact("asset_number", c.t("计算机编号", "Asset number"), host.assetNumber),
                ReportFact("name", c.t("名称", "Name"), host.name ?? ""),
                ReportFact("level", c.t("密级", "Level"), host.level.name(l)),
                ReportFact("network", c.t("网络类型", "Network"), host.network.name(l)),
                ReportFact("location", c.t("放置地点", "Place"), host.location ?? ""),
                ReportFact("holder", c.t("责任人", "Responsible person"), c.person(host.holder)),
            ])
        } else if let unit = source.unit {
            try writer.facts([
                ReportFact("unit", c.t("单位", "Unit"), unit.unitName),
                ReportFact("computers", c.t("涉密计算机", "Computers"), String(computers.count)),
            ])
        } else {
            try writer.note(c.t("本机未登记（mediactl host set）。", "This computer is not registered (mediactl host set)."))
        }
        let context = c
        let baselines = try source.baselines()
        try writer.table(RegisterDocuments.computerSpec(id: "computers"), rows: { emit in
            var c = context
            for computer in computers { try emit(RegisterDocuments.computerCells(computer, baseline: baselines[computer.assetNumber], &c)) }
        })
        let peripherals = try source.peripherals()
        try writer.table(RegisterDocuments.peripheralSpec, rows: { emit in
            var c = context
            for peripheral in peripherals { try emit(RegisterDocuments.peripheralCells(peripheral, &c)) }
        })

        // 二、审计内容
        try writer.section(c.t("二、审计内容", "2. What was audited"))
        try writer.table(ReportTableSpec(id: "events", title: Bilingual(zh: "监控记录统计", en: "The guard's records"), columns: [
            ReportColumn("kind", zh: "事件", en: "Event"), ReportColumn("decision", zh: "裁决", en: "Decision"),
            ReportColumn("count", zh: "次数", en: "Count", .count),
        ]), rows: { emit in
            for item in events.sorted(by: { ($0.kind.rawValue, $0.decision?.rawValue ?? "") < ($1.kind.rawValue, $1.decision?.rawValue ?? "") }) {
                try emit([eventName(item.kind, l), item.decision.map { decisionName($0, l) } ?? "", String(item.count)])
            }
        })
        try useTable("devices_used", Bilingual(zh: "使用的设备和介质", en: "Devices and media used"), .allow, interval, context, into: &writer)
        try useTable("refused", Bilingual(zh: "被拒绝的接入", en: "Refused attempts"), .block, interval, context, into: &writer)
        try writer.table(ReportTableSpec(id: "admin_operations", title: Bilingual(zh: "管理员操作（审计日志）", en: "Administrator operations (admin trail)"), columns: [
            ReportColumn("at", zh: "时间", en: "Time", .time), ReportColumn("actor", zh: "操作人", en: "By"),
            ReportColumn("action", zh: "操作", en: "Action"), ReportColumn("entity", zh: "对象", en: "Entity"),
            ReportColumn("key", zh: "编号", en: "Key"), ReportColumn("field", zh: "字段", en: "Field"),
            ReportColumn("old", zh: "原值", en: "Old"), ReportColumn("new", zh: "新值", en: "New"),
        ]), rows: { emit in
            var c = context
            try source.trailEntries(in: interval) { e in
                try emit([c.stamp(e.at), "\(e.actor.name) (uid \(e.actor.uid))", e.action, e.entity, e.entityKey, e.field ?? "",
                          shortened(e.oldValue), shortened(e.newValue)])
            }
        })
        try eventTable("guard", Bilingual(zh: "监控启动、停止和中断", en: "The guard's starts, stops and gaps"),
                       kinds: [.guardStart, .guardStop, .guardGap], interval, context, into: &writer)
        try eventTable("links", Bilingual(zh: "网络连接事件", en: "Link events"), kinds: [.link, .linkGone], interval, context, into: &writer)
        try eventTable("hardware", Bilingual(zh: "硬件变化（与登记基线比对）", en: "Hardware changes (against the approved baseline)"),
                       kinds: [.hardwareChanged, .hardwareRestored], interval, context, into: &writer)
        try writer.facts([
            ReportFact("trail_verification", c.t("审计日志校验", "Admin trail verification"),
                       verification.intact ? c.t("完整（\(verification.rowCount) 条，哈希链未被改动）", "intact (\(verification.rowCount) rows, hash chain unbroken)")
                                           : c.t("发现 \(verification.problems.count) 处异常", "\(verification.problems.count) problems found")),
        ])
        if !verification.intact {
            try writer.table(ReportTableSpec(id: "trail_problems", title: Bilingual(zh: "审计日志异常", en: "Trail problems"), columns: [
                ReportColumn("row", zh: "行", en: "Row", .count), ReportColumn("problem", zh: "问题", en: "Problem"),
            ]), rows: { emit in
                for problem in verification.problems { try emit([String(problem.rowID), problem.message.text(l)]) }
            })
        }
        try InspectionDocument.auditTable(interval, context, into: &writer)

        // 三、分析
        try writer.section(c.t("三、违规分析及处理情况", "3. Violations and how each was handled"))
        try writer.chart(ReportChart(title: c.t("按违规类型", "By type"),
                                     bars: violationTypes.map { (ViolationsDocument.name(.type, $0.key, context), $0.count) }))
        try ViolationsDocument.table(.type, violationTypes, main: false, context, into: &writer)
        try writer.table(ViolationsDocument.detailSpec, rows: { emit in
            var c = context
            try source.violations(in: interval, unhandled: false, person: nil) { v, department in
                try emit(ViolationsDocument.detailCells(v, department: department, &c))
            }
        })
        try writer.signatures([c.t("审计员", "Auditor"), c.t("保密员", "Security officer"), c.t("单位负责人", "Head of unit")])
    }

    /// A trail value as the report shows it: a whole record (a registration's JSON) is cut after
    /// `valueLength` characters; `mediactl audit log` prints it whole.
    static func shortened(_ value: String?) -> String {
        guard let value else { return "" }
        return value.count > valueLength ? String(value.prefix(valueLength)) + "…" : value
    }

    static let valueLength = 80

    static func useTable<W: ReportWriter>(_ id: String, _ title: Bilingual, _ decision: Decision, _ interval: Interval,
                                          _ c: ReportContext, into writer: inout W) throws {
        // A unit's report says on which computer each use was; one computer's needs no such column.
        let unit = c.source.unit != nil
        try writer.table(ReportTableSpec(id: id, title: title, columns: (unit ? [ReportColumn("computer", zh: "计算机", en: "Computer")] : []) + [
            ReportColumn("device", zh: "设备", en: "Device"), ReportColumn("vendor_product", zh: "厂商:产品", en: "Vendor:product"),
            ReportColumn("serial", zh: "序列号", en: "Serial"), ReportColumn("medium", zh: "介质编号", en: "Medium"),
            ReportColumn("holder", zh: "责任人", en: "Holder"), ReportColumn("count", zh: "次数", en: "Times", .count),
            ReportColumn("first", zh: "首次", en: "First", .time), ReportColumn("last", zh: "最近", en: "Last", .time),
        ]), rows: { emit in
            var c = c
            try c.source.deviceUses(in: interval, decision: decision) { use in
                try emit((unit ? [use.computer ?? ""] : []) + [
                    use.device ?? "", "\(use.vendorID ?? "?"):\(use.productID ?? "?")", use.serial ?? "", use.mediumNumber ?? "",
                    c.person(use.holder), String(use.count), c.stamp(use.first), c.stamp(use.last)])
            }
        })
    }

    static func eventTable<W: ReportWriter>(_ id: String, _ title: Bilingual, kinds: [GuardEventKind], _ interval: Interval,
                                            _ context: ReportContext, into writer: inout W) throws {
        let l = context.language
        let unit = context.source.unit != nil
        try writer.table(ReportTableSpec(id: id, title: title, columns: [
            ReportColumn("at", zh: "时间", en: "Time", .time)] + (unit ? [ReportColumn("computer", zh: "计算机", en: "Computer")] : []) + [
            ReportColumn("event", zh: "事件", en: "Event"),
            ReportColumn("decision", zh: "裁决", en: "Decision"), ReportColumn("device", zh: "设备或接口", en: "Device or interface"),
            ReportColumn("note", zh: "说明", en: "Note"),
        ]), rows: { emit in
            var c = context
            try context.source.guardEvents(in: interval, kinds: kinds) { e in
                try emit([c.stamp(e.at)] + (unit ? [e.computer ?? ""] : []) + [
                    eventName(e.kind, l), e.decision.map { decisionName($0, l) } ?? "", e.device ?? e.syspath ?? "", e.note ?? ""])
            }
        })
    }

    static func eventName(_ kind: GuardEventKind, _ l: Language) -> String {
        switch kind {
        case .attach: l.pick("接入", "attach")
        case .recheck: l.pick("复核", "recheck")
        case .detach: l.pick("拔出", "detach")
        case .guardStart: l.pick("监控启动", "guard start")
        case .guardStop: l.pick("监控停止", "guard stop")
        case .guardGap: l.pick("监控中断", "guard gap")
        case .allowOnce: l.pick("临时放行", "allow once")
        case .allowOnceEnd: l.pick("临时放行结束", "allow once ended")
        case .link: l.pick("网络连接", "link")
        case .linkGone: l.pick("网络连接消失", "link gone")
        case .hardwareChanged: l.pick("硬件变化", "hardware changed")
        case .hardwareRestored: l.pick("硬件恢复为基线", "hardware back to baseline")
        case .unitJoined: l.pick("加入单位台账", "joined the unit")
        case .unitChange: l.pick("单位台账更新", "unit ledger change")
        case .unitRefused: l.pick("拒收台账变更", "unit change refused")
        case .capacityLearnt: l.pick("记录介质容量", "capacity learnt")
        case .levelRaised: l.pick("介质密级提升", "level raised")
        }
    }

    static func decisionName(_ decision: Decision, _ l: Language) -> String {
        decision == .allow ? l.pick("准许", "allowed") : l.pick("阻断", "blocked")
    }
}
