import ArgumentParser
import AssetCore

struct EventsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "What the guard saw: devices attached and detached, its verdicts, its own starts and stops.",
        discussion: "With --hub: the newest events of every computer of the unit, as they reached the hub.")
    @OptionGroup var globals: GlobalOptions
    @Option(help: "Only events at or after this time (2026-11-22 or 2026-11-22T09:30:00Z).") var since: Timestamp?
    @Option(help: "At most this many of the newest events.") var limit: Int = 200
    @Option(help: "table, json or csv.") var format: ReportFormat = .table
    @OptionGroup var when: ZoneOption

    func run() throws {
        let s = Session(globals: globals)
        guard case .events(let events) = try s.perform(.events(since: since, limit: max(1, limit))) else { return }
        if format == .json { return try Output.json(events) }
        let r = try Render(language: s.language, zone: when.zone)
        // At the hub the events are every computer's: say whose each is.
        let unit = globals.hub
        let header = ["#", r.t("时间", "TIME")] + (unit ? [r.t("计算机", "COMPUTER")] : []) + [
            r.t("事件", "EVENT"), r.t("端口", "PORT"), r.t("设备", "DEVICE"),
            r.t("序列号", "SERIAL"), r.t("裁决", "VERDICT"), r.t("介质", "MEDIUM"), r.t("说明", "NOTE")]
        let rows = events.map { e -> [String] in
            let ids = e.vendorID.map { "\($0):\(e.productID ?? "")" } ?? ""
            var verdict = e.decision.map { $0 == .allow ? r.t("允许", "allow") : r.t("阻断", "block") } ?? ""
            if e.audited { verdict += r.t("（审计）", " (audit)") }
            return [String(e.id ?? 0), r.stamp(e.at)] + (unit ? [e.computer ?? ""] : []) + [e.kind.rawValue, e.port ?? "",
                    [ids, e.device ?? ""].filter { !$0.isEmpty }.joined(separator: " "), e.serial ?? "", verdict,
                    e.mediumNumber ?? "", e.note ?? ""]
        }
        try r.print(SmallTable(header: header, rows: rows), format: format, report: "report audit")
    }
}

struct ViolationsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "violations",
        abstract: "Violations the guard found, and their handling to the end (查处).",
        discussion: """
            A violation is open when found, acknowledged when an officer has seen it, and
            handled when an officer has recorded its outcome (批评教育 criticism, 责令整改
            rectify, 通报批评 notice, 诫勉谈话 admonish, 移交处理 refer, 误报 false-alarm)
            and the person held responsible. A handling found wrong is reopened with a
            reason. Every step is in the admin trail.
            """,
        subcommands: [List.self, Ack.self, Handle.self, Reopen.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List violations, newest last.")
        @OptionGroup var globals: GlobalOptions
        @Flag(help: "Only those not yet acknowledged (--state open).") var open = false
        @Option(help: "Only those in this state: open, acknowledged or handled.") var state: ViolationStatus?
        @Option(help: "Only those at or after this time (2026-11-22 or 2026-11-22T09:30:00Z).") var since: Timestamp?
        @Option(help: "Only those found on this computer (at the hub: one of the unit's).") var computer: String?
        @Option(help: "Only those of this department's people or computers.") var department: String?
        @Option(help: "table, json or csv.") var format: ReportFormat = .table
        @OptionGroup var when: ZoneOption

        func run() throws {
            let s = Session(globals: globals)
            let filter = ViolationFilter(openOnly: open, since: since, state: state, computer: computer.map { $0.trimmingWhitespace() }.flatMap { $0.isEmpty ? nil : $0 },
                                         department: department.map { $0.trimmingWhitespace() }.flatMap { $0.isEmpty ? nil : $0 })
            try s.list(.violations(filter), format: format, zone: when.zone)
        }
    }

    struct Ack: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Acknowledge a violation and record how it was dealt with (officer role).",
            discussion: """
                Example:
                  mediactl violations ack 12 --note "已处置: 收回该U盘并登记"
                """)
        @OptionGroup var globals: GlobalOptions
        @Argument(help: "Violation id, as `violations list` shows it.") var id: Int64
        @Option(help: "How it was dealt with (处置情况).") var note: String

        func run() throws {
            let s = Session(globals: globals)
            _ = try s.perform(.violationAck(id: id, note: note))
            Output.print(Render(language: s.language).t("违规 \(id) 已确认\n", "violation \(id) acknowledged\n"))
        }
    }

    struct Handle: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record how a violation was handled: the outcome and who is responsible (officer role).",
            discussion: """
                Examples:
                  mediactl violations handle 12 --outcome 批评教育 --responsible P002 \\
                      --note "当面批评，已收回该U盘"
                  mediactl violations handle 13 --outcome false-alarm \\
                      --note "维修人员测试，经批准"
                """)
        @OptionGroup var globals: GlobalOptions
        @Argument(help: "Violation id, as `violations list` shows it.") var id: Int64
        @Option(help: "criticism, rectify, notice, admonish, refer or false-alarm (or in Chinese).") var outcome: HandlingOutcome
        @Option(help: "Person id of the one held responsible (not needed for a false alarm).") var responsible: String?
        @Option(help: "What was done; for a false alarm, why it was one.") var note: String

        func run() throws {
            let s = Session(globals: globals)
            _ = try s.perform(.violationHandle(ViolationHandling(id: id, outcome: outcome, responsible: responsible, note: note)))
            Output.print(Render(language: s.language).t("违规 \(id) 已处理：\(outcome.names.zh)\n",
                                                        "violation \(id) handled: \(outcome.rawValue)\n"))
        }
    }

    struct Reopen: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Open a handled or acknowledged violation again, with the reason (officer role).")
        @OptionGroup var globals: GlobalOptions
        @Argument(help: "Violation id, as `violations list` shows it.") var id: Int64
        @Option(help: "Why its handling is reopened.") var reason: String

        func run() throws {
            let s = Session(globals: globals)
            _ = try s.perform(.violationReopen(id: id, reason: reason))
            Output.print(Render(language: s.language).t("违规 \(id) 已重新打开\n", "violation \(id) reopened\n"))
        }
    }
}
