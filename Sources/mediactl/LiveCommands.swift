import ArgumentParser
import AssetCore
import Foundation

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "The running guard: version, uptime, mode, lockdown, this computer, counts, last event, and whether the ledger is storing.")
    @OptionGroup var globals: GlobalOptions
    @Option(help: "table or json; csv prints the table.") var format: ReportFormat = .table

    func run() throws {
        let s = Session(globals: globals)
        guard case .status(let st) = try s.live(.status) else { return }
        if format == .json { return try Output.json(st) }
        let r = Render(language: s.language)
        let host = st.host.map { "\($0.assetNumber) (\($0.level.name(s.language)), \($0.network.name(s.language)))" }
            ?? r.t("未登记（所有存储设备被阻断）", "not registered (every storage device is blocked)")
        let last = st.lastEvent.map { "\($0.at) \($0.kind.rawValue) \($0.port ?? "") \($0.note ?? "")" } ?? ""
        let ledger = st.ledgerTrouble.map { t in
            r.t("无法写入！自 \(t.since) 起（\(t.reason)）；\(t.spooled) 条记录暂存于 \(t.spool)"
                + (t.dropped > 0 ? "，\(t.dropped) 条因暂存区满而丢失" : "") + (t.spoolFailure.map { "（暂存文件：\($0)）" } ?? "")
                + "；\(t.blocked) 个设备因裁决无法记录而被阻断，恢复后重新裁决",
                "NOT STORING since \(t.since) (\(t.reason)); \(t.spooled) records spooled in \(t.spool)"
                + (t.dropped > 0 ? ", \(t.dropped) lost (spool full)" : "") + (t.spoolFailure.map { " (spool file: \($0))" } ?? "")
                + "; \(t.blocked) devices blocked until their verdict can be stored")
        } ?? r.t("正常写入", "storing")
        try r.print(Fields([
            (r.t("版本", "Version"), "mediad \(st.version)"),
            (r.t("运行时间", "Uptime"), "\(st.uptimeSeconds / 3600)h \(st.uptimeSeconds / 60 % 60)m \(st.uptimeSeconds % 60)s"),
            (r.t("模式", "Mode"), st.mode == .enforce ? r.t("强制（阻断违规）", "enforce") : r.t("审计（只记录）", "audit")),
            (r.t("端口锁定", "Lockdown"), st.lockdown ? r.t("是", "yes") : r.t("否", "no")),
            (r.t("本机", "This computer"), host),
            (r.t("登记介质", "Media registered"), String(st.mediaRegistered)),
            (r.t("未处置违规", "Open violations"), String(st.openViolations)),
            (r.t("接入设备", "Devices attached"), String(st.devicesAttached)),
            (r.t("最近事件", "Last event"), last),
            (r.t("台账", "Ledger"), ledger),
        ]))
    }
}

struct DevicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices",
        abstract: "USB devices attached now, with the verdict each is under.")
    @OptionGroup var globals: GlobalOptions
    @Option(help: "table or json; csv prints the table.") var format: ReportFormat = .table

    func run() throws {
        let s = Session(globals: globals)
        guard case .devices(let devices) = try s.live(.devices) else { return }
        if format == .json { return try Output.json(devices) }
        let r = Render(language: s.language)
        try r.print(r.devices(devices))
    }
}

struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Follow the guard live: every device event and violation as it happens (Ctrl-C to stop).",
        discussion: "With --format json, one JSON object per line, for piping into other tools.")
    @OptionGroup var globals: GlobalOptions
    @Option(help: "table or json; csv prints the table.") var format: ReportFormat = .table

    func run() throws {
        let s = Session(globals: globals)
        let r = Render(language: s.language)
        try s.stream(.watch) { reply in
            guard case .event(let item) = reply else { return }
            if format == .json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                Output.print(String(decoding: try encoder.encode(item), as: UTF8.self) + "\n")
            } else {
                let e = item.event
                var line = "\(e.at) \(e.kind.rawValue)"
                if let port = e.port { line += " \(port)" }
                if let vendor = e.vendorID { line += " \(vendor):\(e.productID ?? "")" }
                if let serial = e.serial { line += " \(r.t("序列号", "serial")) \(serial)" }
                if let decision = e.decision { line += " → \(decision == .allow ? r.t("允许", "allow") : r.t("阻断", "block"))" }
                if e.audited { line += r.t("（审计）", " (audit)") }
                if let number = e.mediumNumber { line += " \(number)" }
                if let note = e.note { line += " \(note)" }
                Output.print(SafeText.escape(line) + "\n")
                for violation in item.violations {
                    Output.print("    [\(violation.severity.names.text(s.language))] \(SafeText.escape(violation.reason.text(s.language)))\n")
                }
            }
        }
    }
}

struct AllowOnceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "allow-once",
        abstract: "Let a blocked device work for a limited time (administrator; recorded with who and why).",
        discussion: """
            The device is re-blocked when the time is up, and the override ends if it is unplugged: plugged \
            in again, it is judged afresh. DEVICE is a port (1-1.4), a sysfs path or a serial, as \
            `mediactl devices` shows them.

            Example:
              mediactl allow-once 1-1 --minutes 30 \\
                  --reason "临时拷贝会议材料，经李四批准"
            """)
    @OptionGroup var globals: GlobalOptions
    @Argument(help: "Port, sysfs path or serial of the device.") var device: String
    @Option(help: "How long, in minutes (fractions allowed; at most a week).") var minutes: Double
    @Option(help: "Why, and on whose approval.") var reason: String

    func run() throws {
        let s = Session(globals: globals)
        guard case .devices(let devices) = try s.live(.allowOnce(AllowOnce(device: device, minutes: minutes, reason: reason))),
              let d = devices.first else { return }
        let r = Render(language: s.language)
        Output.print(r.t("已临时放行 \(d.observation.port)（\(d.observation.vendorID):\(d.observation.productID)）至 \(d.allowedUntil?.description ?? "")\n",
                         "allowed \(d.observation.port) (\(d.observation.vendorID):\(d.observation.productID)) until \(d.allowedUntil?.description ?? "")\n"))
    }
}
