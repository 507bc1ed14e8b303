/// How much classified work a person may be trusted with (涉密人员类别).
public enum Clearance: String, Sendable, Codable, CaseIterable {
    case core
    case important
    case general
    case none

    public var names: Bilingual {
        switch self {
        case .core: Bilingual(zh: "核心", en: "core")
        case .important: Bilingual(zh: "重要", en: "important")
        case .general: Bilingual(zh: "一般", en: "general")
        case .none: Bilingual(zh: "非涉密", en: "none")
        }
    }

    public func name(_ language: Language) -> String { names.text(language) }

    /// The highest level this person may hold: 核心 绝密, 重要 机密, 一般 秘密; without clearance only
    /// internal and unclassified media.
    public var highestLevel: Level {
        switch self {
        case .core: .topSecret
        case .important: .secret
        case .general: .confidential
        case .none: .internal
        }
    }

    public init?(parsing text: String) {
        let key = text.trimmingWhitespace().lowercased()
        if let value = Clearance(rawValue: key) { self = value; return }
        let aliases: [String: Clearance] = ["核心": .core, "重要": .important, "一般": .general,
                                            "非涉密": .none, "无": .none]
        guard let value = aliases[key] else { return nil }
        self = value
    }
}

/// A person who can hold media (使用人 / 管理责任人). People are never deleted: a departed person
/// stays in the ledger because their past loans and holdings must remain traceable.
public struct Person: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var department: String?
    public var clearance: Clearance
    /// The day the person left (离岗/离职); nil while active.
    public var departedOn: Day?
    /// The end of the person's 脱密期 (the period after leaving during which secrecy duties still bind).
    public var declassificationEnds: Day?

    public init(id: String, name: String, department: String? = nil, clearance: Clearance,
                departedOn: Day? = nil, declassificationEnds: Day? = nil) {
        self.id = id
        self.name = name
        self.department = department
        self.clearance = clearance
        self.departedOn = departedOn
        self.declassificationEnds = declassificationEnds
    }

    public var isActive: Bool { departedOn == nil }

    /// Inside the 脱密期 on `day`: left on or before it, and the period ends on or after it. A person
    /// recorded without an end of the period is not counted: nobody said how long it lasts.
    public func isDeclassifying(on day: Day) -> Bool {
        guard let departed = departedOn, let ends = declassificationEnds else { return false }
        return departed <= day && day <= ends
    }
}

/// Which people a listing shows.
public struct PeopleFilter: Sendable, Hashable, Codable {
    /// Only people inside their 脱密期 today (`Person.isDeclassifying(on:)`).
    public var declassifying: Bool

    public init(declassifying: Bool = false) {
        self.declassifying = declassifying
    }
}
