import ArgumentParser
import AssetCore

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Read and verify the admin trail (操作审计日志).",
        subcommands: [Verify.self, Log.self])

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the hash chains of the admin trail and of the guard's records; exits 65 and names the rows if either was tampered with.",
            discussion: """
                The admin trail (who changed the ledger) and the guard's own records (every \
                device event and violation, each chained to the one before as it is written) are \
                each read in full: a row altered, deleted or cut from the end is named. Records \
                written before the chain existed (a ledger older than this release's v11) are \
                counted, not checked. At the hub the computers' records are checked as each batch \
                arrives instead (records-missing, records-altered).
                """)
        @OptionGroup var globals: GlobalOptions
        @Option(help: "table or json; csv prints the table.") var format: ReportFormat = .table

        func run() throws {
            let s = Session(globals: globals)
            guard case .verification(let result) = try s.perform(.auditVerify) else { return }
            let r = Render(language: s.language)
            if format == .json {
                try Output.json(result)
            } else {
                if result.problems.isEmpty {
                    Output.print(r.t("审计日志完整：\(result.rowCount) 行，哈希链无断裂\n",
                                     "admin trail intact: \(result.rowCount) rows, hash chain unbroken\n"))
                } else {
                    Output.print(r.t("审计日志已被篡改：\(result.rowCount) 行中发现 \(result.problems.count) 处问题\n",
                                     "admin trail TAMPERED: \(result.problems.count) problem(s) in \(result.rowCount) rows\n"))
                    for problem in result.problems { Output.print("  " + problem.message.text(s.language) + "\n") }
                }
                if let records = result.records { Output.print(r.recordVerification(records)) }
            }
            if !result.intact { throw ExitCode(65) }
        }
    }

    struct Log: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the admin trail: who changed what, when.")
        @OptionGroup var globals: GlobalOptions
        @Option(help: "Only changes to this medium number.") var medium: String?
        @Option(help: "Only changes to this person id.") var person: String?
        @Option(help: "table, json or csv.") var format: ReportFormat = .table
        @OptionGroup var when: ZoneOption

        func run() throws {
            let s = Session(globals: globals)
            let (entity, key): (String?, String?) = medium.map { ("medium", $0) } ?? person.map { ("person", $0) } ?? (nil, nil)
            guard case .trail(let rows) = try s.perform(.auditLog(entity: entity, key: key)) else { return }
            if format == .json { return try Output.json(rows) }
            let r = try Render(language: s.language, zone: when.zone)
            let header = ["#", r.t("时间", "TIME"), r.t("操作人", "ACTOR"), r.t("操作", "ACTION"), r.t("对象", "OBJECT"),
                          r.t("字段", "FIELD"), r.t("原值", "OLD"), r.t("新值", "NEW")]
            let table = rows.map { e in
                [String(e.id ?? 0), r.stamp(e.at), "\(e.actor.name)(\(e.actor.uid))", e.action, "\(e.entity) \(e.entityKey)",
                 e.field ?? "", e.oldValue ?? "", e.newValue ?? ""]
            }
            try r.print(SmallTable(header: header, rows: table), format: format, report: "report audit")
        }
    }
}

extension Render {
    /// `audit verify`'s lines on the guard's records.
    func recordVerification(_ v: RecordVerification) -> String {
        let older = v.unchained > 0 ? t("（另有 \(v.unchained) 条早于哈希链的旧记录未校验）", " (and \(v.unchained) older records, written before the chain, not checked)") : ""
        guard !v.intact else {
            return t("监控记录完整：\(v.count) 条，哈希链无断裂", "guard records intact: \(v.count) records, hash chain unbroken") + older + "\n"
        }
        return t("监控记录已被篡改：\(v.count) 条中发现 \(v.problems.count) 处问题", "guard records TAMPERED: \(v.problems.count) problem(s) in \(v.count) records")
            + older + "\n" + v.problems.map { "  " + $0.message.text(language) + "\n" }.joined()
    }
}
