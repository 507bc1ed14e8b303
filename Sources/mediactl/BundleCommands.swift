import ArgumentParser
import AssetCore
import Foundation

// Standalone computers (单机): the unit ledger carried to them and their records carried back, as
// bundle files on a registered medium. mediactl only moves the files: mediad (on the computer) and
// mediahub (at the hub) check every bundle themselves, and record what they refuse.

struct BundleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bundle",
        abstract: "Standalone computers: the unit ledger in and the records out, as files on a medium.",
        discussion: """
            A standalone computer (单机) has no network. A person carries its bundles on a \
            registered medium instead; every bundle is signed (the unit key one way, the \
            computer's key the other), so it is trusted for its signature, never for who carried it.

            Joining, once (at the hub, on PC-007, at the hub):
              mediactl --hub computer enrol PC-007
              mediactl bundle request --code CODE --output req.bundle
              mediactl --hub bundle import req.bundle

            Then each time (at the hub, on PC-007 with --unit-key the first \
            time, at the hub):
              mediactl --hub bundle export --for PC-007 --output PC-007.bundle
              mediactl bundle import PC-007.bundle --unit-key FINGERPRINT
              mediactl --hub bundle import PC-007-records-41.bundle
            """,
        subcommands: [Request.self, Export.self, Import.self, Show.self])

    struct Request: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "On a standalone computer: its request to join the unit, for the hub.",
            discussion: """
                Signs the hub's one-time code (mediactl --hub computer enrol ASSET) with this \
                computer's key, made on first use. Carry the file to the hub and import it there \
                (mediactl --hub bundle import FILE). Administrators only; asks this computer's mediad.

                Example:
                  mediactl bundle request --code ABCD-EFGH-JKMN --output req.bundle
                """)
        @OptionGroup var globals: GlobalOptions
        @Option(help: "The one-time code the hub showed.") var code: String
        @Option(help: ArgumentHelp("This computer's asset number at the hub, when its own ledger does not name it.",
                                   valueName: "asset")) var computer: String?
        @Option(help: ArgumentHelp("Where to write the request.", valueName: "file")) var output: String

        func run() throws {
            let session = Session(globals: globals)
            guard case .unit(.bundle(let payload)) = try session.live(.unit(.enrolmentRequest(code: code, computer: computer))) else {
                throw session.fail(ControlClientError.unexpectedReply)
            }
            try BundleFiles.write(payload, to: output, session: session)
            let r = Render(language: session.language)
            let summary = try BundleFiles.summary(payload, session: session)
            Output.print(r.t("已写入入网申请 \(output)：计算机 \(summary.computer)，本机密钥指纹 \(summary.signer)。\n请带到中心导入：\n",
                             "Wrote the enrolment request \(output): computer \(summary.computer), this computer's key fingerprint \(summary.signer).\nCarry it to the hub and import it there:\n")
                + "  mediactl --hub bundle import \(output)\n")
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "At the hub: everything a standalone computer needs, in one signed file.",
            discussion: """
                The changes to the unit ledger since the version the computer last confirmed (or \
                a snapshot of the whole, the first time or when it is far behind), the receipt for \
                its records the hub holds, signed by the unit key. Carry it to the computer and \
                import it there. Administrators only.

                Example:
                  mediactl --hub bundle export --for PC-007 --output PC-007.bundle
                """)
        @OptionGroup var globals: GlobalOptions
        @Option(name: .customLong("for"), help: ArgumentHelp("The computer's asset number.", valueName: "asset")) var computer: String
        @Option(help: ArgumentHelp("Where to write the bundle.", valueName: "file")) var output: String
        @Option(help: "table or json.") var format: ReportFormat = .table
        @OptionGroup var when: ZoneOption

        func run() throws {
            let session = Session(globals: globals)
            guard case .bundle(let payload) = try session.hub(.bundleExport(computer: computer)) else {
                throw session.fail(ControlClientError.unexpectedReply)
            }
            try BundleFiles.write(payload, to: output, session: session)
            let summary = try BundleFiles.summary(payload, session: session)
            if format == .json { return try Output.json(summary) }
            let r = try Render(language: session.language, zone: when.zone)
            try r.print(r.bundle(summary))
            Output.print("\n" + r.t("在计算机 \(summary.computer) 上以 root 导入（首次导入须加 --unit-key \(summary.signer)）：\n",
                                    "On \(summary.computer), import it as root (the first time, add --unit-key \(summary.signer)):\n")
                + "  mediactl bundle import \(output)\n")
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Imports a bundle: a ledger bundle on the computer, or a computer's bundle at the hub (--hub).",
            discussion: """
                On the standalone computer (as root): mediad checks the ledger bundle's signature \
                and versions, applies it in one transaction, judges present devices again, and \
                writes this computer's records since the hub's last receipt, with the version it \
                now holds, signed by its key (--events-out, by default beside FILE). The first \
                bundle must be confirmed with --unit-key and the fingerprint the hub showed. A \
                bundle for another computer, from another unit, older than what is held, altered \
                or cut short is refused, nothing is applied, and the refusal is recorded.

                At the hub (--hub): a computer's enrolment request, or its records bundle, whose \
                records are stored once however often it is imported; records missing or altered \
                on the computer are entered in the unit's violations.

                Examples:
                  mediactl bundle import PC-007.bundle --unit-key 3f2a9c0d5e6b7a81
                  mediactl --hub bundle import PC-007-records-41.bundle
                """)
        @OptionGroup var globals: GlobalOptions
        @Argument(help: ArgumentHelp("The bundle file.", valueName: "file")) var file: String
        @Option(name: .customLong("unit-key"), help: ArgumentHelp(
            "The first time on a computer: the unit key's fingerprint, as the hub showed it.", valueName: "fingerprint"))
        var unitKey: String?
        @Option(name: .customLong("events-out"), help: ArgumentHelp(
            "On the computer: where to write its records bundle (default: beside FILE).", valueName: "file"))
        var eventsOut: String?
        @Option(help: "table or json.") var format: ReportFormat = .table
        @OptionGroup var when: ZoneOption

        func run() throws {
            let session = Session(globals: globals)
            let data = try BundleFiles.read(file, session: session)
            let r = try Render(language: session.language, zone: when.zone)
            if globals.hub {
                guard case .bundleImported(let outcome) = try session.hub(.bundleImport(data)) else {
                    throw session.fail(ControlClientError.unexpectedReply)
                }
                if format == .json { return try Output.json(outcome) }
                try r.print(r.hubImport(outcome))
                Output.print("\n" + r.hubImportStep(outcome))
                return
            }
            guard case .unit(.imported(let outcome)) = try session.live(.unit(.importBundle(data, unitKey: unitKey))) else {
                throw session.fail(ControlClientError.unexpectedReply)
            }
            let out = eventsOut ?? BundleFiles.besides(file, computer: outcome.membership.computer, head: outcome.membership.head)
            try BundleFiles.write(outcome.records, to: out, session: session)
            if format == .json { return try Output.json(ImportedOnComputer(outcome: outcome, eventsOut: out)) }
            try r.print(r.computerImport(outcome, eventsOut: out))
            Output.print("\n" + r.t("请把 \(out) 带回中心导入：\n", "Carry \(out) back to the hub and import it there:\n")
                + "  mediactl --hub bundle import \(out)\n")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Describes a bundle file without trusting it: for whom, versions, counts, signer.",
            discussion: """
                Reads the file only (no daemon is asked). Says whether the signature holds under \
                the key that made it, which alone does not make it the unit's or the computer's: \
                mediad and mediahub check that against the keys they pinned. Exit status 65 when \
                the signature does not hold.

                Example:
                  mediactl bundle show PC-007.bundle
                """)
        @OptionGroup var globals: GlobalOptions
        @Argument(help: ArgumentHelp("The bundle file.", valueName: "file")) var file: String
        @Option(help: "table or json.") var format: ReportFormat = .table
        @OptionGroup var when: ZoneOption

        func run() throws {
            let session = Session(globals: globals)
            let data = try BundleFiles.read(file, session: session)
            let payload: SignedPayload
            do { payload = try BundleFile.read(data) } catch { throw session.fail(error.ledgerError) }
            let summary = try BundleFiles.summary(payload, session: session)
            if format == .json { try Output.json(summary) } else {
                let r = try Render(language: session.language, zone: when.zone)
                try r.print(r.bundle(summary))
            }
            if !summary.signatureValid { throw ExitCode(65) }
        }
    }
}

/// `bundle import --format json` on a computer: mediad's answer and where the records went.
struct ImportedOnComputer: Encodable {
    var outcome: BundleImport
    var eventsOut: String
}
