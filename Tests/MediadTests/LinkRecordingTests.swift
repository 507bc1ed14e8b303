import AssetCore
import Testing

/// When a link verdict is worth a record (`LinkVerdict.isWorthRecording(after:)`): a link's story
/// arrives in steps, and the officer should read one row per worsening, not one per step.
@Suite struct LinkRecordingTests {
    static func verdict(_ violations: [(LinkViolationType, Severity)]) -> LinkVerdict {
        LinkVerdict(decision: violations.isEmpty ? .allow : .cut,
                    violations: violations.map { LinkViolation(type: $0.0, severity: $0.1, reason: Bilingual(zh: "-", en: "-")) },
                    evidence: .appeared)
    }

    /// (previous, now, recorded?) — written by hand.
    static let table: [(String, [(LinkViolationType, Severity)]?, [(LinkViolationType, Severity)], Bool)] = [
        ("nothing wrong is never recorded", nil, [], false),
        ("the first violation", nil, [(.unauthorizedLink, .low)], true),
        ("the same again", [(.unauthorizedLink, .low)], [(.unauthorizedLink, .low)], false),
        ("more severe: carrier, then an address", [(.unauthorizedLink, .medium)], [(.unauthorizedLink, .high)], true),
        ("less severe is no news", [(.unauthorizedLink, .high)], [(.unauthorizedLink, .medium)], false),
        ("a new kind of violation", [(.unauthorizedLink, .high)], [(.unauthorizedLink, .high), (.dualHomed, .high)], true),
        ("a link that got clean", [(.unauthorizedLink, .high)], [], false),
    ]

    @Test(arguments: table.indices) func worthRecording(_ index: Int) {
        let (name, previous, now, recorded) = Self.table[index]
        #expect(Self.verdict(now).isWorthRecording(after: previous.map(Self.verdict)) == recorded, "\(name)")
    }
}
