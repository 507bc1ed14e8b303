import Foundation
import GRDB

/// Writes the unit's rows into the replica inside the caller's transaction, and remembers which
/// keys a snapshot listed so that what it does not list can go after its last row.
struct ReplicaWriter {
    private let db: Database
    private let columns: [ReplicatedTable: Set<String>]
    private(set) var present: [ReplicatedTable: Set<String>] = [:]
    private(set) var count = 0

    init(_ db: Database) throws {
        self.db = db
        columns = try ReplicaRows.columns(db)
    }

    mutating func write(_ rows: [LedgerRowChange]) throws {
        for change in rows {
            guard let table = ReplicatedTable(rawValue: change.table) else { throw UnitError.unknownTable(change.table) }
            if let row = change.row {
                try upsert(table, key: change.key, row: row)
                present[table, default: []].insert(change.key)
            } else {
                try db.cachedStatement(sql: "DELETE FROM \(table.rawValue) WHERE \(table.primaryKey) = ?").execute(arguments: [change.key])
            }
            count += 1
        }
    }

    /// The unit holds exactly the rows written: what they did not list leaves the replica.
    func removeAbsent() throws {
        for table in ReplicatedTable.allCases.reversed() {
            let keep = present[table] ?? []
            let keys = try String.fetchAll(db, sql: "SELECT \(table.primaryKey) FROM \(table.rawValue)")
            let delete = try db.cachedStatement(sql: "DELETE FROM \(table.rawValue) WHERE \(table.primaryKey) = ?")
            for key in keys where !keep.contains(key) { try delete.execute(arguments: [key]) }
        }
    }

    private func upsert(_ table: ReplicatedTable, key: String, row: [String: LedgerValue]) throws {
        guard case .text(let rowKey)? = row[table.primaryKey], rowKey == key else {
            throw UnitError.malformed("\(table.rawValue) row \(key) does not carry its key")
        }
        let allowed = columns[table] ?? []
        let names = row.keys.filter { !table.localColumns.contains($0) }.sorted()
        for name in names where !allowed.contains(name) { throw UnitError.unknownColumn(table: table.rawValue, column: name) }
        let quoted = names.map { "\"\($0)\"" }
        let updates = quoted.filter { $0 != "\"\(table.primaryKey)\"" }.map { "\($0) = excluded.\($0)" }
        let sql = "INSERT INTO \(table.rawValue) (\(quoted.joined(separator: ", "))) VALUES (\(names.map { _ in "?" }.joined(separator: ", ")))"
            + " ON CONFLICT(\(table.primaryKey)) DO " + (updates.isEmpty ? "NOTHING" : "UPDATE SET " + updates.joined(separator: ", "))
        // Cached: the rows of one table share their columns, so a snapshot compiles a handful of
        // statements, not one per row.
        let values: [(any DatabaseValueConvertible)?] = names.map { row[$0]?.databaseValue }
        try db.cachedStatement(sql: sql).execute(arguments: StatementArguments(values))
    }
}

extension ReplicaRows {
    /// A staged part's header, opened under the pinned unit key and checked to be this unit's and
    /// newer than the version held. Nothing is written.
    static func openPart(_ db: Database, _ payload: SignedPayload) throws -> SnapshotPart.Header {
        guard let held = try membership(db) else { throw UnitError.notEnrolled }
        let header = try payload.open(SnapshotPart.Header.self, as: .snapshotPart, trusting: held.unitKey)
        guard header.unit == held.unit else { throw UnitError.otherUnit(expected: held.unit, got: header.unit) }
        guard header.version > held.ledgerVersion else {
            throw SnapshotPartError.stale(version: header.version, held: held.ledgerVersion).ledgerError
        }
        return header
    }

    /// Applies a complete assembly: every part opened again under the key pinned now (one part's
    /// rows decoded at a time), its rows written, what no part listed removed, the version moved.
    /// Runs inside the caller's transaction: a throw leaves nothing written. Returns the snapshot's
    /// header as a change set without rows (they may be hundreds of MiB), and the rows written.
    static func apply(_ db: Database, _ assembly: SnapshotAssembly, at: Timestamp) throws -> (ChangeSet, rows: Int) {
        guard assembly.isComplete else { throw assembly.incomplete.ledgerError }
        guard let held = try membership(db) else { throw UnitError.notEnrolled }
        let first = assembly.first
        guard first.unit == held.unit else { throw UnitError.otherUnit(expected: held.unit, got: first.unit) }
        guard first.version > held.ledgerVersion else {
            throw SnapshotPartError.stale(version: first.version, held: held.ledgerVersion).ledgerError
        }
        var writer = try ReplicaWriter(db)
        for payload in assembly.payloads {
            // Each part's rows are decoded, written and let go before the next part is decoded.
            let part = try payload.open(SnapshotPart.self, as: .snapshotPart, trusting: held.unitKey)
            guard part.unit == first.unit, part.version == first.version else {
                throw SnapshotPartError.otherSnapshot(version: first.version, part: part.part).ledgerError
            }
            try writer.write(part.rows)
        }
        try writer.removeAbsent()
        try finish(db, held, to: first.version, at: at)
        return (ChangeSet(unit: first.unit, from: 0, to: first.version, at: first.at, rows: []), writer.count)
    }
}

/// The snapshots half received, one per ledger store, held in memory between the courier's calls
/// (mediad's control socket takes at most 32 MiB per call, a snapshot may be larger). Keyed by the
/// store object, which lives as long as mediad: a restart forgets what was staged, and the courier
/// then fetches the snapshot again from its first part. Bounded by `SnapshotAssembly.maxBytes`.
final class SnapshotStaging: @unchecked Sendable {
    static let shared = SnapshotStaging()

    private struct Entry {
        weak var store: LedgerStore?
        var assembly: SnapshotAssembly
    }

    private let lock = NSLock()
    private var entries: [ObjectIdentifier: Entry] = [:]

    /// Takes the next part. A first part begins the snapshot afresh (a courier that stopped midway
    /// and fetched it again starts over); any other part must follow what is staged. Returns the
    /// assembly when it is complete, and then holds nothing more for `store`. On a throw nothing
    /// stays staged: the snapshot is refused whole.
    func take(_ header: SnapshotPart.Header, _ payload: SignedPayload, for store: LedgerStore) throws(SnapshotPartError) -> SnapshotAssembly? {
        lock.lock()
        defer { lock.unlock() }
        let key = ObjectIdentifier(store)
        // Taken out while it grows, so that the staged parts are not copied; on a throw it stays out.
        var held = entry(store)?.assembly
        entries[key] = nil
        let assembly: SnapshotAssembly
        if header.part == 1 {
            assembly = try SnapshotAssembly(header, payload)
        } else if held != nil {
            try held!.add(header, payload)
            assembly = held!
        } else {
            throw .outOfOrder(version: header.version, expected: 1, got: header.part, parts: header.parts)
        }
        if assembly.isComplete { return assembly }
        entries[key] = Entry(store: store, assembly: assembly)
        return nil
    }

    /// Forgets what is staged for `store`; returns it.
    @discardableResult
    func drop(for store: LedgerStore) -> SnapshotAssembly? {
        lock.withLock {
            let staged = entry(store)?.assembly
            entries[ObjectIdentifier(store)] = nil
            return staged
        }
    }

    /// The entry of `store`; one left by a store since gone (whose address a new store may reuse)
    /// is dropped. Called with the lock held.
    private func entry(_ store: LedgerStore) -> Entry? {
        let key = ObjectIdentifier(store)
        guard let entry = entries[key] else { return nil }
        guard entry.store === store else {
            entries[key] = nil
            return nil
        }
        return entry
    }
}
