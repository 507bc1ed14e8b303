/// What happened to a medium: every entry of its movement record (流转记录).
public enum MovementKind: String, Sendable, Codable, CaseIterable {
    case register
    case imported = "import"
    case reclassify
    case loan
    case carryOut = "carry-out"
    case giveBack = "return"
    case repair
    case retire
    case destroy
    case lost
    case found
    case handBack = "hand-back"
    case reissue
    /// 移交: the responsible person changes (`media update --holder`, with an approver). Not a move
    /// between states, so it is not in `Lifecycle.table`.
    case transfer

    public var names: Bilingual {
        switch self {
        case .register: Bilingual(zh: "登记", en: "register")
        case .imported: Bilingual(zh: "导入", en: "import")
        case .reclassify: Bilingual(zh: "变更密级", en: "reclassify")
        case .loan: Bilingual(zh: "借出", en: "loan")
        case .carryOut: Bilingual(zh: "携带外出", en: "carry-out")
        case .giveBack: Bilingual(zh: "归还", en: "return")
        case .repair: Bilingual(zh: "送修", en: "repair")
        case .retire: Bilingual(zh: "报废待销毁", en: "retire")
        case .destroy: Bilingual(zh: "销毁", en: "destroy")
        case .lost: Bilingual(zh: "报失", en: "report lost")
        case .found: Bilingual(zh: "找回", en: "found")
        case .handBack: Bilingual(zh: "清退", en: "hand back")
        case .reissue: Bilingual(zh: "重新配发", en: "reissue")
        case .transfer: Bilingual(zh: "移交", en: "transfer")
        }
    }

    public func name(_ language: Language) -> String { names.text(language) }
}

/// The person behind a change, as the operating system vouches for them.
public struct Actor: Sendable, Hashable, Codable {
    public var uid: UInt32
    public var name: String

    public init(uid: UInt32, name: String) {
        self.uid = uid
        self.name = name
    }
}

/// One entry of a medium's movement record, with everything the forms ask for.
public struct Movement: Sendable, Hashable, Codable {
    public var id: Int64?
    public var number: String
    public var kind: MovementKind
    public var fromState: MediumState?
    public var toState: MediumState?
    public var at: Timestamp
    public var actor: Actor
    public var approver: String?
    public var handler: String?
    /// The person the move concerns: borrower, carrier, reporter of a loss, new holder (reissue, transfer).
    public var person: String?
    public var dueDate: Day?
    public var method: String?
    public var witness: String?
    public var repairUnit: String?
    public var reason: String?
    public var fromLevel: Level?
    public var toLevel: Level?
    public var note: String?

    public init(number: String, kind: MovementKind, at: Timestamp, actor: Actor) {
        self.number = number
        self.kind = kind
        self.at = at
        self.actor = actor
    }
}
