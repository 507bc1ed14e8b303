import ArgumentParser
import AssetCore
import HardwareProbe

extension Session {
    /// `computer inventory` / `computer baseline`: through mediad, which reads the hardware itself;
    /// with --db, mediactl reads it (as root, or the firmware's serials read as unknown).
    func hardware(_ ask: HardwareAsk) throws -> Response {
        do {
            if let path = localDatabase {
                let service = InventoryService(store: try LedgerStore(path: path))
                return try service.handle(ask.request(HardwareProbe.read()), caller: localCaller)
            }
            switch try live(.hardware(ask)) {
            case .response(let response): return response
            default: throw ControlClientError.unexpectedReply
            }
        } catch let error as CommandFailure {
            throw fail(error)
        }
    }
}

extension ComputerCommand {
    struct Inventory: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "This computer's hardware now, beside its approved baseline.",
            discussion: """
                Fixed disks (model, serial, WWN, size, bus), network cards (permanent MAC, \
                driver, wired or wireless), the machine's identity from DMI, memory, CPU, TPM, \
                USB controllers and the OS, as mediad reads them; then every difference from \
                the baseline. "unknown" is a value that could not be read: never compared.

                Exit status 0 when the hardware matches the baseline, 1 when it differs or \
                there is no baseline yet.
                """)
        @OptionGroup var globals: GlobalOptions
        @Option(help: "table or json.") var format: ReportFormat = .table
        @OptionGroup var when: ZoneOption

        func run() throws {
            let session = Session(globals: globals)
            guard case .inventory(let view) = try session.hardware(.inventory) else { return }
            if format == .json {
                try Output.json(view)
            } else {
                try Render(language: session.language, zone: when.zone).inventory(view)
            }
            if view.baseline == nil || !view.changes.isEmpty { throw ExitCode(1) }
        }
    }

    struct Baseline: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Approve the hardware present now as this computer's configuration.",
            discussion: """
                Records the inventory read now (by mediad, or by mediactl with --db) as the \
                registered configuration, with the approver, in the admin trail; the \
                register's disk serials and MAC addresses are taken from it. From then on \
                mediad compares the hardware with it at every start and at every disk, \
                network card or PCI change. After an approved repair or upgrade, a new \
                baseline closes the differences found.

                Example:
                  mediactl computer baseline --approver 王五 --note "new SSD, ticket 42"
                """)
        @OptionGroup var globals: GlobalOptions
        @Option(help: "The leader who approved this configuration.") var approver: String
        @Option(help: "Why, e.g. the repair it follows.") var note: String?

        func run() throws {
            let session = Session(globals: globals)
            guard case .baseline(let baseline, let closed) = try session.hardware(.baseline(approver: approver, note: note)) else { return }
            let r = Render(language: session.language)
            let inventory = baseline.inventory
            try r.print(Fields([
                (r.t("计算机", "Computer"), baseline.computer),
                (r.t("审批人", "Approved by"), baseline.approver),
                (r.t("硬盘", "Fixed disks"), String(inventory.disks.count)),
                (r.t("网卡", "Network cards"), String(inventory.networkCards.count)),
                (r.t("USB控制器", "USB controllers"), String(inventory.usbControllers.count)),
                (r.t("关闭的差异", "Differences closed"), String(closed)),
            ]))
        }
    }

    struct Move: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move a computer: in service, under repair, retired, destroyed.",
            discussion: """
                Each move needs the approving leader. A repair says how the secrets are kept \
                (000 §5.2.3): in-unit (repaired inside the unit), disk-removed (its disks \
                taken out and kept in a safe) or watched (on site, watched by --handler).

                Moves: in-service → under-repair or retired; under-repair → in-service or \
                retired; retired → destroyed.

                Example:
                  mediactl computer move PC-001 under-repair --repair-mode disk-removed \\
                      --approver 王五
                """)
        @OptionGroup var globals: GlobalOptions
        @Argument(help: "The computer's asset number.") var assetNumber: String
        @Argument(help: "in-service, under-repair, retired or destroyed.") var state: ComputerState
        @Option(help: "The leader who approved the move.") var approver: String
        @Option(name: .customLong("repair-mode"), help: "For under-repair: in-unit, disk-removed or watched.")
        var repairMode: RepairMode?
        @Option(help: "Who watches the repair, or who repairs.") var handler: String?
        @Option(help: "A note for the record.") var note: String?

        func run() throws {
            let session = Session(globals: globals)
            let move = ComputerMove(assetNumber: assetNumber, to: state, approver: approver, repairMode: repairMode,
                                    handler: handler, note: note)
            guard case .computer(let saved) = try session.perform(.computerMove(move)) else { return }
            try Render(language: session.language).computer(saved, format: .table)
        }
    }

    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A computer's moves and approved hardware baselines.")
        @OptionGroup var globals: GlobalOptions
        @Argument(help: "The computer's asset number.") var assetNumber: String
        @Option(help: "table or json.") var format: ReportFormat = .table
        @OptionGroup var when: ZoneOption

        func run() throws {
            let session = Session(globals: globals)
            guard case .computerHistory(let history) = try session.perform(.computerHistory(assetNumber: assetNumber)) else { return }
            if format == .json { return try Output.json(history) }
            try Render(language: session.language, zone: when.zone).history(history)
        }
    }
}
