/// The network-link violations (domain.md, violations 7, 8 and 9). The raw values are the names
/// stored and typed (`mediactl violations --type dual-homed`), in the same namespace as
/// `ViolationType`'s.
public enum LinkViolationType: String, Sendable, Hashable, Codable, CaseIterable {
    /// 8. 违规外联: a link, carrier, address or route on a computer that must not have one.
    case unauthorizedLink = "unauthorized-link"
    /// 9. 一机两用: on the classified LAN and on another network at once.
    case dualHomed = "dual-homed"
    /// 7. A Wi-Fi, WWAN (4G), Bluetooth or phone-tethering link on a classified computer.
    case wirelessDevice = "wireless-device"

    public var names: Bilingual {
        switch self {
        case .unauthorizedLink: Bilingual(zh: "违规外联", en: "unauthorized external link")
        case .dualHomed: Bilingual(zh: "一机两用", en: "on the LAN and another network at once")
        case .wirelessDevice: Bilingual(zh: "无线、移动网络或手机共享网络设备", en: "wireless, mobile or tethering device")
        }
    }

    public init?(parsing text: String) {
        let key = text.trimmingWhitespace().lowercased()
        if let value = LinkViolationType(rawValue: key) { self = value; return }
        let aliases: [String: LinkViolationType] = ["违规外联": .unauthorizedLink, "一机两用": .dualHomed,
                                                    "无线设备": .wirelessDevice, "wireless": .wirelessDevice]
        guard let value = aliases[key] else { return nil }
        self = value
    }
}

/// One broken link rule, with how bad it is and why: `Violation`'s shape, for link types.
public struct LinkViolation: Sendable, Hashable, Codable {
    public var type: LinkViolationType
    public var severity: Severity
    public var reason: Bilingual

    public init(type: LinkViolationType, severity: Severity, reason: Bilingual) {
        self.type = type
        self.severity = severity
        self.reason = reason
    }
}

/// What the guard does about a link.
public enum LinkDecision: String, Sendable, Hashable, Codable {
    case allow
    /// Set the link down (and deauthorize the USB device behind it, if any).
    case cut
}

/// The verdict on one link: a value, so it can be logged, stored, tested and replayed.
public struct LinkVerdict: Sendable, Hashable, Codable {
    public var decision: LinkDecision
    public var violations: [LinkViolation]
    /// How far the link had got when it was judged.
    public var evidence: LinkEvidence
    /// True in audit mode: the decision is what enforce mode would do, and the link is left alone.
    public var audited: Bool

    public init(decision: LinkDecision, violations: [LinkViolation] = [], evidence: LinkEvidence, audited: Bool = false) {
        self.decision = decision
        self.violations = violations
        self.evidence = evidence
        self.audited = audited
    }

    /// The worst violation's severity; nil when there is none.
    public var severity: Severity? { violations.map(\.severity).max() }

    /// Whether the daemon should act: a cut verdict outside audit mode.
    public var enforcesCut: Bool { decision == .cut && !audited }

    /// Whether this verdict is worth a record after `previous` (the one last recorded for the same
    /// link): a new kind of violation, or a more severe one. A link's story arrives in steps
    /// (appeared, carrier, address, route); recording each step again would bury the officer in
    /// repeats, and not recording a worsening would hide it.
    public func isWorthRecording(after previous: LinkVerdict?) -> Bool {
        guard !violations.isEmpty else { return false }
        guard let previous else { return true }
        let before = Set(previous.violations.map(\.type))
        if violations.contains(where: { !before.contains($0.type) }) { return true }
        return (severity ?? .low) > (previous.severity ?? .low)
    }
}
