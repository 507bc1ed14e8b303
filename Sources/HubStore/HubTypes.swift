import AssetCore

/// One commit of the hub's working copy, written to PostgreSQL whole or not at all: the ledger rows
/// it changed, the signed change set computers will fetch when rows they need changed, and the
/// records a computer sent when the commit took in a batch. PostgreSQL is the truth the working copy
/// is rebuilt from, so a commit that is not here did not happen.
public struct HubCommit: Sendable {
    /// The mirror version the caller's working copy is at. Another value in the database means a
    /// commit the caller has not seen: refused with `versionConflict`, nothing written.
    public var expectedMirror: Int64
    /// Rows upserted (`row != nil`) or marked deleted. When a row appears twice, the last one counts.
    public var rows: [LedgerRowChange]
    /// When present, the ledger version moves up by one and this is its change set: a `ChangeSet`
    /// whose `to` is the new version, signed by the unit key, stored as the bytes given.
    public var changeSet: SignedPayload?
    public var ingest: IngestWrite?

    public init(expectedMirror: Int64, rows: [LedgerRowChange] = [], changeSet: SignedPayload? = nil, ingest: IngestWrite? = nil) {
        self.expectedMirror = expectedMirror
        self.rows = rows
        self.changeSet = changeSet
        self.ingest = ingest
    }
}

/// What a computer's batch adds: its new records and where its chain, its own sequence and its
/// ledger replica stand after them.
public struct IngestWrite: Sendable {
    public var computer: String
    /// Only new records (the caller dropped those already held). One already present is still
    /// skipped, never duplicated and never a failure: a courier may deliver a batch twice.
    public var records: [ChainedRecord]
    /// The computer's chain position after these records.
    public var after: ChainState
    /// The computer's newest sequence number, so what it still owes is known.
    public var head: Int64
    /// The unit ledger version the computer holds.
    public var ledgerVersion: Int64
    public var receivedAt: Timestamp

    public init(computer: String, records: [ChainedRecord], after: ChainState, head: Int64, ledgerVersion: Int64, receivedAt: Timestamp) {
        self.computer = computer
        self.records = records
        self.after = after
        self.head = head
        self.ledgerVersion = ledgerVersion
        self.receivedAt = receivedAt
    }
}

/// The two versions after a commit: the mirror's moves with every commit, the ledger's only with
/// those that carried a change set (what computers see).
public struct HubVersions: Sendable, Hashable, Codable {
    public var mirror: Int64
    public var ledger: Int64

    public init(mirror: Int64, ledger: Int64) {
        self.mirror = mirror
        self.ledger = ledger
    }
}

/// A computer whose key is pinned: batches are checked against `publicKey`.
public struct EnrolledComputer: Sendable, Hashable, Codable {
    public var computer: String
    public var publicKey: String
    public var enrolledAt: Timestamp

    public init(computer: String, publicKey: String, enrolledAt: Timestamp) {
        self.computer = computer
        self.publicKey = publicKey
        self.enrolledAt = enrolledAt
    }
}

/// Where one computer stands with the hub, for the officer's "who is behind" list: registered
/// computers that never enrolled or never sent anything appear too, with nil times.
public struct ComputerSyncState: Sendable, Hashable, Codable {
    public var computer: String
    public var enrolledAt: Timestamp?
    public var lastHeard: Timestamp?
    /// The unit ledger version the computer last said it holds.
    public var ledgerVersion: Int64
    /// The computer's newest sequence number, as it last said.
    public var head: Int64
    /// The last sequence number stored here.
    public var stored: Int64
    /// Enrolled by a bundle carried by hand: heard from only when its records bundle is imported.
    public var standalone = false
    /// When the hub last wrote a ledger bundle for it, and the version that bundle brought.
    public var lastExport: Timestamp?
    public var exportedVersion: Int64?

    public init(computer: String, enrolledAt: Timestamp?, lastHeard: Timestamp?, ledgerVersion: Int64, head: Int64, stored: Int64) {
        self.computer = computer
        self.enrolledAt = enrolledAt
        self.lastHeard = lastHeard
        self.ledgerVersion = ledgerVersion
        self.head = head
        self.stored = stored
    }

    /// Records the computer has written that the hub does not hold yet.
    public var owed: Int64 { max(0, head - stored) }
}
