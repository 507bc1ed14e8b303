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
