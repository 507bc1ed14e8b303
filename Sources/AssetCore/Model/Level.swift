/// A classification level (密级). Ordered: a higher level may hold everything a lower one may.
///
/// The order is the heart of the 不得降低密级 and 明密分开 rules, so it is an explicit rank rather
/// than the declaration order of the cases.
public enum Level: String, Sendable, Codable, CaseIterable, Comparable {
    case topSecret = "top-secret"
    case secret
    case confidential
    case `internal`
    case unclassified

    /// 4 for 绝密 down to 0 for 非密.
    public var rank: Int {
        switch self {
        case .topSecret: 4
        case .secret: 3
        case .confidential: 2
        case .internal: 1
        case .unclassified: 0
        }
    }

    /// State-secret levels (绝密, 机密, 秘密). 内部 is a work secret, not a state secret.
    public var isStateSecret: Bool { rank >= Level.confidential.rank }

    public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rank < rhs.rank }

    public var names: Bilingual {
        switch self {
        case .topSecret: Bilingual(zh: "绝密", en: "top-secret")
        case .secret: Bilingual(zh: "机密", en: "secret")
        case .confidential: Bilingual(zh: "秘密", en: "confidential")
        case .internal: Bilingual(zh: "内部", en: "internal")
        case .unclassified: Bilingual(zh: "非密", en: "unclassified")
        }
    }

    public func name(_ language: Language) -> String { names.text(language) }

    /// Accepts the Chinese or English name, case-insensitively, with the spellings clerks use
    /// (`top secret`, `TOP_SECRET`, `工作秘密`, `公开`, `public`).
    public init?(parsing text: String) {
        let key = Self.normalise(text)
        guard let level = Self.aliases[key] else { return nil }
        self = level
    }

    /// Every accepted spelling, for error messages that teach.
    public static var acceptedNames: String {
        allCases.map { "\($0.name(.zh))/\($0.name(.en))" }.joined(separator: ", ")
    }

    private static func normalise(_ text: String) -> String {
        text.trimmingWhitespace().lowercased()
            .replacingOccurrences(of: "_", with: "-")
            .replacingOccurrences(of: " ", with: "-")
    }

    private static let aliases: [String: Level] = [
        "绝密": .topSecret, "top-secret": .topSecret, "topsecret": .topSecret,
        "机密": .secret, "secret": .secret,
        "秘密": .confidential, "confidential": .confidential,
        "内部": .internal, "internal": .internal, "工作秘密": .internal, "内部(工作秘密)": .internal,
        "非密": .unclassified, "unclassified": .unclassified, "公开": .unclassified, "public": .unclassified,
        "非涉密": .unclassified,
    ]
}
