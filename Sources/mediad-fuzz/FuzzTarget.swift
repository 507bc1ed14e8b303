/// One fuzz target: a name (the corpus folder `fuzz/corpus/<name>`, the argument of `make fuzz`)
/// and a harness that hands the fuzzer's bytes to a production decoder.
///
/// A harness must never trap on its own account except to report a broken promise of the code
/// under test (`FuzzCheck.require`): every crash is then a bug of mediad's, not of the harness.
struct FuzzTarget: Sendable {
    let name: String
    /// What it decodes, for `mediad-fuzz list`.
    let summary: String
    let run: @Sendable ([UInt8]) -> Void

    /// Every target, in the order `make fuzz` and the smoke run them.
    static let all: [FuzzTarget] = [
        netlink, usbDescriptors, sysfsDevice, controlFrame, csvImport,
        signedEnvelope, changeSet, eventBatch, bundle,
    ]

    static func named(_ name: String) -> FuzzTarget? { all.first { $0.name == name } }
}

/// The oracle for promises the code makes in its doc comments (the event-batch scanner agrees
/// with `JSONDecoder`, say): a broken one stops the run as a crash would, with its reason.
enum FuzzCheck {
    static func require(_ condition: Bool, _ message: @autoclosure () -> String) {
        if !condition { fatalError("fuzz oracle: \(message())") }
    }
}

/// Hands the optimiser nothing to throw away: a result is "used" by going through here.
@inline(never)
func consume<T>(_ value: T) {
    withExtendedLifetime(value) {}
}

/// The scratch directories the harnesses made (a sysfs tree, a ledger), removed when the run ends.
enum Scratch {
    nonisolated(unsafe) private static var directories: [String] = []

    static func made(_ directory: String) { directories.append(directory) }

    static func cleanUp() {
        for directory in directories { removeTree(directory) }
        directories = []
    }
}
