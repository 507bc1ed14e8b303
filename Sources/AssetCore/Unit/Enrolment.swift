/// A computer asking to join the unit: the asset number it is registered under at the hub, the
/// one-time code the hub showed the administrator, and the public key mediad made for it.
public struct EnrolmentRequest: Sendable, Hashable, Codable {
    public var computer: String
    public var code: String
    public var publicKey: String

    public init(computer: String, code: String, publicKey: String) {
        self.computer = computer
        self.code = code
        self.publicKey = publicKey
    }
}

/// The hub's answer: the unit and its public key, which the computer pins, and the courier's token
/// for fetching the ledger (the token only lets one read; what is applied is checked by signature).
public struct EnrolmentAnswer: Sendable, Hashable, Codable {
    public var unit: String
    public var unitKey: String
    public var computer: String
    public var courierToken: String
    /// The hub as its administrators name it (its address), for messages that send people there.
    public var hub: String?

    public init(unit: String, unitKey: String, computer: String, courierToken: String, hub: String? = nil) {
        self.unit = unit
        self.unitKey = unitKey
        self.computer = computer
        self.courierToken = courierToken
        self.hub = hub
    }
}

/// What the computer holds of the unit: what it belongs to, the version of the unit ledger its
/// replica is at, how far its records reach and how far the hub has acknowledged them.
public struct UnitMembership: Sendable, Hashable, Codable {
    public var unit: String
    public var unitKey: String
    public var computer: String
    public var enrolledAt: Timestamp
    public var ledgerVersion: Int64
    public var head: Int64
    public var acknowledged: Int64
    public var acknowledgedHash: String
    public var lastChangeAt: Timestamp?
    /// The hub's name from enrolment, when it gave one.
    public var hub: String?

    public init(unit: String, unitKey: String, computer: String, enrolledAt: Timestamp, ledgerVersion: Int64,
                head: Int64, acknowledged: Int64, acknowledgedHash: String, lastChangeAt: Timestamp?) {
        self.unit = unit
        self.unitKey = unitKey
        self.computer = computer
        self.enrolledAt = enrolledAt
        self.ledgerVersion = ledgerVersion
        self.head = head
        self.acknowledged = acknowledged
        self.acknowledgedHash = acknowledgedHash
        self.lastChangeAt = lastChangeAt
    }

    /// Records written but not yet acknowledged by the hub.
    public var owed: Int64 { max(0, head - acknowledged) }
}
