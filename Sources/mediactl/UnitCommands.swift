import ArgumentParser
import AssetCore

// The unit (单位台账): the hub's side (`--hub computer enrol`, `--hub unit computers`), which only
// mediahub answers, and this computer's side (`unit status`), which only its mediad answers.

extension Session {
    /// A call the hub answers, whose reply is a `HubReply`.
    func hub(_ call: HubCall) throws -> HubReply {
        try requireHub(call.verb)
        guard case .hub(let reply) = try live(.hub(call)) else { throw fail(ControlClientError.unexpectedReply) }
        return reply
    }
}

extension ComputerCommand {
    struct Enrol: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "At the hub: a one-time code for enrolling a registered computer.",
            discussion: """
                The computer must be registered at the hub (mediactl --hub computer add). The \
                code is valid once, until the time shown; on the computer, run mediad-sync \
                enrol --code CODE as root. Compare the unit key's fingerprint it prints with \
                the one shown here.

                Example:
                  mediactl --hub computer enrol PC-003
                """)
        @OptionGroup var globals: GlobalOptions
        @Argument(help: "The computer's asset number, as registered at the hub.") var assetNumber: String
        @Option(help: "table or json.") var format: ReportFormat = .table
        @OptionGroup var when: ZoneOption

        func run() throws {
            let session = Session(globals: globals)
            guard case .enrolmentCode(let code) = try session.hub(.enrolmentCode(computer: assetNumber)) else {
                throw session.fail(ControlClientError.unexpectedReply)
            }
            if format == .json { return try Output.json(code) }
            let r = try Render(language: session.language, zone: when.zone)
            try r.print(r.enrolment(code))
            Output.print("\n" + r.enrolmentStep(code))
        }
    }
}

struct UnitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unit",
        abstract: "The unit ledger: this computer's membership, or the hub's computers.",
        subcommands: [Status.self, Computers.self])

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "This computer's membership of the unit, as its mediad holds it.",
            discussion: """
                The unit and its hub, when the computer enrolled, the version of the unit \
                ledger its copy is at, and its records: written here, acknowledged by the \
                hub, and owed (not yet delivered by mediad-sync). Asks this computer's mediad \
                (administrators).
                """)
        @OptionGroup var globals: GlobalOptions
        @Option(help: "table or json.") var format: ReportFormat = .table
        @OptionGroup var when: ZoneOption

        func run() throws {
            let session = Session(globals: globals)
            guard case .unit(.membership(let membership)) = try session.live(.unit(.state)) else {
                throw session.fail(ControlClientError.unexpectedReply)
            }
            if format == .json { return try Output.json(membership) }
            let r = try Render(language: session.language, zone: when.zone)
            try r.print(r.membership(membership))
        }
    }

    struct Computers: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "At the hub: every registered computer and how current it is.",
            discussion: """
                For each computer: whether and when it enrolled, when it was last heard \
                from, the unit ledger version it holds and how far behind the hub's it is, \
                and the records it has written that the hub does not hold yet. A computer \
                silent for longer than the hub's silent-after period is marked.

                Example:
                  mediactl --hub unit computers --format csv
                """)
        @OptionGroup var globals: GlobalOptions
        @Option(help: "table, csv or json.") var format: ReportFormat = .table
        @OptionGroup var when: ZoneOption

        func run() throws {
            let session = Session(globals: globals)
            guard case .computers(let unit) = try session.hub(.computers) else {
                throw session.fail(ControlClientError.unexpectedReply)
            }
            if format == .json { return try Output.json(unit) }
            let r = try Render(language: session.language, zone: when.zone)
            if format == .table { Output.print(r.unitSummary(unit) + "\n\n") }
            try r.print(r.unitComputers(unit), format: format, report: "unit computers")
        }
    }
}

extension Render {
    /// `computer enrol`: what the administrator hands to whoever enrols the computer.
    func enrolment(_ code: EnrolmentCode) -> Fields {
        Fields([
            (t("计算机", "Computer"), code.computer),
            (t("注册码", "Enrolment code"), code.code),
            (t("有效期至", "Valid until"), stamp(code.expiresAt)),
            (t("单位", "Unit"), code.unit),
            (t("单位密钥指纹", "Unit key fingerprint"), code.unitKeyFingerprint),
        ])
    }

    /// The step to take on the computer, with the command to type there.
    func enrolmentStep(_ code: EnrolmentCode) -> String {
        t("在计算机 \(code.computer) 上以 root 运行（仅一次，有效期内）：\n", "On the computer \(code.computer), run as root (once, before the code expires):\n")
            + "  mediad-sync enrol --code \(code.code)\n"
    }

    /// `unit status`: this computer's membership.
    func membership(_ m: UnitMembership) -> Fields {
        Fields([
            (t("单位", "Unit"), m.unit),
            (t("单位密钥指纹", "Unit key fingerprint"), UnitKey.fingerprint(m.unitKey)),
            (t("中心", "Hub"), m.hub ?? t("未告知", "not given")),
            (t("计算机", "Computer"), m.computer),
            (t("加入时间", "Enrolled at"), stamp(m.enrolledAt)),
            (t("台账版本", "Ledger version"), String(m.ledgerVersion)),
            (t("最近变更", "Last change"), m.lastChangeAt.map(stamp) ?? t("无", "none")),
            (t("已写记录", "Records written"), String(m.head)),
            (t("中心已确认", "Acknowledged"), String(m.acknowledged)),
            (t("待送记录", "Records owed"), String(m.owed)),
        ])
    }

    /// The line above `unit computers`' table: the version the BEHIND column counts from.
    func unitSummary(_ unit: UnitComputers) -> String {
        t("单位台账版本 \(unit.ledgerVersion)；超过 \(unit.silentAfterDays) 天未联系（单机：超过 \(unit.standaloneAfterDays) 天未导入其记录数据包）的计算机标为失联",
          "unit ledger version \(unit.ledgerVersion); computers not heard from for \(unit.silentAfterDays) days (standalone ones: no records bundle for \(unit.standaloneAfterDays) days) are marked silent")
    }

    /// `unit computers`: one row per registered computer. A computer not enrolled holds no version
    /// and owes nothing, so those cells are empty rather than zero.
    func unitComputers(_ unit: UnitComputers) -> SmallTable {
        let header = [t("计算机", "COMPUTER"), t("名称", "NAME"), t("部门", "DEPARTMENT"), t("加入时间", "ENROLLED"), t("方式", "VIA"),
                      t("最近联系", "LAST HEARD"), t("台账版本", "LEDGER VERSION"), t("落后", "BEHIND"),
                      t("待收记录", "RECORDS OWED"), t("失联", "SILENT")]
        let rows = unit.computers.map { c -> [String] in
            let enrolled = c.enrolledAt != nil
            return [c.computer, c.name ?? "", c.department ?? "",
                    c.enrolledAt.map(stamp) ?? t("未加入", "not enrolled"),
                    // How its records come: its courier, or bundles carried by hand (单机).
                    enrolled ? (c.standalone ? t("数据包", "bundle") : t("网络", "courier")) : "",
                    c.lastHeard.map(stamp) ?? (enrolled ? t("从未", "never") : ""),
                    enrolled ? String(c.ledgerVersion) : "",
                    enrolled ? String(max(0, unit.ledgerVersion - c.ledgerVersion)) : "",
                    enrolled ? String(c.owed) : "",
                    c.silent ? t("是", "yes") : ""]
        }
        return SmallTable(header: header, rows: rows)
    }
}
