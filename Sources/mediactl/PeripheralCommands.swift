import ArgumentParser
import AssetCore

struct PeripheralCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "peripheral",
        abstract: "Register a computer's printers, scanners and cameras (专人管理).",
        discussion: """
            On a classified computer a USB printer, scanner or camera must be a registered \
            peripheral of that computer, held by a named person; otherwise mediad records an \
            unregistered-peripheral violation (logged by default; `unregistered-peripheral = \
            block` in mediad.conf blocks it). Find the ids with `mediactl devices`.
            """,
        subcommands: [Register.self, List.self, Remove.self])

    struct Register: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a peripheral of this (or another) computer.",
            discussion: """
                Example:
                  mediactl peripheral register --kind printer --vendor 04b8 --product 0005 \\
                      --serial L4160X123 --model "EPSON L4160" --holder P001
                """)
        @OptionGroup var globals: GlobalOptions
        @Option(help: "printer, scanner or camera.") var kind: PeripheralKind
        @Option(help: "USB idVendor (4 hex digits).") var vendor: String
        @Option(help: "USB idProduct (4 hex digits).") var product: String
        @Option(help: "The device's serial; without it, any device of that vendor and product.")
        var serial: String?
        @Option(help: "Make and model, for the register.") var model: String?
        @Option(help: "Person id of the one who answers for it.") var holder: String
        @Option(help: "The computer's asset number (default: this computer).") var computer: String?
        @Option(help: "Where it stands (default: the computer's place).") var location: String?
        @Option(help: "Its number (default: PR-, SC- or CA-YEAR-NNNN).") var number: String?

        func run() throws {
            let session = Session(globals: globals)
            let registration = PeripheralRegistration(number: number, kind: kind, vendorID: vendor, productID: product,
                                                      serial: serial, model: model, computer: computer, holder: holder,
                                                      location: location)
            guard case .peripherals(let saved) = try session.perform(.peripheralRegister(registration)) else { return }
            let r = Render(language: session.language)
            try r.print(r.peripherals(saved))
            if saved.first?.serial == nil {
                Output.error(r.t("注意：未登记序列号，同一厂商和产品的任何设备都将视为此外设",
                                 "note: no serial registered; any device of this vendor and product counts as this peripheral"))
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List registered peripherals.")
        @OptionGroup var globals: GlobalOptions
        @Option(help: "Only this computer's.") var computer: String?
        @Flag(help: "Include removed ones.") var all = false
        @Option(help: "table, json or csv.") var format: ReportFormat = .table

        func run() throws {
            let session = Session(globals: globals)
            guard case .peripherals(let list) = try session.perform(.peripheralList(computer: computer, includeRemoved: all)) else { return }
            if format == .json { return try Output.json(list) }
            let r = Render(language: session.language)
            try r.print(r.peripherals(list), format: format, report: "peripheral list")
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a peripheral from its computer (kept on record).")
        @OptionGroup var globals: GlobalOptions
        @Argument(help: "The peripheral's number.") var number: String
        @Option(help: "Why.") var reason: String

        func run() throws {
            let session = Session(globals: globals)
            guard case .peripherals(let saved) = try session.perform(.peripheralRemove(number: number, reason: reason)) else { return }
            let r = Render(language: session.language)
            try r.print(r.peripherals(saved))
        }
    }
}
