/// What the officer's reports read from a ledger, and nothing more: the single computer's SQLite
/// ledger answers it today (`LedgerReportSource`), the unit's PostgreSQL ledger will answer the same
/// questions, and both print through the same report code. Times are UTC instants; the reports turn
/// them into the reader's local time. `Interval` ends are [start, end).
public protocol ReportSource {
    /// The unit's records when the report is written at the hub; nil on one computer.
    var unit: (any UnitRecords)? { get }
    /// `--computer`: the one computer the report is narrowed to (nil: every computer of the ledger).
    var computerFilter: String? { get }
    /// This computer as registered, and the unit it belongs to.
    func thisComputer() throws -> Computer?
    /// The hash at the head of the admin trail (nil while it is empty).
    func trailHead() throws -> String?
    func verifyTrail() throws -> TrailVerification
    func people() throws -> [Person]
    func computers() throws -> [Computer]
    /// Each computer's newest approved hardware baseline, by asset number.
    func baselines() throws -> [String: HardwareBaseline]
    /// Registered peripherals (printers, scanners, cameras), removed ones included, by computer.
    func peripherals() throws -> [Peripheral]

    // Violations
    func violationCount(in interval: Interval) throws -> Int
    /// Counts by one grouping, largest first; an absent key (no person named) is the empty string.
    func violationCounts(in interval: Interval, by grouping: ViolationGrouping) throws -> [KeyCount]
    /// Violations found in the interval (all when nil; only those not yet handled, for `unhandled`),
    /// oldest first, with the department of the person (or else of the medium) they name.
    func violations(in interval: Interval?, unhandled: Bool, person: String?,
                    _ body: (ViolationRecord, _ department: String?) throws -> Void) throws

    // The guard's records
    /// Device and link events of the interval by kind and decision (`attach`/`allow`: 12).
    func eventCounts(in interval: Interval) throws -> [EventCount]
    /// Devices attached in the interval, one line per identity, most used first: streamed, since a
    /// quarter of a busy unit can hold tens of thousands of identities.
    func deviceUses(in interval: Interval, decision: Decision, _ body: (DeviceUse) throws -> Void) throws
    /// The guard's starts, stops and gaps, and every link event, oldest first.
    func guardEvents(in interval: Interval, kinds: [GuardEventKind], _ body: (GuardEvent) throws -> Void) throws
    /// Admin trail entries of the interval, oldest first.
    func trailEntries(in interval: Interval, _ body: (TrailEntry) throws -> Void) throws
    /// 保密检查 runs of the interval (`mediactl inspect`), oldest first.
    func inspections(in interval: Interval, _ body: (InspectionRecord) throws -> Void) throws

    // Media
    /// Every medium registered before `before` (all when nil), by number, with its level and state
    /// as they were at that instant.
    func media(asOf before: Timestamp?, _ body: (Medium) throws -> Void) throws
    /// Movements in the interval (all when nil), oldest first; only these kinds when given.
    func movements(in interval: Interval?, kinds: [MovementKind]?, _ body: (Movement) throws -> Void) throws
    /// Every movement that names the person (borrower, carrier, handler) or concerns a medium they
    /// hold or held, oldest first.
    func movements(concerning person: String, _ body: (Movement) throws -> Void) throws
    /// For each medium now in `state`, when its last `kind` movement put it there, by number
    /// (under repair since, lost since).
    func enteredState(_ state: MediumState, by kind: MovementKind) throws -> [String: Timestamp]

    // Checks (清查核对)
    func mediaCheck(id: Int64) throws -> MediaCheck?
    /// The check's media by number: every one it expected (`expected`), seen or not, then every
    /// medium seen that it did not expect.
    func checkLines(_ id: Int64, _ body: (CheckLine, _ expected: Bool) throws -> Void) throws
}

/// Instants from `start` up to, not including, `end`.
public struct Interval: Sendable, Hashable {
    public let start: Timestamp
    public let end: Timestamp

    public init(start: Timestamp, end: Timestamp) {
        self.start = start
        self.end = end
    }
}

/// How `report violations --by` groups.
public enum ViolationGrouping: String, Sendable, Hashable, Codable, CaseIterable {
    case type, severity, outcome, status, handling, computer, department, person, month
}

public struct KeyCount: Sendable, Hashable {
    public let key: String
    public let count: Int

    public init(_ key: String, _ count: Int) {
        self.key = key
        self.count = count
    }
}

public struct EventCount: Sendable, Hashable {
    public let kind: GuardEventKind
    public let decision: Decision?
    public let count: Int

    public init(kind: GuardEventKind, decision: Decision?, count: Int) {
        self.kind = kind
        self.decision = decision
        self.count = count
    }
}

/// One device identity's use in a period.
public struct DeviceUse: Sendable, Hashable {
    /// The computer it was used on: set in a unit's reports, where one identity meets many.
    public var computer: String?
    public var vendorID: String?
    public var productID: String?
    public var serial: String?
    public var device: String?
    public var mediumNumber: String?
    public var holder: String?
    public var count: Int
    public var first: Timestamp
    public var last: Timestamp

    public init(vendorID: String?, productID: String?, serial: String?, device: String?, mediumNumber: String?,
                holder: String?, count: Int, first: Timestamp, last: Timestamp, computer: String? = nil) {
        self.computer = computer
        self.vendorID = vendorID
        self.productID = productID
        self.serial = serial
        self.device = device
        self.mediumNumber = mediumNumber
        self.holder = holder
        self.count = count
        self.first = first
        self.last = last
    }
}
