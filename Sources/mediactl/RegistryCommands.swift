import ArgumentParser
import AssetCore

struct HostCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "host",
        abstract: "Register and show this computer (本机, 涉密计算机备案表).",
        subcommands: [Set.self, Show.self])

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register this computer, or change its record.",
            discussion: """
                The first time, --asset-no, --level and --network are required. Later calls \
                change only the fields given. The network type decides what the guard treats as
                a violation: standalone (单机, air-gapped), classified-lan (涉密网), internal
                (内网), internet (互联网).

                A classified computer (秘密 or above) is never online (物理隔离): it cannot be
                on the internet, and on an internal network it needs the LAN's prefixes \
                (--lan-prefix).

                Example:
                  mediactl host set --asset-no PC-001 --level 机密 --network standalone \\
                      --holder P001
                """)

        @OptionGroup var globals: GlobalOptions
        @Option(name: .customLong("asset-no"), help: "Asset number (资产编号) on the computer's label.") var assetNumber: String?
        @OptionGroup var fields: ComputerFields

        func run() throws {
            let session = Session(globals: globals)
            var settings = fields.settings
            settings.assetNumber = assetNumber
            guard case .computer(let host) = try session.perform(.hostSet(settings)) else { return }
            try Render(language: session.language).computer(host, format: .table)
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show this computer's record.")
        @OptionGroup var globals: GlobalOptions
        @Option(help: "table or json; csv prints the table.") var format: ReportFormat = .table

        func run() throws {
            let session = Session(globals: globals)
            guard case .computer(let host) = try session.perform(.hostShow) else { return }
            try Render(language: session.language).computer(host, format: format)
        }
    }
}

struct ComputerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "computer",
        abstract: "Computers: register others and enrol them (at the hub); this one's hardware, baseline, moves.",
        subcommands: [Add.self, Set.self, List.self, Inventory.self, Baseline.self, Move.self, History.self, Enrol.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register another classified computer.",
            discussion: """
                A classified computer (秘密 or above) is never online (物理隔离): it cannot be
                on the internet, and on an internal network it needs the LAN's prefixes \
                (--lan-prefix). At the hub (--hub) this registers a computer of the unit, with
                the network profile its mediad will judge links by (--allow-if, --lan-prefix).

                Example:
                  mediactl computer add --asset-no PC-002 --level secret \\
                      --network classified-lan
                """)
        @OptionGroup var globals: GlobalOptions
        @Option(name: .customLong("asset-no"), help: "Asset number (资产编号).") var assetNumber: String
        @Option(help: "A readable name.") var name: String?
        @Option(help: "Classification level (密级).") var level: Level
        @Option(help: "Network type (网络类型).") var network: NetworkType
        @Option(help: "Person id of the responsible person.") var holder: String?
        @Option(help: "Where it stands.") var location: String?
        @Option(help: "The unit (单位) it belongs to: heads the officer's reports.") var unit: String?
        @Option(name: .customLong("allow-if"),
                help: "Classified LAN: interfaces (names or MACs) that may carry the LAN, comma-separated.") var allowIf: String?
        @Option(name: .customLong("lan-prefix"),
                help: "Classified or internal LAN: the LAN's prefixes, e.g. 10.8.0.0/16, comma-separated.") var lanPrefix: String?

        func run() throws {
            let session = Session(globals: globals)
            var computer = Computer(assetNumber: assetNumber, level: level, network: network)
            computer.name = name
            computer.holder = holder
            computer.location = location
            computer.unit = unit
            if let allowIf { computer.allowedInterfaces = Parse.list(allowIf) }
            if let lanPrefix { computer.lanPrefixes = Parse.list(lanPrefix) }
            guard case .computer(let saved) = try session.perform(.computerAdd(computer)) else { return }
            try Render(language: session.language).computer(saved, format: .table)
        }
    }

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a registered computer's record or network profile.",
            discussion: """
                Changes only the fields given, under the same rules as host set. At the hub \
                (--hub) this is how a computer of the unit is changed: the change reaches that \
                computer's mediad with the next ledger version, and its links are judged again.

                Example:
                  mediactl --hub computer set PC-002 --allow-if eth1 --lan-prefix 10.8.0.0/16
                """)
        @OptionGroup var globals: GlobalOptions
        @Argument(help: "The computer's asset number (资产编号).") var assetNumber: String
        @OptionGroup var fields: ComputerFields

        func run() throws {
            let session = Session(globals: globals)
            guard case .computer(let saved) = try session.perform(.computerSet(assetNumber: assetNumber, fields.settings)) else { return }
            try Render(language: session.language).computer(saved, format: .table)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List registered computers (this host marked *).")
        @OptionGroup var globals: GlobalOptions
        @Option(help: "table, json or csv.") var format: ReportFormat = .table

        func run() throws {
            let session = Session(globals: globals)
            guard case .computers(let list) = try session.perform(.computerList) else { return }
            try Render(language: session.language).computers(list, format: format)
        }
    }
}

struct PersonCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "person",
        abstract: "The people who hold media (使用人, 管理责任人) and their departure.",
        subcommands: [Add.self, Depart.self, List.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a person.",
            discussion: """
                Clearance (涉密等级) limits the media a person may hold: core (核心) up to 绝密, \
                important (重要) up to 机密, general (一般) up to 秘密, none only internal and unclassified.

                Example:
                  mediactl person add --id P001 --name 张三 --department 办公室 \\
                      --clearance important
                """)
        @OptionGroup var globals: GlobalOptions
        @Option(help: "Person id, unique (e.g. the staff number).") var id: String
        @Option(help: "Full name.") var name: String
        @Option(help: "Department (部门).") var department: String?
        @Option(help: "Clearance (涉密等级).") var clearance: Clearance

        func run() throws {
            let session = Session(globals: globals)
            let person = Person(id: id, name: name, department: department, clearance: clearance)
            guard case .people(let saved) = try session.perform(.personAdd(person)), let p = saved.first else { return }
            let r = Render(language: session.language)
            Output.print(r.t("已登记人员 \(p.id) \(p.name)\n", "registered person \(p.id) \(p.name)\n"))
        }
    }

    struct Depart: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record that a person left (离岗/离职).",
            discussion: """
                A person who leaves must first hand back every medium they hold or have borrowed (清退): \
                while any is still out (held in service, lent, carried out or under repair; borrowed and \
                not yet returned), the departure is refused and each such medium is listed. Hand each \
                back with `mediactl media hand-back NUMBER` (a borrowed one is returned with \
                `mediactl media return NUMBER`). When the person must be recorded as gone first, \
                --pending-handback --note TEXT records the departure and opens one violation \
                (handback-outstanding) per medium still out; each closes by itself once that medium is \
                handed back, returned, reported lost or transferred to another holder.

                A departed person can no longer hold or borrow media.

                Examples:
                  mediactl person depart P001 --date 2026-12-01 \\
                      --declassified-until 2027-12-01
                  mediactl person depart P001 --date 2026-12-01 --pending-handback \\
                      --note "出差在外，返回后清退"
                """)
        @OptionGroup var globals: GlobalOptions
        @Argument(help: "Person id.") var id: String
        @Option(help: "Day of departure, YYYY-MM-DD.") var date: Day
        @Option(name: .customLong("declassified-until"), help: "End of the 脱密期, YYYY-MM-DD.") var declassifiedUntil: Day?
        @Flag(name: .customLong("pending-handback"),
              help: "Record the departure although media are still out; each opens a violation (needs --note).")
        var pendingHandback = false
        @Option(help: "Why the media are not handed back yet (required with --pending-handback).") var note: String?

        func run() throws {
            let session = Session(globals: globals)
            let departure = Departure(id: id, day: date, declassificationEnds: declassifiedUntil, pendingHandback: pendingHandback,
                                      note: note)
            guard case .departed(let p, let held) = try session.perform(.personDepart(departure)) else { return }
            let r = Render(language: session.language)
            Output.print(r.t("已登记 \(p.name)（\(p.id)）于 \(date) 离岗\n", "recorded \(p.name) (\(p.id)) as departed on \(date)\n"))
            if !held.isEmpty {
                let numbers = held.map { "\($0.number) (\($0.state.name(session.language)))" }.joined(separator: ", ")
                Output.warning(r.t("警告：\(p.name) 仍有 \(held.count) 件介质未清退，已各记一条违规（handback-outstanding）：\(numbers)",
                                   "warning: \(p.name) still has \(held.count) medium(s) out, each recorded as an open violation (handback-outstanding): \(numbers)"))
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List registered people.")
        @OptionGroup var globals: GlobalOptions
        @Flag(help: "Only people inside their declassification period (脱密期): left, and the period not yet over.")
        var declassifying = false
        @Option(help: "table, json or csv.") var format: ReportFormat = .table

        func run() throws {
            let session = Session(globals: globals)
            guard case .people(let list) = try session.perform(.personList(PeopleFilter(declassifying: declassifying))) else { return }
            try Render(language: session.language).people(list, format: format)
        }
    }
}

/// The fields of a computer's record that `host set` and `computer set` change, each only when given.
struct ComputerFields: ParsableArguments {
    @Option(help: "A readable name for the computer.") var name: String?
    @Option(help: "Classification level (密级) of the computer.") var level: Level?
    @Option(help: "Network type (网络类型).") var network: NetworkType?
    @Option(help: "Person id of the responsible person.") var holder: String?
    @Option(help: "Where the computer stands.") var location: String?
    @Option(help: "The unit (单位) it belongs to: heads the officer's reports.") var unit: String?
    @Option(name: .customLong("key-area"), help: "Whether the location is a key area (要害部位).") var keyArea: Answer?
    @Option(name: .customLong("disk-serials"), help: "Serials of the built-in disks, comma-separated.") var diskSerials: String?
    @Option(help: "MAC addresses of the network interfaces, comma-separated.") var macs: String?
    @Option(name: .customLong("allow-if"),
            help: "Classified LAN: interfaces (names or MACs) that may carry the LAN, comma-separated.") var allowIf: String?
    @Option(name: .customLong("lan-prefix"),
            help: "Classified or internal LAN: the LAN's prefixes, e.g. 10.8.0.0/16, comma-separated.") var lanPrefix: String?

    var settings: HostSettings {
        var settings = HostSettings()
        settings.name = name
        settings.holder = holder
        settings.location = location
        settings.unit = unit
        settings.level = level
        settings.network = network
        settings.keyArea = keyArea?.isYes
        if let diskSerials { settings.diskSerials = Parse.list(diskSerials) }
        if let macs { settings.macAddresses = Parse.list(macs) }
        if let allowIf { settings.allowedInterfaces = Parse.list(allowIf) }
        if let lanPrefix { settings.lanPrefixes = Parse.list(lanPrefix) }
        return settings
    }
}
