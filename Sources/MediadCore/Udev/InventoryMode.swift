import AssetCore
import HardwareProbe
#if canImport(Glibc)
import Glibc
#endif

/// `mediad --inventory`: prints the hardware inventory the daemon reads (`HardwareProbe.read`) as
/// one JSON object with sorted keys, and exits. It shows an administrator what mediad would
/// register or compare, and lets the integration tests check the reading end to end under umockdev.
enum InventoryMode {
    static let parser = OptionParser(valued: [], flags: ["--inventory"])

    static let usage = """
        usage: mediad --inventory

        Prints this computer's hardware inventory as one JSON object (DMI identity, memory, CPU, TPM,
        fixed disks, network cards, USB controllers, operating system) and exits. A value that cannot
        be read, or reads as a placeholder or garbage, is left out.
        """

    static func run(arguments: [String]) -> Never {
        do {
            if case .help = try parser.parse(arguments) { JSONLines.usage(usage) }
        } catch {
            // Only `--inventory` is known, so every problem is an unknown word.
            let word = switch error { case .unknown(let word), .missingValue(let word): word }
            JSONLines.warn("unknown option '\(SafeText.escape(word))' for --inventory\n\n\(usage)")
            exit(ExitStatus.usage)
        }
        JSONLines.emit(HardwareProbe.read())
        exit(ExitStatus.success)
    }
}
