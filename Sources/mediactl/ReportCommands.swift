#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import AssetCore
import Foundation

/// `mediactl report NAME`: the officer's reports and forms, printed by AssetCore (here with --db,
/// in the daemon otherwise) and streamed to the terminal or a file.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "The reports and forms an officer hands in (审计报告, 台账, 清单).",
        discussion: """
            Each report comes out of the ledger in one command, in Chinese or English (--lang), as a \
            table on the terminal, or as --format html (one self-contained file to print on A4), csv \
            (the report's main table) or json (everything: totals, tables, rows).

            Periods: --quarter 2026Q4, --year 2026, or --from/--to dates (both days included, in \
            local time). Without one, violations and destruction cover this year so far, audit the \
            last finished quarter, annual the last finished year. Times are printed in local time with \
            the offset (--tz to choose the zone).

            Examples:
              mediactl report audit --quarter 2026Q4 --format html --output q4.html
              mediactl report violations --year 2026 --by department --format csv
              mediactl report outstanding
              mediactl report person P001 --lang en
              mediactl --hub report audit --quarter 2026Q4 --computer PC-0042

            At the hub (--hub) the reports cover the whole unit: audit counts every computer's \
            records, outstanding adds computers silent for longer than the unit's period. \
            --computer narrows the violations and guard records of violations, audit and \
            outstanding to one computer (media and people stay the whole ledger's).
            """,
        subcommands: [Violations.self, Audit.self, Annual.self, Outstanding.self, Ledger.self, Computers.self,
                      Destruction.self, Person.self, Check.self])

    /// Options every report takes.
    struct Common: ParsableArguments {
        @OptionGroup var globals: GlobalOptions
        @Option(help: "table (default), html, csv or json.") var format: ReportFormat = .table
        @Option(help: ArgumentHelp("Write the report to this file instead of standard output.", valueName: "file"))
        var output: String?
        @OptionGroup var when: ZoneOption

        var zone: ZoneChoice { when.zone }

        func print(_ make: (Session) throws -> OfficerReportRequest) throws {
            let session = Session(globals: globals)
            var request = try make(session)
            request.zone = zone
            try session.report(.officer(request), format: format, zone: zone, to: output)
        }
    }

    /// `--computer`, for the reports that can be narrowed to one computer.
    struct ComputerOption: ParsableArguments {
        @Option(help: ArgumentHelp("Only this computer's part (its asset number); most useful at the hub.", valueName: "asset"))
        var computer: String?
    }

    /// The period options of the reports that cover one.
    struct PeriodOptions: ParsableArguments {
        @Option(help: ArgumentHelp("A quarter: 2026Q4.", valueName: "yyyyQn")) var quarter: String?
        @Option(help: ArgumentHelp("A calendar year: 2026.", valueName: "yyyy")) var year: String?
        @Option(help: ArgumentHelp("First day, included: 2026-10-01.", valueName: "date")) var from: Day?
        @Option(help: ArgumentHelp("Last day, included: 2026-12-31.", valueName: "date")) var to: Day?

        /// The period asked for, or nil for the report's default (resolved where it is printed).
        func period(_ session: Session) throws -> ReportPeriod? {
            try session.parse { () throws(LedgerError) in
                try ReportPeriod.from(quarter: quarter, year: year, from: from, to: to, today: WallClock.system.now().localDay,
                                      default: nil)
            }
        }
    }

    struct Violations: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Violations counted by type, severity, outcome, computer, department, person and month, each with how it was handled.")
        @OptionGroup var common: Common
        @OptionGroup var when: PeriodOptions
        @Option(help: "With csv or json: only the counts by one grouping (values listed below).")
        var by: ViolationGrouping?
        @OptionGroup var only: ComputerOption

        func run() throws {
            try common.print { s in OfficerReportRequest(kind: .violations, period: try when.period(s), by: by, computer: only.computer) }
        }
    }

    struct Audit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "涉密计算机安全保密审计报告 of a quarter.")
        @OptionGroup var common: Common
        @OptionGroup var when: PeriodOptions
        @OptionGroup var only: ComputerOption

        func run() throws { try common.print { s in OfficerReportRequest(kind: .audit, period: try when.period(s), computer: only.computer) } }
    }

    struct Annual: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The year's statistics: media by kind, level and state; movements; 密级变更和解密情况统计表.")
        @OptionGroup var common: Common
        @OptionGroup var when: PeriodOptions

        func run() throws { try common.print { s in OfficerReportRequest(kind: .annual, period: try when.period(s)) } }
    }

    struct Outstanding: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "What to chase now: overdue loans, media of people who left, open violations, long repairs, lost media.")
        @OptionGroup var common: Common
        @OptionGroup var only: ComputerOption

        func run() throws { try common.print { _ in OfficerReportRequest(kind: .outstanding, computer: only.computer) } }
    }

    struct Ledger: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "涉密载体登记台账: every medium with its registration.")
        @OptionGroup var common: Common

        func run() throws { try common.print { _ in OfficerReportRequest(kind: .ledger) } }
    }

    struct Computers: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "涉密计算机台账: every registered computer.")
        @OptionGroup var common: Common

        func run() throws { try common.print { _ in OfficerReportRequest(kind: .computers) } }
    }

    struct Destruction: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "销毁清单: media destroyed in the period, with method, witness and approver.")
        @OptionGroup var common: Common
        @OptionGroup var when: PeriodOptions

        func run() throws { try common.print { s in OfficerReportRequest(kind: .destruction, period: try when.period(s)) } }
    }

    struct Person: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "离岗审计: a person's media, movements and violations.")
        @OptionGroup var common: Common
        @Argument(help: "The person's id.") var id: String

        func run() throws { try common.print { _ in OfficerReportRequest(kind: .person, person: id) } }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "清查核对表: one check's media, seen or not, and the signatures.")
        @OptionGroup var common: Common
        @Argument(help: "The check's number (mediactl checks).") var id: Int64

        func run() throws { try common.print { _ in OfficerReportRequest(kind: .check, check: id) } }
    }
}

extension Session {
    /// A streamed listing or report, to standard output or into `path`. A file is written under a
    /// temporary name beside it and renamed when the report is complete, so a failed report never
    /// leaves a truncated form that looks finished.
    func report(_ listing: Listing, format: ReportFormat, zone: ZoneChoice, to path: String?) throws {
        guard let path else { return try list(listing, format: format, zone: zone) }
        let partial = path + ".partial"
        let fd = open(partial, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            throw fail(LedgerError(.storage, zh: "无法创建 \(partial)：\(reason)", en: "cannot create \(partial): \(reason)"))
        }
        let saved = dup(1)
        dup2(fd, 1)
        close(fd)
        defer { dup2(saved, 1); close(saved) }
        do {
            try list(listing, format: format, zone: zone)
        } catch {
            unlink(partial)
            throw error
        }
        guard fsync(1) == 0, rename(partial, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(partial)
            throw fail(LedgerError(.storage, zh: "无法写入 \(path)：\(reason)", en: "cannot write \(path): \(reason)"))
        }
    }
}
