import Foundation

/// What only the hub answers: enrolment codes and the unit's view of its computers.
public enum HubCall: Sendable, Hashable, Codable {
    /// A one-time code for enrolling the registered computer `computer` (administrators).
    case enrolmentCode(computer: String)
    /// Every registered computer: enrolled or not, last heard from, ledger version held, records owed.
    case computers
    /// Everything the standalone computer `computer` needs since the version it last confirmed, as
    /// one `LedgerBundle` signed by the unit key, with the receipt for its records (administrators).
    case bundleExport(computer: String)
    /// A bundle file carried from a standalone computer, as read: its enrolment request or its records
    /// (administrators). Checked against the computer's pinned key; records stored once.
    case bundleImport(Data)

    public var permission: Permission {
        switch self {
        case .enrolmentCode, .bundleExport, .bundleImport: .administer
        case .computers: .read
        }
    }

    public var verb: String {
        switch self {
        case .enrolmentCode: "computer enrol"
        case .computers: "unit computers"
        case .bundleExport: "bundle export"
        case .bundleImport: "bundle import"
        }
    }
}

/// The hub's answers to a `HubCall`.
public enum HubReply: Sendable, Hashable, Codable {
    case enrolmentCode(EnrolmentCode)
    case computers(UnitComputers)
    case bundle(SignedPayload)
    case bundleImported(HubBundleImport)
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
    /// Silent for longer than the period the officer set (`UnitComputers.silentAfterDays`, or
    /// `standaloneAfterDays` for a standalone computer, whose last word is its last bundle).
    public var silent: Bool
    /// Enrolled by a bundle carried by hand (单机): heard from only when its records are imported.
    public var standalone = false
    /// When the hub last wrote a ledger bundle for it, and the version that bundle brought.
    public var lastExport: Timestamp?
    public var exportedVersion: Int64?

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
    /// The same for standalone computers, whose bundles come by hand (mediahub.conf's
    /// `standalone-after-days`).
    public var standaloneAfterDays = 30
    public var computers: [UnitComputerState]

    public init(ledgerVersion: Int64, silentAfterDays: Int, computers: [UnitComputerState]) {
        self.ledgerVersion = ledgerVersion
        self.silentAfterDays = silentAfterDays
        self.computers = computers
    }
}
