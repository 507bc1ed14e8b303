import AssetCore
import Foundation
import GRDB
import HubStore
import Logging

/// The unit ledger at the hub. The rules are AssetCore's own (`InventoryService`, the same code and
/// messages as on one computer), run over a working copy in SQLite; every write of that copy first
/// commits to PostgreSQL — the rows it changed, the signed change set for the computers when rows they
/// need changed, and what a computer delivered — inside the SQLite transaction, so the two commit
/// together or not at all. PostgreSQL is the truth: a working copy that is behind it is rebuilt.
public final class HubLedger: @unchecked Sendable {
    public let database: HubDatabase
    public let store: LedgerStore
    public let service: InventoryService
    public let unit: String
    let key: SigningKey
    let clock: WallClock
    let logger: Logger
    /// Woken with the new ledger version after each commit that carries a change set.
    let onVersion: @Sendable (Int64) -> Void
    private let lock = NSLock()
    private var versions: HubVersions
    /// What the write in progress takes in from computers (`HubIngest`), for the hook to commit.
    private var pendingIngests: [IngestWrite] = []
    /// Each computer's chain end as the last commit left it, read from PostgreSQL the first time a
    /// computer delivers. Only the commit hook moves it, after both stores committed, so it is
    /// PostgreSQL's `unit_computer` without the round trip in every delivery.
    private var chainEnds: [String: ChainState] = [:]
    /// Where deliveries wait for the working copy's writer.
    private let lane = IngestLane()

    /// Opens the working copy at `directory`/ledger.db, rebuilding it from PostgreSQL when its
    /// version is not PostgreSQL's, and hooks its commits to PostgreSQL.
    public static func open(database: HubDatabase, directory: String, unit: String, key: SigningKey, clock: WallClock = .system,
                            logger: Logger, onVersion: @escaping @Sendable (Int64) -> Void) async throws -> HubLedger {
        try await database.migrate()
        if let held = try await database.unit() {
            guard held.name == unit else { throw HubStartError.otherUnit(configured: unit, stored: held.name) }
            guard held.publicKey == key.publicText else { throw HubStartError.otherKey(stored: held.publicKey) }
        } else {
            try await database.setUnit(name: unit, publicKey: key.publicText)
        }
        let versions = HubVersions(mirror: try await database.mirrorVersion(), ledger: try await database.ledgerVersion())
        let path = directory + "/ledger.db"
        if try await HubWorkers.run({ try WorkingCopy.storedVersions(path: path) }) != versions {
            logger.notice("rebuilding the working copy from PostgreSQL", metadata: ["MIRROR": "\(versions.mirror)"])
            let rows = try await database.mirroredRows()
            try await HubWorkers.run { try WorkingCopy.rebuild(path: path, rows: rows, versions: versions) }
        }
        let store = try await HubWorkers.run { try WorkingCopy.open(path: path) }
        let ledger = HubLedger(database: database, store: store, unit: unit, key: key, clock: clock, logger: logger,
                               versions: versions, onVersion: onVersion)
        store.setBeforeCommit { [unowned ledger] db in try ledger.beforeCommit(db) }
        ledger.lane.start(name: "mediahub-ingest") { [unowned ledger] deliveries in try HubIngest.store(deliveries, in: ledger) }
        return ledger
    }

    private init(database: HubDatabase, store: LedgerStore, unit: String, key: SigningKey, clock: WallClock, logger: Logger,
                 versions: HubVersions, onVersion: @escaping @Sendable (Int64) -> Void) {
        self.database = database
        self.store = store
        self.service = InventoryService(store: store, clock: clock)
        self.unit = unit
        self.key = key
        self.clock = clock
        self.logger = logger
        self.versions = versions
        self.onVersion = onVersion
    }

    public var ledgerVersion: Int64 { lock.withLock { versions.ledger } }

    /// Stores a batch `computer` delivered, opened under its key, and returns the chain's new end:
    /// queued for the one thread that writes deliveries (`IngestLane`), awaited without a thread.
    func ingest(_ batch: EventBatch, records: HashedRecords) async throws -> ChainState {
        try await lane.deliver(IngestLane.Delivery(batch: batch, records: records))
    }

    /// Stores what a computer delivered with the write in progress (`HubIngest`): taken by the hook.
    func stage(_ ingest: IngestWrite) { lock.withLock { pendingIngests.append(ingest) } }

    /// Forgets what a write that failed before its hook had staged.
    func discardStaged() { lock.withLock { pendingIngests = [] } }

    /// The chain ends of `computers` as committed; those not known yet are read from PostgreSQL.
    func chains(_ computers: Set<String>) throws -> [String: ChainState] {
        var known: [String: ChainState] = [:]
        var unknown: [String] = []
        lock.withLock {
            for computer in computers {
                if let end = chainEnds[computer] { known[computer] = end } else { unknown.append(computer) }
            }
        }
        guard !unknown.isEmpty else { return known }
        let database = self.database, missing = unknown
        let read = try Blocking.wait { try await database.chainStates(computers: missing) }
        return known.merging(read) { first, _ in first }
    }

    /// Runs on the SQLite writer at the end of every write, before it commits.
    private func beforeCommit(_ db: Database) throws {
        let ingests = lock.withLock { () -> [IngestWrite] in defer { pendingIngests = [] }; return pendingIngests }
        let rows = try LedgerCapture.drain(db)
        guard !rows.isEmpty || !ingests.isEmpty else { return }
        let before = lock.withLock { versions }
        let replicated = rows.filter { ReplicatedTable(rawValue: $0.table) != nil }
        let now = clock.now()
        let changeSet = replicated.isEmpty ? nil : try SignedPayload.sign(
            ChangeSet(unit: unit, from: before.ledger, to: before.ledger + 1, at: now, rows: replicated), kind: .changeSet, with: key)
        let after = HubVersions(mirror: before.mirror + 1, ledger: before.ledger + (changeSet == nil ? 0 : 1))
        try WorkingCopy.setVersions(db, after)
        let commit = HubCommit(expectedMirror: before.mirror, rows: rows, changeSet: changeSet)
        let database = self.database
        let stored = try Blocking.wait { try await database.commit(commit, ingests: ingests) }
        guard stored == after else { throw HubStartError.versionsDiffer(expected: after, stored: stored) }
        db.afterNextTransaction(onCommit: { [self] _ in
            lock.withLock {
                versions = after
                for ingest in ingests { chainEnds[ingest.computer] = ingest.after }
            }
            if changeSet != nil { onVersion(after.ledger) }
        }, onRollback: { [self] _ in
            // PostgreSQL has it and the working copy does not: every later write would be refused as
            // behind. Restarting rebuilds the copy; say so loudly.
            logger.critical("the working copy failed to commit what PostgreSQL committed; restart mediahub to rebuild it")
        })
    }
}

/// Why the hub cannot serve, in words its administrator can act on.
public enum HubStartError: Error, Sendable, CustomStringConvertible {
    case otherUnit(configured: String, stored: String)
    case otherKey(stored: String)
    case versionsDiffer(expected: HubVersions, stored: HubVersions)

    public var description: String {
        switch self {
        case .otherUnit(let configured, let stored):
            "mediahub.conf names the unit '\(configured)' but PostgreSQL holds the ledger of '\(stored)'; one hub serves one unit"
        case .otherKey(let stored):
            "the unit key file is not the key PostgreSQL pinned (\(UnitKey.fingerprint(stored))); restore the unit's key file — computers trust only it"
        case .versionsDiffer(let expected, let stored):
            "PostgreSQL stored versions \(stored.mirror)/\(stored.ledger), not \(expected.mirror)/\(expected.ledger); restart mediahub"
        }
    }
}
