import AssetCore

/// How answers look on a terminal, in the reader's language.
struct Render {
    let language: Language
    /// Where times are printed: local time with the offset (`--tz`), UTC when no zone was resolved.
    var time = LocalTime.utc

    init(language: Language) {
        self.language = language
    }

    /// Times in `zone`; a zone that cannot be read is refused as the ledger's errors are.
    init(language: Language, zone: ZoneChoice) throws {
        self.language = language
        do { time = LocalTime(rules: try zone.rules()) } catch { throw Output.fail(error, language) }
    }

    /// An instant as the tables and CSV print it: `2026-11-22 17:30:00 +08:00`.
    func stamp(_ at: Timestamp) -> String {
        var time = time
        return time.text(at)
    }

    func t(_ zh: String, _ en: String) -> String { language == .zh ? zh : en }

    func detail(_ d: MediumDetail, format: ReportFormat) throws {
        if format == .json { return try Output.json(d) }
        let m = d.medium
        func person(_ id: String?, _ p: Person?) -> String {
            guard let id else { return "" }
            return p.map { "\($0.name) (\(id))" } ?? id
        }
        var pairs: [(String, String)] = [
            (t("统一编号", "Number"), m.number),
            (t("类别", "Kind"), m.kind.name(language)),
            (t("密级", "Level"), m.level.name(language)),
            (t("状态", "State"), m.state.name(language)),
            (t("责任人", "Holder"), person(m.holder, d.holder)),
        ]
        if m.borrower != nil {
            pairs.append((t("借用人", "Borrower"), person(m.borrower, d.borrower)))
            pairs.append((t("归还期限", "Due"), m.dueDate?.description ?? ""))
        }
        let optional: [(String, String?)] = [
            (t("使用人", "User"), m.user), (t("部门", "Department"), m.department), (t("用途", "Purpose"), m.purpose),
            (t("存放位置", "Place"), m.place), (t("启用日期", "In service since"), m.inServiceDate?.description),
            (t("保密期限", "Secrecy term"), m.secrecyTerm), (t("品牌", "Brand"), m.brand), (t("型号", "Model"), m.model),
        ]
        pairs += optional.compactMap { label, value in value.map { (label, $0) } }
        if let id = m.identity {
            pairs.append((t("硬件标识", "Identity"), "\(id.vendorID):\(id.productID) \(t("序列号", "serial")) \(id.serial)"))
            if let bytes = id.capacityBytes {
                pairs.append((t("容量", "Capacity"), "\(Capacity.describe(bytes)) (\(bytes) \(t("字节", "bytes")))"))
            }
            if !id.filesystemUUIDs.isEmpty { pairs.append(("UUID", id.filesystemUUIDs.joined(separator: ", "))) }
        }
        pairs.append((t("绑定计算机", "Bound to"), m.boundComputers.isEmpty ? t("任一符合密级的计算机", "any computer of a suitable level")
                      : m.boundComputers.joined(separator: ", ")))
        if let approver = d.keyAreaApprover { pairs.append((t("要害部位审批", "Key-area approval"), approver)) }
        if let notes = m.notes { pairs.append((t("备注", "Notes"), notes)) }
        try print(Fields(pairs))
        if !d.movements.isEmpty {
            Output.print("\n" + t("流转记录", "Movements") + "\n")
            try movements(d.movements)
        }
    }

    func movements(_ list: [Movement]) throws {
        let header = [t("时间", "TIME"), t("操作", "ACTION"), t("状态", "STATE"), t("人员", "PERSON"), t("审批人", "APPROVER"),
                      t("经办人", "HANDLER"), t("详情", "DETAILS")]
        let rows = list.map { mv -> [String] in
            let states = [mv.fromState?.name(language), mv.toState?.name(language)].compactMap { $0 }.joined(separator: " → ")
            var details: [String] = []
            if let due = mv.dueDate { details.append(t("期限 ", "due ") + due.description) }
            if let unit = mv.repairUnit { details.append(t("维修单位 ", "unit ") + unit) }
            if let method = mv.method { details.append(t("方式 ", "method ") + method) }
            if let witness = mv.witness { details.append(t("监销人 ", "witness ") + witness) }
            if let from = mv.fromLevel, let to = mv.toLevel { details.append("\(from.name(language)) → \(to.name(language))") }
            else if let to = mv.toLevel { details.append(to.name(language)) }
            if let reason = mv.reason { details.append(t("理由 ", "reason ") + reason) }
            if let note = mv.note {
                // A transfer's note is the change of holder (`P001 → P002`).
                details.append((mv.kind == .transfer ? t("责任人 ", "holder ") : t("备注 ", "note ")) + note)
            }
            return [stamp(mv.at), mv.kind.name(language), states, mv.person ?? "", mv.approver ?? "",
                    mv.handler ?? mv.actor.name, details.joined(separator: "; ")]
        }
        try print(SmallTable(header: header, rows: rows))
    }

    func computer(_ c: Computer, format: ReportFormat) throws {
        if format == .json { return try Output.json(c) }
        var pairs: [(String, String)] = [
            (t("资产编号", "Asset number"), c.assetNumber),
            (t("密级", "Level"), c.level.name(language)),
            (t("网络类型", "Network"), c.network.name(language)),
            (t("状态", "State"), c.state.name(language) + (c.repairMode.map { "（\($0.names.text(language))）" } ?? "")),
        ]
        if let name = c.name { pairs.append((t("名称", "Name"), name)) }
        if let holder = c.holder { pairs.append((t("责任人", "Holder"), holder)) }
        if let location = c.location { pairs.append((t("位置", "Location"), location)) }
        pairs.append((t("要害部位", "Key area"), c.keyArea ? t("是", "yes") : t("否", "no")))
        if !c.diskSerials.isEmpty { pairs.append((t("硬盘序列号", "Disk serials"), c.diskSerials.joined(separator: ", "))) }
        if !c.macAddresses.isEmpty { pairs.append((t("网卡MAC", "MAC addresses"), c.macAddresses.joined(separator: ", "))) }
        if !c.allowedInterfaces.isEmpty { pairs.append((t("允许的网络接口", "Allowed interfaces"), c.allowedInterfaces.joined(separator: ", "))) }
        if !c.lanPrefixes.isEmpty { pairs.append((t("局域网地址段", "LAN prefixes"), c.lanPrefixes.joined(separator: ", "))) }
        try print(Fields(pairs))
    }

    func computers(_ list: [Computer], format: ReportFormat) throws {
        let header = [t("资产编号", "ASSET NO"), t("名称", "NAME"), t("密级", "LEVEL"), t("网络类型", "NETWORK"),
                      t("责任人", "HOLDER"), t("位置", "LOCATION"), t("状态", "STATE"), t("本机", "THIS HOST")]
        let rows = list.map { c in
            [c.assetNumber, c.name ?? "", c.level.name(language), c.network.name(language), c.holder ?? "",
             c.location ?? "", c.state.name(language), c.isThisHost ? "*" : ""]
        }
        switch format {
        case .json: try Output.json(list)
        case .csv: try print(SmallTable(header: header, rows: rows), csv: true)
        case .table: try print(SmallTable(header: header, rows: rows))
        case .html: throw LedgerError.htmlIsForReports(report: "report computers")
        }
    }

    func people(_ list: [Person], format: ReportFormat) throws {
        let header = [t("编号", "ID"), t("姓名", "NAME"), t("部门", "DEPARTMENT"), t("涉密等级", "CLEARANCE"),
                      t("离岗日期", "DEPARTED"), t("脱密期至", "DECLASSIFIED UNTIL")]
        let rows = list.map { p in
            [p.id, p.name, p.department ?? "", p.clearance.name(language), p.departedOn?.description ?? "",
             p.declassificationEnds?.description ?? ""]
        }
        switch format {
        case .json: try Output.json(list)
        case .csv: try print(SmallTable(header: header, rows: rows), csv: true)
        case .table: try print(SmallTable(header: header, rows: rows))
        case .html: throw LedgerError.htmlIsForReports(report: "report person ID")
        }
    }

    func devices(_ list: [AttachedDevice]) -> SmallTable {
        let header = [t("端口", "PORT"), t("设备", "DEVICE"), t("序列号", "SERIAL"), t("裁决", "VERDICT"), t("介质", "MEDIUM"),
                      t("违规", "VIOLATIONS"), t("临时放行至", "ALLOWED UNTIL")]
        let rows = list.map { d -> [String] in
            let o = d.observation
            let name = [o.manufacturer, o.product].compactMap { $0 }.joined(separator: " ")
            var verdict = d.decision == .allow ? t("允许", "allow") : t("阻断", "block")
            if d.audited { verdict += t("（审计）", " (audit)") }
            return [o.port, "\(o.vendorID):\(o.productID) \(name)", o.serial ?? "", verdict, d.mediumNumber ?? "",
                    d.violations.map(\.rawValue).joined(separator: ","), d.allowedUntil?.description ?? ""]
        }
        return SmallTable(header: header, rows: rows)
    }

    /// A small listing to standard output, by AssetCore's listing rules (the streamed listings'
    /// cell sinks): the table aligned by display width, or CSV.
    /// A small listing in the format asked for: HTML is refused (it is for the officer's reports).
    func print(_ table: SmallTable, format: ReportFormat, report: String) throws {
        if format == .html { throw Output.fail(LedgerError.htmlIsForReports(report: report), language) }
        try print(table, csv: format == .csv)
    }

    func print(_ table: SmallTable, csv: Bool = false) throws {
        try write { out throws(LedgerError) in
            if csv { try table.writeCSV(to: &out) } else { try table.writeTable(to: &out) }
        }
    }

    func print(_ fields: Fields) throws {
        try write { out throws(LedgerError) in try fields.write(to: &out) }
    }

    private func write(_ body: (inout ReportOutput) throws(LedgerError) -> Void) throws {
        var output = ReportOutput(sink: StandardOutput.write)
        do {
            try body(&output)
            try output.flush()
        } catch {
            throw Output.fail(output.cause(of: error), language)
        }
    }
}
