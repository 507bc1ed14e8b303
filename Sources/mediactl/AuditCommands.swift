import ArgumentParser
import AssetCore

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Read and verify the admin trail (操作审计日志).",
        subcommands: [Verify.self, Log.self])

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the hash chain of the admin trail; exits 65 and names the rows if it was tampered with.")
        @OptionGroup var globals: GlobalOptions
        @Option(help: "table or json; csv prints the table.") var format: ReportFormat = .table

        func run() throws {
            let s = Session(globals: globals)
            guard case .verification(let result) = try s.perform(.auditVerify) else { return }
            let r = Render(language: s.language)
            if format == .json {
                try Output.json(result)
            } else if result.intact {
                Output.print(r.t("审计日志完整：\(result.rowCount) 行，哈希链无断裂\n",
                                 "admin trail intact: \(result.rowCount) rows, hash chain unbroken\n"))
            } else {
                Output.print(r.t("审计日志已被篡改：\(result.rowCount) 行中发现 \(result.problems.count) 处问题\n",
                                 "admin trail TAMPERED: \(result.problems.count) problem(s) in \(result.rowCount) rows\n"))
                for problem in result.problems { Output.print("  " + problem.message.text(s.language) + "\n") }
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
