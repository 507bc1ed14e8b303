/// What importing a ledger bundle did on a standalone computer, and the bundle for the way back.
public struct BundleImport: Sendable, Hashable, Codable {
    /// The versions the bundle's change sets (or snapshot) brought, in order; empty when the
    /// computer already held everything in it.
    public var applied: [Int64]
    /// The computer joined the unit with this bundle.
    public var joined: Bool
    /// The record the hub's receipt acknowledged, when the bundle carried one.
    public var acknowledged: Int64?
    public var membership: UnitMembership
    /// The records the hub does not hold yet and the version now held, signed by this computer's
    /// key: what goes back to the hub (`RecordBundle`).
    public var records: SignedPayload
    public var recordCount: Int

    public init(applied: [Int64], joined: Bool, acknowledged: Int64?, membership: UnitMembership, records: SignedPayload,
                recordCount: Int) {
        self.applied = applied
        self.joined = joined
        self.acknowledged = acknowledged
        self.membership = membership
        self.records = records
        self.recordCount = recordCount
    }
}

/// What the hub made of a bundle carried from a standalone computer.
public struct HubBundleImport: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        /// The computer's enrolment request: its key is pinned, its first ledger bundle can be written.
        case enrolment
        /// The computer's records and the version it holds.
        case records
    }

    public var kind: Kind
    public var computer: String
    /// The computer key's fingerprint, for the administrator to compare with the computer's screen.
    public var keyFingerprint: String
    /// Records in the bundle, those stored now, and those the hub already held (a bundle imported
    /// twice stores nothing the second time).
    public var records: Int = 0
    public var stored: Int = 0
    public var duplicates: Int = 0
    /// Record numbers that never came (deleted on the computer) and records whose hash no longer
    /// follows (edited there): each also entered in the unit's violations.
    public var missing: [ClosedRange<Int64>] = []
    public var altered: [Int64] = []
    /// The ledger version the computer confirmed it holds.
    public var ledgerVersion: Int64?
    /// The last of its records the hub holds now: acknowledged on the next ledger bundle.
    public var chainEnd: Int64 = 0

    public init(kind: Kind, computer: String, keyFingerprint: String) {
        self.kind = kind
        self.computer = computer
        self.keyFingerprint = keyFingerprint
    }
}
