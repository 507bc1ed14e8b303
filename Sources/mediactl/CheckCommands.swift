import ArgumentParser
import AssetCore

/// `mediactl check …`: 清查核对, the officer's periodic check of every medium (001 §3.7, 002 §8.3
/// every six months, 004 §4.1). The rules are AssetCore's (`Service+Check.swift`); this prints.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "清查核对: find and see every medium, list the missing (officer role).",
        discussion: """
            A check expects every medium in its scope that is not destroyed, handed back or lost. \
            A medium is seen when it is plugged into this computer while the check is open (mediad \
            records it, blocked or not) or when its number is typed or scanned with `check see`. \
            `check finish` makes each medium not seen an open missing-at-check violation (high), \
            and each lost or destroyed medium seen a forbidden-at-check one (critical).

            Examples:
              mediactl check start --scope all --by 张三
              mediactl check start --scope department 技术部 --by 张三
              mediactl check see U-2026-0001 U-2026-0002
              mediactl check see -          (numbers from a barcode scanner or a pipe)
              mediactl check status
              mediactl check finish
              mediactl report check 1 --format html --output check-1.html
            """,
        subcommands: [Start.self, See.self, Status.self, Finish.self, Cancel.self])

    struct Start: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Open a check (one at a time).")
        @OptionGroup var globals: GlobalOptions
        @Option(parsing: .upToNextOption, help: ArgumentHelp("all, department NAME or holder PERSON-ID.",
                                                              valueName: "scope"))
        var scope: [String]
        @Option(help: ArgumentHelp("The person who does the check (检查人).", valueName: "name")) var by: String
        @Option(help: "A note kept with the check.") var note: String?

        func run() throws {
            let s = Session(globals: globals)
            let parsed = try s.parse { () throws(LedgerError) in try CheckScope(parsing: scope) }
            guard case .check(let status) = try s.perform(.checkStart(CheckOpening(scope: parsed, checker: by, note: note)))
            else { return }
            let r = Render(language: s.language)
            Output.print(r.t("清查核对 #\(status.check.id) 已开始：\(status.check.scope.names.zh)，应清查 \(status.check.expected) 件介质\n",
                             "check #\(status.check.id) started: \(status.check.scope.names.en), \(status.check.expected) media expected\n"))
        }
    }

    struct See: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record media seen, by number; - reads numbers from standard input.",
            discussion: """
                A barcode scanner types the number and Enter: `check see -` records each line as it \
                comes. Numbers not in the ledger are named and the command exits 66; the others are \
                recorded all the same.
                """)
        @OptionGroup var globals: GlobalOptions
        @Argument(help: "Unified numbers (统一编号), or - for standard input.") var numbers: [String]

        func run() throws {
            let s = Session(globals: globals)
            let r = Render(language: s.language)
            var unknown = CheckSightings(checkID: 0)
            func see(_ batch: [String]) throws {
                guard case .checkSightings(let result) = try s.perform(.checkSee(numbers: batch)) else { return }
                for number in result.recorded { Output.print(r.t("已见 \(number)\n", "seen \(number)\n")) }
                for number in result.already { Output.print(r.t("\(number) 此前已见\n", "\(number) already seen\n")) }
                unknown.unknown += result.unknown
            }
            if numbers == ["-"] {
                while let line = readLine() {
                    let batch = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
                    if !batch.isEmpty { try see(batch) }
                }
            } else {
                guard !numbers.contains("-") else {
                    throw s.fail(LedgerError(.usage, zh: "“-” 表示从标准输入读取，不能与编号同用",
                                             en: "'-' reads standard input and cannot be mixed with numbers"))
                }
                try see(numbers)
            }
            if let error = unknown.unknownError { throw s.fail(error) }
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Seen, not yet seen, and seen but not in scope, of the open check (or check ID).")
        @OptionGroup var globals: GlobalOptions
        @Argument(help: "A check's number (default: the open check).") var id: Int64?
        @Option(help: "table or json.") var format: ReportFormat = .table
        @OptionGroup var when: ZoneOption

        func run() throws {
            let s = Session(globals: globals)
            guard case .check(let status) = try s.perform(.checkStatus(id: id)) else { return }
            if format == .json { return try Output.json(status) }
            guard format == .table else {
                throw s.fail(LedgerError(.usage, zh: "check status 只输出 table 或 json；表格版请用 mediactl report check \(status.check.id)",
                                         en: "check status prints table or json; for the form use mediactl report check \(status.check.id)"))
            }
            try CheckView(render: try Render(language: s.language, zone: when.zone)).status(status)
        }
    }

    struct Finish: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Close the open check: what was not seen becomes a violation.")
        @OptionGroup var globals: GlobalOptions
        @Option(help: "A note kept with the check.") var note: String?
        @OptionGroup var when: ZoneOption

        func run() throws {
            let s = Session(globals: globals)
            guard case .check(let status) = try s.perform(.checkFinish(note: note)) else { return }
            try CheckView(render: try Render(language: s.language, zone: when.zone)).finished(status)
        }
    }

    struct Cancel: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cancel an abandoned check: recorded, no violation raised.")
        @OptionGroup var globals: GlobalOptions
        @Option(help: "Why it is abandoned.") var reason: String

        func run() throws {
            let s = Session(globals: globals)
            guard case .check(let status) = try s.perform(.checkCancel(reason: reason)) else { return }
            Output.print(Render(language: s.language).t("清查核对 #\(status.check.id) 已取消\n",
                                                        "check #\(status.check.id) cancelled\n"))
        }
    }
}

/// `mediactl checks`: every check, oldest first.
struct ChecksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checks", abstract: "Every check (清查核对), with how many media it expected and saw.")
    @OptionGroup var globals: GlobalOptions
    @Option(help: "table, json or csv.") var format: ReportFormat = .table
    @OptionGroup var when: ZoneOption

    func run() throws {
        let s = Session(globals: globals)
        guard case .checks(let list) = try s.perform(.checks) else { return }
        if format == .json { return try Output.json(list) }
        let r = try Render(language: s.language, zone: when.zone)
        let header = ["#", r.t("范围", "SCOPE"), r.t("检查人", "CHECKER"), r.t("开始", "STARTED"), r.t("状态", "STATE"),
                      r.t("结束", "ENDED"), r.t("应清查", "EXPECTED"), r.t("已见", "SEEN"), r.t("备注", "NOTE")]
        let rows = list.map { c in
            [String(c.id), c.scope.names.text(s.language), c.checker, r.stamp(c.startedAt), c.state.names.text(s.language),
             c.endedAt.map(r.stamp) ?? "", String(c.expected), String(c.seen), c.note ?? ""]
        }
        try r.print(SmallTable(header: header, rows: rows), format: format, report: "report check ID")
    }
}
