/// A storage medium in the ledger (涉密存储介质台账): one row per numbered, labelled object.
public struct Medium: Sendable, Hashable, Codable {
    /// 统一编号: unique, printed on the medium's label.
    public var number: String
    public var kind: MediumKind
    /// 密级: the highest level of anything the medium holds or has held; never lowered without a
    /// recorded reclassification.
    public var level: Level
    /// 保密期限, as written on the form (`10年`, `长期`, `2030-12-31`).
    public var secrecyTerm: String?
    /// 管理责任人: person id of the one person responsible.
    public var holder: String
    /// 使用人, when the medium is used by someone other than the responsible person.
    public var user: String?
    public var department: String?
    public var purpose: String?
    /// 存放位置
    public var place: String?
    public var inServiceDate: Day?
    public var brand: String?
    public var model: String?
    /// The hardware identity the daemon matches; nil for media with none (optical discs, floppies).
    public var identity: HardwareIdentity?
    /// Asset numbers of the computers this medium may be used on; empty means any computer of a
    /// suitable level.
    public var boundComputers: [String]
    public var state: MediumState
    /// Who has it while it is loaned or carried out, and until when.
    public var borrower: String?
    public var dueDate: Day?
    public var notes: String?

    public init(number: String, kind: MediumKind, level: Level, holder: String,
                state: MediumState = .inService, identity: HardwareIdentity? = nil) {
        self.number = number
        self.kind = kind
        self.level = level
        self.holder = holder
        self.state = state
        self.identity = identity
        self.boundComputers = []
    }

    /// Whether this kind must carry a USB identity to be registered: the daemon can only recognise
    /// what it can identify.
    public static func requiresIdentity(_ kind: MediumKind) -> Bool {
        kind == .usbStick || kind == .usbDisk
    }
}
