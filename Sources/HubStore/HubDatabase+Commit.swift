import AssetCore
import Foundation
import PostgresNIO

/// The working copy's commits and what is read back from them: the mirror, the versions, the
/// change sets.
extension HubDatabase {
    /// The mirror version: one more per commit.
    public func mirrorVersion() async throws(HubStoreError) -> Int64 {
        try await versions().mirror
    }

    /// The unit ledger's version, as computers see it: one more per commit that carried a change set.
    public func ledgerVersion() async throws(HubStoreError) -> Int64 {
        try await versions().ledger
    }

    public func versions() async throws(HubStoreError) -> HubVersions {
        let versions: HubVersions? = try await read { connection in
            let rows = try await connection.query("SELECT mirror, ledger FROM hub_version", logger: self.quiet)
            for try await (mirror, ledger) in rows.decode((Int64, Int64).self) { return HubVersions(mirror: mirror, ledger: ledger) }
            return nil
        }
        guard let versions else { throw HubStoreError.notMigrated(detail: "hub_version has no row") }
        return versions
    }

    /// Writes one commit of the working copy in one transaction: the versions checked and moved
    /// (the row lock makes commits serial), the rows, the change set, the computer's records and
    /// position. If any part fails, nothing is written.
    public func commit(_ commit: HubCommit) async throws(HubStoreError) -> HubVersions {
        try await self.commit(commit, ingests: [])
    }

    /// `commit`, storing with it the records of several computers' batches (`commit.ingest` first,
    /// then `ingests` in order): the hub takes the deliveries that waited for its writer in one
    /// working-copy write, and one PostgreSQL transaction then stores them all or none.
    public func commit(_ commit: HubCommit, ingests more: [IngestWrite]) async throws(HubStoreError) -> HubVersions {
        let rows = try Self.mirrorArrays(commit.rows)
        let payload: ByteBuffer?
        if let changeSet = commit.changeSet {
            do { payload = ByteBuffer(data: try UnitCoding.encoder.encode(changeSet)) } catch {
                throw HubStoreError.corrupt("the change set does not encode: \(error)")
            }
        } else {
            payload = nil
        }
        let ingests = ((commit.ingest.map { [$0] } ?? []) + more).map(IngestArrays.init)
        return try await transaction { connection in
            let current = try await self.lockVersions(on: connection)
            guard current.mirror == commit.expectedMirror else {
                throw HubStoreError.versionConflict(expected: commit.expectedMirror, actual: current.mirror)
            }
            let next = HubVersions(mirror: current.mirror + 1, ledger: current.ledger + (payload == nil ? 0 : 1))
            if let changeSet = commit.changeSet { try Self.check(changeSet, makes: next.ledger) }
            if !rows.tables.isEmpty {
                try await self.exec("""
                    INSERT INTO ledger_row (tbl, key, body, deleted, version)
                    SELECT t, k, CASE WHEN d THEN NULL ELSE b::jsonb END, d, \(next.mirror)
                    FROM unnest(\(rows.tables)::text[], \(rows.keys)::text[], \(rows.bodies)::text[], \(rows.deleted)::boolean[]) AS r(t, k, b, d)
                    ON CONFLICT (tbl, key) DO UPDATE SET body = COALESCE(EXCLUDED.body, ledger_row.body),
                        deleted = EXCLUDED.deleted, version = EXCLUDED.version
                    """, on: connection)
            }
            try await self.storeRecords(ingests, on: connection)
            if let payload {
                try await self.exec("INSERT INTO change_set (version, payload) VALUES (\(next.ledger), \(payload))", on: connection)
            }
            try await self.exec("UPDATE hub_version SET mirror = \(next.mirror), ledger = \(next.ledger)", on: connection)
            return next
        }
    }

    /// Every live row of the mirror, by table then key in byte order (whatever the database's
    /// collation), which is what the working copy is rebuilt from.
    public func mirroredRows() async throws(HubStoreError) -> [LedgerRowChange] {
        let stored: [(String, String, String)] = try await read { connection in
            let rows = try await connection.query("""
                SELECT tbl, key, body::text FROM ledger_row WHERE NOT deleted AND body IS NOT NULL
                ORDER BY tbl COLLATE "C", key COLLATE "C"
                """, logger: self.quiet)
            var result: [(String, String, String)] = []
            for try await row in rows.decode((String, String, String).self) { result.append(row) }
            return result
        }
        let decoder = JSONDecoder()
        var changes: [LedgerRowChange] = []
        changes.reserveCapacity(stored.count)
        for (table, key, body) in stored {
            guard let row = try? decoder.decode([String: LedgerValue].self, from: Data(body.utf8)) else {
                throw HubStoreError.corrupt("the mirrored row \(key) of \(table) is not a JSON object of values")
            }
            changes.append(LedgerRowChange(table: table, key: key, row: row))
        }
        return changes
    }

    /// The change sets after `version`, oldest first, at most `limit`: what a computer holding
    /// `version` applies next.
    public func changeSets(after version: Int64, limit: Int) async throws(HubStoreError) -> [SignedPayload] {
        let stored: [ByteBuffer] = try await read { connection in
            let rows = try await connection.query("""
                SELECT payload FROM change_set WHERE version > \(version) ORDER BY version LIMIT \(Int64(max(0, limit)))
                """, logger: self.quiet)
            var result: [ByteBuffer] = []
            for try await payload in rows.decode(ByteBuffer.self) { result.append(payload) }
            return result
        }
        var payloads: [SignedPayload] = []
        for buffer in stored {
            guard let payload = try? UnitCoding.decoder.decode(SignedPayload.self, from: Data(buffer.readableBytesView)) else {
                throw HubStoreError.corrupt("a stored change set is not a signed payload")
            }
            payloads.append(payload)
        }
        return payloads
    }

    // MARK: - Parts of a commit

    func lockVersions(on connection: PostgresConnection) async throws -> HubVersions {
        let rows = try await connection.query("SELECT mirror, ledger FROM hub_version FOR UPDATE", logger: quiet)
        var versions: HubVersions?
        for try await (mirror, ledger) in rows.decode((Int64, Int64).self) { versions = HubVersions(mirror: mirror, ledger: ledger) }
        guard let versions else { throw HubStoreError.notMigrated(detail: "hub_version has no row") }
        return versions
    }

    /// A change set stored under a version it does not name would send every computer a change it
    /// refuses (or worse, applies out of order): the payload must be a change set to `version`.
    static func check(_ payload: SignedPayload, makes version: Int64) throws(HubStoreError) {
        guard payload.kind == .changeSet,
              let changeSet = try? UnitCoding.decoder.decode(ChangeSet.self, from: payload.body) else {
            throw HubStoreError.changeSetMismatch(expected: version, got: nil)
        }
        guard changeSet.to == version else { throw HubStoreError.changeSetMismatch(expected: version, got: changeSet.to) }
    }

    /// The rows as parallel arrays for one `unnest` statement; the last change of a row wins, since
    /// one statement cannot update a row twice.
    static func mirrorArrays(_ changes: [LedgerRowChange]) throws(HubStoreError)
        -> (tables: [String], keys: [String], bodies: [String], deleted: [Bool]) {
        var position: [LedgerRowChange.Identity: Int] = [:]
        var latest: [LedgerRowChange] = []
        for change in changes {
            if let index = position[change.identity] { latest[index] = change } else {
                position[change.identity] = latest.count
                latest.append(change)
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var result: (tables: [String], keys: [String], bodies: [String], deleted: [Bool]) = ([], [], [], [])
        for change in latest {
            for text in [change.table, change.key] + (change.row ?? [:]).flatMap({ [$0.key, $0.value.text ?? ""] })
                where text.utf8.contains(0) {
                throw HubStoreError.unstorable(table: change.table, key: change.key, reason: "a text holds a NUL character")
            }
            var body = ""
            if let row = change.row {
                do { body = String(decoding: try encoder.encode(row), as: UTF8.self) } catch {
                    throw HubStoreError.unstorable(table: change.table, key: change.key, reason: "\(error)")
                }
            }
            result.tables.append(change.table)
            result.keys.append(change.key)
            result.bodies.append(body)
            result.deleted.append(change.row == nil)
        }
        return result
    }
}

extension LedgerRowChange {
    struct Identity: Hashable {
        let table: String
        let key: String
    }

    var identity: Identity { Identity(table: table, key: key) }
}

extension LedgerValue {
    var text: String? {
        if case .text(let value) = self { value } else { nil }
    }
}
