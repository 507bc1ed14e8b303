/// The registers an officer prints and files: 涉密载体登记台账 (`report ledger`), 涉密计算机台账
/// (`report computers`) and the 销毁清单 of a period (`report destruction`).
enum RegisterDocuments {
    static func ledger<W: ReportWriter>(_ c: inout ReportContext, into writer: inout W) throws {
        let l = c.language
        let source = c.source
        var byLevel: [Level: Int] = [:], byState: [MediumState: Int] = [:], count = 0
        try source.media(asOf: nil) { m in
            count += 1
            byLevel[m.level, default: 0] += 1
            byState[m.state, default: 0] += 1
        }
        let totals = [ReportTotal("media", c.t("介质总数", "Media"), count)]
            + Level.allCases.map { ReportTotal($0.rawValue, $0.name(l), byLevel[$0, default: 0]) }
            + MediumState.allCases.map { ReportTotal($0.rawValue, $0.name(l), byState[$0, default: 0]) }
        try writer.begin(try c.head(.ledger, title: c.t("涉密载体登记台账", "Register of classified media"), period: nil), totals: totals)
        let context = c
        try writer.table(ReportTableSpec(id: "media", title: Bilingual(zh: "涉密载体登记台账", en: "Register of classified media"), columns: [
            ReportColumn("row", zh: "序号", en: "No.", .count), ReportColumn("number", zh: "统一编号", en: "Number"),
            ReportColumn("kind", zh: "类别", en: "Kind"), ReportColumn("brand_model", zh: "品牌型号", en: "Brand and model"),
            ReportColumn("serial", zh: "序列号", en: "Serial"), ReportColumn("capacity", zh: "容量", en: "Capacity"),
            ReportColumn("level", zh: "密级", en: "Level"), ReportColumn("secrecy_term", zh: "保密期限", en: "Secrecy term"),
            ReportColumn("holder", zh: "责任人", en: "Responsible"), ReportColumn("user", zh: "使用人", en: "User"),
            ReportColumn("department", zh: "部门", en: "Department"), ReportColumn("purpose", zh: "用途", en: "Purpose"),
            ReportColumn("place", zh: "存放地点", en: "Place"), ReportColumn("in_service", zh: "启用日期", en: "In service"),
            ReportColumn("state", zh: "状态", en: "State"), ReportColumn("borrower", zh: "借用人", en: "Borrower"),
            ReportColumn("due", zh: "应还日期", en: "Due"),
        ], main: true), rows: { emit in
            var row = 0
            try source.media(asOf: nil) { m in
                row += 1
                try emit([String(row), m.number, m.kind.name(l), [m.brand, m.model].compactMap { $0 }.joined(separator: " "),
                          m.identity?.serial ?? "", m.identity?.capacityBytes.map(capacity) ?? "", m.level.name(l), m.secrecyTerm ?? "",
                          context.person(m.holder), m.user ?? "", m.department ?? "", m.purpose ?? "", m.place ?? "",
                          m.inServiceDate?.description ?? "", m.state.name(l), context.person(m.borrower), m.dueDate?.description ?? ""])
            }
        })
        try writer.signatures([c.t("保密员", "Security officer"), c.t("单位负责人", "Head of unit")])
    }

    /// `16 GB`: decimal units, as capacities are printed on media.
    static func capacity(_ bytes: UInt64) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var value = Double(bytes), unit = 0
        while value >= 1000, unit < units.count - 1 { value /= 1000; unit += 1 }
        let rounded = (value * 10).rounded() / 10
        return (rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)) + " " + units[unit]
    }

    static func computerSpec(id: String, main: Bool = false) -> ReportTableSpec {
        ReportTableSpec(id: id, title: Bilingual(zh: "涉密计算机台账", en: "Register of classified computers"), columns: [
            ReportColumn("asset_number", zh: "编号", en: "Asset number"), ReportColumn("name", zh: "名称", en: "Name"),
            ReportColumn("model", zh: "型号", en: "Model"),
            ReportColumn("level", zh: "密级", en: "Level"), ReportColumn("network", zh: "网络类型", en: "Network"),
            ReportColumn("holder", zh: "责任人", en: "Responsible"), ReportColumn("location", zh: "放置地点", en: "Place"),
            ReportColumn("key_area", zh: "要害部位", en: "Key area"), ReportColumn("state", zh: "状态", en: "State"),
            ReportColumn("disk_serials", zh: "硬盘序列号", en: "Disk serials"),
            ReportColumn("macs", zh: "MAC地址", en: "MAC addresses"), ReportColumn("baseline", zh: "硬件基线", en: "Hardware baseline"),
            ReportColumn("this_host", zh: "本机", en: "This computer"),
        ], main: main)
    }

    /// A computer's line: the model, disk serials and MAC addresses its approved baseline proves
    /// (what `host set` typed when there is none), its state, and when and by whom the baseline was approved.
    static func computerCells(_ computer: Computer, baseline: HardwareBaseline?, _ c: inout ReportContext) -> [String] {
        let l = c.language
        let inventory = baseline?.inventory
        let disks = inventory.map { $0.disks.map { $0.serial ?? l.pick("未知", "unknown") } } ?? computer.diskSerials
        let macs = inventory.map { $0.networkCards.map { $0.mac ?? l.pick("未知", "unknown") } } ?? computer.macAddresses
        let state = computer.state.name(l) + (computer.repairMode.map { l.pick("（\($0.names.zh)）", " (\($0.names.en))") } ?? "")
        let approved = baseline.map { l.pick("\(c.stamp($0.at))，\($0.approver)批准", "\(c.stamp($0.at)), approved by \($0.approver)") }
        return [computer.assetNumber, computer.name ?? "", inventory?.system.model ?? "", computer.level.name(l), computer.network.name(l),
                c.person(computer.holder), computer.location ?? "", computer.keyArea ? l.pick("是", "yes") : l.pick("否", "no"), state,
                disks.joined(separator: "; "), macs.joined(separator: "; "), approved ?? l.pick("无", "none"),
                computer.isThisHost ? l.pick("是", "yes") : ""]
    }

    static let peripheralSpec = ReportTableSpec(id: "peripherals", title: Bilingual(zh: "外设登记（专人管理）", en: "Registered peripherals"), columns: [
        ReportColumn("number", zh: "编号", en: "Number"), ReportColumn("kind", zh: "类别", en: "Kind"),
        ReportColumn("model", zh: "型号", en: "Model"), ReportColumn("identity", zh: "厂商:产品 序列号", en: "Vendor:product serial"),
        ReportColumn("computer", zh: "所属计算机", en: "Computer"), ReportColumn("holder", zh: "责任人", en: "Responsible"),
        ReportColumn("location", zh: "放置地点", en: "Place"), ReportColumn("registered", zh: "登记时间", en: "Registered", .time),
        ReportColumn("state", zh: "状态", en: "State"),
    ])

    static func peripheralCells(_ p: Peripheral, _ c: inout ReportContext) -> [String] {
        let l = c.language
        return [p.number, p.kind.name(l), p.model ?? "", "\(p.vendorID):\(p.productID) \(p.serial ?? l.pick("（无序列号）", "(no serial)"))",
                p.computer, c.person(p.holder), p.location ?? "", c.stamp(p.registeredAt), p.active ? l.pick("在用", "in service") : l.pick("已撤销", "removed")]
    }

    static func computers<W: ReportWriter>(_ c: inout ReportContext, into writer: inout W) throws {
        let l = c.language
        let computers = try c.source.computers()
        let totals = [ReportTotal("computers", c.t("计算机总数", "Computers"), computers.count)]
            + Level.allCases.map { level in ReportTotal(level.rawValue, level.name(l), computers.filter { $0.level == level }.count) }
        let baselines = try c.source.baselines()
        let peripherals = try c.source.peripherals()
        try writer.begin(try c.head(.computers, title: c.t("涉密计算机台账", "Register of classified computers"), period: nil), totals: totals)
        let context = c
        try writer.table(peripheralSpec, rows: { emit in
            var c = context
            for peripheral in peripherals { try emit(peripheralCells(peripheral, &c)) }
        })
        try writer.table(computerSpec(id: "computers", main: true), rows: { emit in
            var c = context
            for computer in computers { try emit(computerCells(computer, baseline: baselines[computer.assetNumber], &c)) }
        })
        try writer.signatures([c.t("保密员", "Security officer"), c.t("单位负责人", "Head of unit")])
    }

    static func destruction<W: ReportWriter>(period: ReportPeriod, _ c: inout ReportContext, into writer: inout W) throws {
        let l = c.language
        let source = c.source
        let interval = c.interval(period)
        var media: [String: Medium] = [:]
        try source.media(asOf: nil) { m in if m.state == .destroyed { media[m.number] = m } }
        var byKind: [MediumKind: Int] = [:], byLevel: [Level: Int] = [:], count = 0
        try source.movements(in: interval, kinds: [.destroy]) { m in
            count += 1
            if let medium = media[m.number] {
                byKind[medium.kind, default: 0] += 1
                byLevel[medium.level, default: 0] += 1
            }
        }
        let totals = [ReportTotal("destroyed", c.t("销毁总数", "Destroyed"), count)]
            + Level.allCases.map { ReportTotal($0.rawValue, $0.name(l), byLevel[$0, default: 0]) }
        try writer.begin(try c.head(.destruction, title: c.t("涉密载体销毁清单", "Destruction list of classified media"), period: period),
                         totals: totals)
        try AnnualDocument.countTable("by_kind", Bilingual(zh: "按类别合计", en: "Totals by kind"),
                                      MediumKind.allCases.map { ($0.rawValue, $0.name(l), byKind[$0, default: 0]) }, into: &writer)
        let context = c
        try writer.table(ReportTableSpec(id: "destroyed", title: Bilingual(zh: "销毁清单", en: "Destruction list"), columns: [
            ReportColumn("row", zh: "序号", en: "No.", .count), ReportColumn("number", zh: "载体编号", en: "Number"),
            ReportColumn("kind", zh: "类别", en: "Kind"), ReportColumn("level", zh: "密级", en: "Level"),
            ReportColumn("count", zh: "数量", en: "Count", .count), ReportColumn("at", zh: "销毁日期", en: "Destroyed on", .time),
            ReportColumn("method", zh: "销毁方式", en: "Method"), ReportColumn("witness", zh: "监销人", en: "Witness"),
            ReportColumn("approver", zh: "批准人", en: "Approver"), ReportColumn("handler", zh: "经办人", en: "Handled by"),
            ReportColumn("note", zh: "备注", en: "Note"),
        ], main: true), rows: { emit in
            var c = context
            var row = 0
            try source.movements(in: interval, kinds: [.destroy]) { m in
                row += 1
                let medium = media[m.number]
                try emit([String(row), m.number, medium?.kind.name(l) ?? "", (m.fromLevel ?? medium?.level)?.name(l) ?? "", "1",
                          c.stamp(m.at), m.method ?? "", m.witness ?? "", m.approver ?? "", m.handler ?? m.actor.name, m.note ?? m.reason ?? ""])
            }
        })
        try writer.signatures([c.t("监销人", "Witness"), c.t("批准人", "Approver"), c.t("保密员", "Security officer")])
    }
}
