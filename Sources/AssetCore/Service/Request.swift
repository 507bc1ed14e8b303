/// Every command and query a user can make. The same values are served by mediactl's local mode and
/// (later) the daemon's socket, so both check the same roles and rules.
public enum Request: Sendable, Hashable, Codable {
    case hostShow
    case hostSet(HostSettings)
    case computerAdd(Computer)
    /// `computer set ASSET`: another computer's record and network profile, field by field (at the
    /// hub, any computer of the unit; `host set` stays this computer's own).
    case computerSet(assetNumber: String, HostSettings)
    case computerList
    case personAdd(Person)
    case personDepart(Departure)
    case personList(PeopleFilter)
    case mediaRegister(MediumRegistration)
    case mediaList(MediaFilter)
    case mediaShow(number: String)
    case mediaUpdate(number: String, changes: MediumChanges)
    case mediaMove(LifecycleRequest)
    case mediaReclassify(Reclassification)
    case mediaHistory(number: String)
    case mediaImport(csv: String)
    case auditVerify
    case auditLog(entity: String?, key: String?)
    /// Register the most recent storage device the guard saw and could not match.
    case mediaRegisterLastUnregistered(MediumRegistration)
    case events(since: Timestamp?, limit: Int)
    case violationsList(ViolationFilter)
    case violationAck(id: Int64, note: String)
    /// 查处: the graded outcome, the person responsible, the officer's note.
    case violationHandle(ViolationHandling)
    /// A handled (or acknowledged) violation back to open, with the reason.
    case violationReopen(id: Int64, reason: String)
    /// Approve a phone, camera or recorder for key areas, or withdraw the approval.
    case mediaKeyArea(KeyAreaApproval)
    /// One of the officer's reports: only ever streamed (`InventoryService.report`); this case
    /// carries its role check and name.
    case officerReport(OfficerReportKind)
    /// 保密检查: every stored inspection (`mediactl inspections`); running one is `InventoryService.inspect`.
    case inspections
    /// 清查核对: open a check, record media seen (typed or scanned), see where it stands, close it
    /// (what was not seen becomes violations) or cancel it; `checks` lists them all.
    case checkStart(CheckOpening)
    case checkSee(numbers: [String])
    /// The check with this id, or the open one when nil.
    case checkStatus(id: Int64?)
    case checkFinish(note: String?)
    case checkCancel(reason: String)
    case checks
    /// This computer's hardware now (read by whoever serves the request) beside its baseline.
    case computerInventory(HardwareInventory)
    /// Approve the hardware read now as this computer's configuration; closes open differences.
    case computerBaseline(BaselineRequest)
    /// Move a computer between in service, under repair, retired and destroyed, with an approver.
    case computerMove(ComputerMove)
    /// A computer's moves and baselines.
    case computerHistory(assetNumber: String)
    case peripheralRegister(PeripheralRegistration)
    case peripheralList(computer: String?, includeRemoved: Bool)
    case peripheralRemove(number: String, reason: String)

    public var permission: Permission {
        switch self {
        case .hostShow, .computerList, .personList, .mediaList, .mediaShow, .mediaHistory, .auditVerify, .auditLog,
             .events, .violationsList, .officerReport, .checkStatus, .checks, .computerInventory, .computerHistory,
             .peripheralList:
            .read
        case .inspections:
            .read
        case .violationAck, .violationHandle, .violationReopen:
            .oversee
        case .checkStart, .checkSee, .checkFinish, .checkCancel:
            .oversee
        case .hostSet, .computerAdd, .computerSet, .personAdd, .personDepart, .mediaRegister, .mediaUpdate, .mediaMove,
             .mediaReclassify, .mediaImport, .mediaRegisterLastUnregistered, .mediaKeyArea, .computerBaseline,
             .computerMove, .peripheralRegister, .peripheralRemove:
            .administer
        }
    }

    /// Whether this changes the unit's ledger: on an enrolled computer, whose ledger is a replica, it
    /// is made at the hub instead. The guard's own records, a hardware baseline (only this computer
    /// can read its hardware) and the readings are not.
    public var changesUnitLedger: Bool {
        switch self {
        case .hostSet, .computerAdd, .computerSet, .personAdd, .personDepart, .mediaRegister, .mediaUpdate, .mediaMove,
             .mediaReclassify, .mediaImport, .mediaRegisterLastUnregistered, .mediaKeyArea, .computerMove,
             .peripheralRegister, .peripheralRemove, .violationAck, .violationHandle, .violationReopen,
             .checkStart, .checkSee, .checkFinish, .checkCancel:
            true
        case .hostShow, .computerList, .personList, .mediaList, .mediaShow, .mediaHistory, .auditVerify, .auditLog,
             .events, .violationsList, .officerReport, .checkStatus, .checks, .computerInventory, .computerHistory,
             .peripheralList, .inspections, .computerBaseline:
            false
        }
    }

    /// The command as a person typed it, for permission errors and the trail.
    public var verb: String {
        switch self {
        case .hostShow: "host show"
        case .hostSet: "host set"
        case .computerAdd: "computer add"
        case .computerSet: "computer set"
        case .computerList: "computer list"
        case .personAdd: "person add"
        case .personDepart: "person depart"
        case .personList: "person list"
        case .mediaRegister: "media register"
        case .mediaList: "media list"
        case .mediaShow: "media show"
        case .mediaUpdate: "media update"
        case .mediaMove(let move): "media \(move.kind.rawValue)"
        case .mediaReclassify: "media reclassify"
        case .mediaHistory: "media history"
        case .mediaImport: "media import"
        case .auditVerify: "audit verify"
        case .auditLog: "audit log"
        case .mediaRegisterLastUnregistered: "media register --last-unregistered"
        case .events: "events"
        case .violationsList: "violations list"
        case .violationAck: "violations ack"
        case .violationHandle: "violations handle"
        case .violationReopen: "violations reopen"
        case .mediaKeyArea: "media key-area"
        case .officerReport(let kind): "report \(kind.rawValue)"
        case .inspections: "inspections"
        case .checkStart: "check start"
        case .checkSee: "check see"
        case .checkStatus: "check status"
        case .checkFinish: "check finish"
        case .checkCancel: "check cancel"
        case .checks: "checks"
        case .computerInventory: "computer inventory"
        case .computerBaseline: "computer baseline"
        case .computerMove: "computer move"
        case .computerHistory: "computer history"
        case .peripheralRegister: "peripheral register"
        case .peripheralList: "peripheral list"
        case .peripheralRemove: "peripheral remove"
        }
    }
}

/// A medium with what a reader needs around it: the holder's and borrower's names and its record.
public struct MediumDetail: Sendable, Hashable, Codable {
    public var medium: Medium
    public var holder: Person?
    public var borrower: Person?
    public var movements: [Movement]
    /// Who approved the medium for key areas (要害部位), if anyone.
    public var keyAreaApprover: String? = nil
}

/// A leader's approval for a registered phone, camera or recorder to be used on key-area computers
/// (003 第十条), or its withdrawal.
public struct KeyAreaApproval: Sendable, Hashable, Codable {
    public var number: String
    public var approver: String
    public var note: String?
    public var revoke: Bool

    public init(number: String, approver: String, note: String? = nil, revoke: Bool = false) {
        self.number = number
        self.approver = approver
        self.note = note
        self.revoke = revoke
    }
}

/// The answer to a `Request`.
public enum Response: Sendable, Hashable, Codable {
    case done(Bilingual)
    case computer(Computer)
    case computers([Computer])
    case people([Person])
    /// A departure, with every medium still out with the person (清退 pending): each one opened a
    /// `handback-outstanding` violation. Empty when everything was handed back first.
    case departed(Person, stillHeld: [Medium])
    case medium(MediumDetail)
    case media([Medium])
    case movements(number: String, [Movement])
    case imported(numbers: [String])
    case verification(TrailVerification)
    case trail([TrailEntry])
    case events([GuardEvent])
    case violations([ViolationRecord])
    case inspections([InspectionRecord])
    /// A check and its media (start, status, finish with the violations it opened, cancel).
    case check(CheckStatus)
    case checks([MediaCheck])
    case checkSightings(CheckSightings)
    case inventory(InventoryView)
    case baseline(HardwareBaseline, closed: Int)
    case computerHistory(ComputerHistory)
    case peripherals([Peripheral])
}

/// A computer's record over time: its moves and its approved baselines (newest last).
public struct ComputerHistory: Sendable, Hashable, Codable {
    public var computer: Computer
    public var movements: [ComputerMovement]
    public var baselines: [HardwareBaseline]

    public init(computer: Computer, movements: [ComputerMovement], baselines: [HardwareBaseline]) {
        self.computer = computer
        self.movements = movements
        self.baselines = baselines
    }
}
