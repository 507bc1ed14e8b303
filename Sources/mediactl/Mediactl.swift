import ArgumentParser
import AssetCore

@main
struct Mediactl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mediactl",
        abstract: "Keep the storage-media ledger (涉密存储介质台账) of a classified computer.",
        discussion: """
            Register this computer, its people and its storage media; move media through loans, \
            carrying out, repair, retirement and destruction; read their history; verify that the \
            admin trail has not been tampered with.

            Levels (密级) may be typed in Chinese or English: 绝密/top-secret, 机密/secret, \
            秘密/confidential, 内部/internal, 非密/unclassified.

            First steps:
              mediactl --db ledger.db host set --asset-no PC-001 --level 机密 \\
                  --network standalone
              mediactl --db ledger.db person add --id P001 --name 张三 \\
                  --clearance important
              mediactl --db ledger.db media register --kind usb-stick --level secret \\
                  --holder P001 --vendor 0781 --product 5567 \\
                  --serial 4C530001230101104353
              mediactl --db ledger.db media list

            mediactl talks to the running mediad through its socket (/run/mediad/mediad.sock, or \
            --socket); with --db PATH it works on a ledger file directly (offline), under the same rules; \
            with --hub it asks the unit hub, mediahub (/run/mediahub/mediahub.sock, or $MEDIAHUB_SOCKET), \
            whose ledger is the unit's.

            Exit status: 0 success, 64 usage error, 65 invalid value or conflict (or a failed \
            audit verify), 66 not found, 69 mediad (or mediahub) unreachable, 74 database error, 77 permission denied.
            """,
        version: MediadVersion.string,
        subcommands: [StatusCommand.self, DevicesCommand.self, LinksCommand.self, WatchCommand.self, AllowOnceCommand.self,
                      HostCommand.self, ComputerCommand.self, PersonCommand.self, MediaCommand.self, EventsCommand.self,
                      ViolationsCommand.self, AuditCommand.self, InspectCommand.self, InspectionsCommand.self, ReportCommand.self,
                      CheckCommand.self, ChecksCommand.self, PeripheralCommand.self, UnitCommand.self, BundleCommand.self]
    )

    @OptionGroup var globals: GlobalOptions

    /// `ParsableCommand.main`, except that a value the parser refused is reported as the domain
    /// refuses it (`ArgumentRefusal`): one line in the reader's language, with its exit status.
    static func main() {
        let command: ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            if let refusal = ArgumentRefusal.take() {
                Output.error(refusal.text(Language.asked(in: CommandLine.arguments)))
                exit(withError: ExitCode(refusal.exitCode))
            }
            exit(withError: error)
        }
        do {
            var command = command
            try command.run()
        } catch {
            exit(withError: error)
        }
    }
}
