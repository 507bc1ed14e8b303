/// What the guard does about a device: a value, so it can be logged, stored, tested and replayed.
public struct Verdict: Sendable, Hashable, Codable {
    /// What is written to the device's own `authorized` file.
    public var decision: Decision
    /// Per-interface decisions; used when the device is allowed but some interfaces are not.
    public var interfaces: [InterfaceDecision]
    public var violations: [Violation]
    /// The ledger entry the device matched, if any.
    public var medium: Medium?
    /// True when the mode was audit: the decision is what enforce mode would have done, and the
    /// daemon authorizes the device anyway.
    public var audited: Bool
    /// Set when a classified medium of a lower level is used here and the configuration says
    /// `raise`: the level the ledger must give the medium, recorded with the verdict.
    public var raiseTo: Level?

    public init(decision: Decision, interfaces: [InterfaceDecision] = [], violations: [Violation] = [],
                medium: Medium? = nil, audited: Bool = false, raiseTo: Level? = nil) {
        self.decision = decision
        self.interfaces = interfaces
        self.violations = violations
        self.medium = medium
        self.audited = audited
        self.raiseTo = raiseTo
    }
}

/// Allow or block: what is written to sysfs `authorized`.
public enum Decision: String, Sendable, Hashable, Codable {
    case allow
    case block
}

public enum Severity: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case low, medium, high, critical

    var rank: Int { Severity.allCases.firstIndex(of: self)! }
    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }

    public var names: Bilingual {
        switch self {
        case .low: Bilingual(zh: "低", en: "low")
        case .medium: Bilingual(zh: "中", en: "medium")
        case .high: Bilingual(zh: "高", en: "high")
        case .critical: Bilingual(zh: "严重", en: "critical")
        }
    }
}

/// The decision for one interface of a device; the daemon writes it to that interface's
/// `authorized` file.
public struct InterfaceDecision: Sendable, Hashable, Codable {
    public var number: Int
    public var syspath: String
    public var decision: Decision
    public var reason: Bilingual

    public init(number: Int, syspath: String, decision: Decision, reason: Bilingual) {
        self.number = number
        self.syspath = syspath
        self.decision = decision
        self.reason = reason
    }
}
