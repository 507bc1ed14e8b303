/// Where a medium is in its life. The legal moves between states are in `Lifecycle`.
public enum MediumState: String, Sendable, Codable, CaseIterable {
    case inService = "in-service"
    case loaned
    case carriedOut = "carried-out"
    case underRepair = "under-repair"
    case pendingDestruction = "pending-destruction"
    case destroyed
    case lost
    case handedBack = "handed-back"

    public var names: Bilingual {
        switch self {
        case .inService: Bilingual(zh: "在用", en: "in-service")
        case .loaned: Bilingual(zh: "借出", en: "loaned")
        case .carriedOut: Bilingual(zh: "携带外出", en: "carried-out")
        case .underRepair: Bilingual(zh: "维修", en: "under-repair")
        case .pendingDestruction: Bilingual(zh: "待销毁", en: "pending-destruction")
        case .destroyed: Bilingual(zh: "已销毁", en: "destroyed")
        case .lost: Bilingual(zh: "遗失", en: "lost")
        case .handedBack: Bilingual(zh: "清退", en: "handed-back")
        }
    }

    public func name(_ language: Language) -> String { names.text(language) }

    /// A medium in one of these states must not appear on any computer: it should not exist, or it
    /// should be somewhere else.
    public var forbidsUse: Bool {
        switch self {
        case .destroyed, .lost, .pendingDestruction, .underRepair, .handedBack: true
        case .inService, .loaned, .carriedOut: false
        }
    }

    public init?(parsing text: String) {
        let key = text.trimmingWhitespace().lowercased().replacingOccurrences(of: "_", with: "-")
        if let state = MediumState(rawValue: key) { self = state; return }
        guard let state = MediumState.allCases.first(where: { $0.names.zh == key }) else { return nil }
        self = state
    }

    public static var acceptedNames: String {
        allCases.map { "\($0.rawValue) (\($0.name(.zh)))" }.joined(separator: ", ")
    }
}
