import AssetCore

/// How the computer-asset answers look on a terminal.
extension Render {
    func inventory(_ view: InventoryView) throws {
        let unknown = t("未知", "unknown")
        let present = view.present
        let registered = view.baseline?.inventory
        func value(_ text: String?) -> String { text ?? unknown }
        var pairs: [(String, String)] = []
        if let host = view.computer {
            pairs.append((t("计算机", "Computer"), "\(host.assetNumber) (\(host.level.name(language)), \(host.state.name(language)))"))
        } else {
            pairs.append((t("计算机", "Computer"), t("本机未登记（mediactl host set）", "this computer is not registered (mediactl host set)")))
        }
        if let baseline = view.baseline {
            pairs.append((t("硬件基线", "Baseline"), t("\(stamp(baseline.at))，审批人 \(baseline.approver)",
                                                     "\(stamp(baseline.at)), approved by \(baseline.approver)")))
        } else {
            pairs.append((t("硬件基线", "Baseline"), t("尚无（mediactl computer baseline --approver 审批人）",
                                                     "none yet (mediactl computer baseline --approver NAME)")))
        }
        try print(Fields(pairs))
        Output.print("\n")
        let system: [(String, String?, String?)] = [
            (t("厂商", "Vendor"), present.system.vendor, registered?.system.vendor),
            (t("型号", "Product"), present.system.product, registered?.system.product),
            (t("整机序列号", "Serial"), present.system.serial, registered?.system.serial),
            (t("主板序列号", "Board serial"), present.system.boardSerial, registered?.system.boardSerial),
            (t("BIOS版本", "BIOS version"), present.system.biosVersion, registered?.system.biosVersion),
            (t("内存", "Memory"), present.memoryBytes.map(Capacity.describe), registered?.memoryBytes.map(Capacity.describe)),
            (t("处理器", "CPU"), present.cpuModel, registered?.cpuModel),
            ("TPM", present.tpm.map { $0 ? t("有", "present") : t("无", "absent") },
             registered?.tpm.map { $0 ? t("有", "present") : t("无", "absent") }),
            (t("内核", "Kernel"), present.os?.kernel, registered?.os?.kernel),
            (t("操作系统", "OS"), present.os?.distribution, registered?.os?.distribution),
        ]
        try print(SmallTable(header: [t("项目", "ITEM"), t("现在", "NOW"), t("基线", "BASELINE")],
                             rows: system.map { [$0.0, value($0.1), registered == nil ? "" : value($0.2)] }))
        Output.print("\n")
        let registeredDisks = Set((registered?.disks ?? []).compactMap { $0.serial ?? $0.wwn })
        try print(SmallTable(
            header: [t("硬盘", "DISK"), t("型号", "MODEL"), t("序列号", "SERIAL"), "WWN", t("容量", "SIZE"), t("总线", "BUS"),
                     t("登记", "REGISTERED")],
            rows: present.disks.map { d in
                [d.name, value(d.model), value(d.serial), d.wwn ?? "", d.sizeBytes.map(Capacity.describe) ?? unknown, d.bus.rawValue,
                 registered == nil ? "" : (d.serial ?? d.wwn).map { registeredDisks.contains($0) ? t("是", "yes") : t("否", "no") } ?? unknown]
            }))
        Output.print("\n")
        let registeredMACs = Set((registered?.networkCards ?? []).compactMap(\.mac))
        try print(SmallTable(
            header: [t("网卡", "CARD"), "MAC", t("类型", "TYPE"), t("驱动", "DRIVER"), t("总线", "BUS"), t("登记", "REGISTERED")],
            rows: present.networkCards.map { c in
                [c.name, value(c.mac), c.wireless ? t("无线", "wireless") : t("有线", "wired"), value(c.driver), c.bus.rawValue,
                 registered == nil ? "" : c.mac.map { registeredMACs.contains($0) ? t("是", "yes") : t("否", "no") } ?? unknown]
            }))
        if !present.usbControllers.isEmpty {
            Output.print("\n")
            try print(SmallTable(header: [t("USB控制器", "USB CONTROLLER"), t("厂商:设备", "VENDOR:DEVICE"), t("驱动", "DRIVER")],
                                 rows: present.usbControllers.map { [$0.slot, "\($0.vendorID ?? "?"):\($0.deviceID ?? "?")", value($0.driver)] }))
        }
        guard view.baseline != nil else { return }
        Output.print("\n")
        if view.changes.isEmpty {
            Output.print(t("与硬件基线一致。", "The hardware matches its baseline.") + "\n")
            return
        }
        try print(SmallTable(
            header: [t("差异", "DIFFERENCE"), t("严重程度", "SEVERITY"), t("基线", "BASELINE"), t("现在", "NOW")],
            rows: view.changes.map { c in
                [c.kind.names.text(language), c.severity?.names.text(language) ?? t("记录", "logged"), c.before ?? "", c.after ?? ""]
            }))
    }

    func history(_ history: ComputerHistory) throws {
        try computer(history.computer, format: .table)
        Output.print("\n")
        try print(SmallTable(
            header: [t("时间", "TIME"), t("变更", "MOVE"), t("维修方式", "REPAIR MODE"), t("审批人", "APPROVER"), t("经办", "BY"),
                     t("说明", "NOTE")],
            rows: history.movements.map { m in
                [stamp(m.at), "\(m.from.name(language)) → \(m.to.name(language))", m.repairMode?.names.text(language) ?? "",
                 m.approver, m.handler ?? m.actor.name, m.note ?? ""]
            }))
        Output.print("\n")
        try print(SmallTable(
            header: [t("硬件基线", "BASELINE"), t("审批人", "APPROVER"), t("硬盘", "DISKS"), t("网卡", "CARDS"), t("说明", "NOTE")],
            rows: history.baselines.map { b in
                [stamp(b.at), b.approver, b.inventory.disks.map { $0.serial ?? $0.name }.joined(separator: ", "),
                 b.inventory.networkCards.map { $0.mac ?? $0.name }.joined(separator: ", "), b.note ?? ""]
            }))
    }

    func peripherals(_ list: [Peripheral]) -> SmallTable {
        SmallTable(
            header: [t("编号", "NUMBER"), t("类别", "KIND"), t("厂商:产品", "VENDOR:PRODUCT"), t("序列号", "SERIAL"), t("型号", "MODEL"),
                     t("计算机", "COMPUTER"), t("责任人", "HOLDER"), t("位置", "LOCATION"), t("状态", "STATE")],
            rows: list.map { p in
                [p.number, p.kind.name(language), "\(p.vendorID):\(p.productID)", p.serial ?? "", p.model ?? "", p.computer, p.holder,
                 p.location ?? "", p.active ? t("在用", "in service") : t("已撤销", "removed")]
            })
    }
}
