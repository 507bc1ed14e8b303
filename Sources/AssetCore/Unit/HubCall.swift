/// What only the hub answers: enrolment codes and the unit's view of its computers.
public enum HubCall: Sendable, Hashable, Codable {
    /// A one-time code for enrolling the registered computer `computer` (administrators).
    case enrolmentCode(computer: String)
    /// Every registered computer: enrolled or not, last heard from, ledger version held, records owed.
    case computers

    public var permission: Permission {
        switch self {
        case .enrolmentCode: .administer
        case .computers: .read
        }
    }

    public var verb: String {
        switch self {
        case .enrolmentCode: "computer enrol"
        case .computers: "unit computers"
        }
    }
}

/// The hub's answers to a `HubCall`.
public enum HubReply: Sendable, Hashable, Codable {
    case enrolmentCode(EnrolmentCode)
    case computers(UnitComputers)
}

/// A code to type on the computer (`mediad-sync enrol --code`), valid once, until `expiresAt`.
public struct EnrolmentCode: Sendable, Hashable, Codable {
    public var computer: String
    public var code: String
    public var expiresAt: Timestamp
    public var unit: String
    /// The unit key's fingerprint (`UnitKey.fingerprint`), for the administrator to compare with
    /// what the computer prints after enrolling.
    public var unitKeyFingerprint: String

    public init(computer: String, code: String, expiresAt: Timestamp, unit: String, unitKeyFingerprint: String) {
        self.computer = computer
        self.code = code
        self.expiresAt = expiresAt
        self.unit = unit
        self.unitKeyFingerprint = unitKeyFingerprint
    }
}

/// One computer as the unit sees it.
public struct UnitComputerState: Sendable, Hashable, Codable {
    public var computer: String
    public var name: String?
    public var department: String?
    public var enrolledAt: Timestamp?
    public var lastHeard: Timestamp?
    /// The unit ledger version the computer said it holds when last heard from.
    public var ledgerVersion: Int64
    public var head: Int64
    public var stored: Int64
    /// Silent for longer than the period the officer set (`UnitComputers.silentAfterDays`).
    public var silent: Bool

    public init(computer: String, name: String?, department: String?, enrolledAt: Timestamp?, lastHeard: Timestamp?,
                ledgerVersion: Int64, head: Int64, stored: Int64, silent: Bool) {
        self.computer = computer
        self.name = name
        self.department = department
        self.enrolledAt = enrolledAt
        self.lastHeard = lastHeard
        self.ledgerVersion = ledgerVersion
        self.head = head
        self.stored = stored
        self.silent = silent
    }

    /// Records the computer has written that the hub does not hold yet.
    public var owed: Int64 { max(0, head - stored) }
}

/// The unit's computers, with the ledger version now and the period after which silence is overdue.
public struct UnitComputers: Sendable, Hashable, Codable {
    public var ledgerVersion: Int64
    public var silentAfterDays: Int
    public var computers: [UnitComputerState]

    public init(ledgerVersion: Int64, silentAfterDays: Int, computers: [UnitComputerState]) {
        self.ledgerVersion = ledgerVersion
        self.silentAfterDays = silentAfterDays
        self.computers = computers
    }
}
