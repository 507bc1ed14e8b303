import AssetCore
import PostgresNIO

/// The computers' records: stored inside a commit, read back for receipts, checks and reports.
extension HubDatabase {
    /// Where the hub stands with a computer's chain; `.empty` before its first record.
    public func chainState(computer: String) async throws(HubStoreError) -> ChainState {
        try await read { connection in
            let rows = try await connection.query(
                "SELECT chain_seq, chain_hash FROM unit_computer WHERE computer = \(computer)", logger: self.quiet)
            for try await (seq, hash) in rows.decode((Int64, String).self) { return ChainState(seq: seq, hash: hash) }
            return .empty
        }
    }

    /// Every computer the hub knows of (registered in the ledger, enrolled, or heard from) and where
    /// it stands, by asset number: one never heard from is on the officer's outstanding list too.
    /// `only` narrows it to one computer (nothing when the hub does not know it).
    public func computerStates(only: String? = nil) async throws(HubStoreError) -> [ComputerSyncState] {
        try await read { connection in
            let rows = try await connection.query("""
                WITH known AS (
                    SELECT key AS computer FROM ledger_row WHERE tbl = 'computer' AND NOT deleted
                    UNION SELECT computer FROM enrolled_computer
                    UNION SELECT computer FROM unit_computer)
                SELECT k.computer, extract(epoch FROM e.enrolled_at)::bigint, extract(epoch FROM u.last_heard)::bigint,
                       COALESCE(u.ledger_version, 0), COALESCE(u.head, 0), COALESCE(u.chain_seq, 0),
                       COALESCE(e.standalone, false), extract(epoch FROM e.last_export_at)::bigint, e.exported_version
                FROM known k LEFT JOIN enrolled_computer e ON e.computer = k.computer
                             LEFT JOIN unit_computer u ON u.computer = k.computer
                WHERE \(only)::text IS NULL OR k.computer = \(only)
                ORDER BY k.computer COLLATE "C"
                """, logger: self.quiet)
            var states: [ComputerSyncState] = []
            for try await (computer, enrolled, heard, version, head, stored, standalone, exported, exportedVersion)
                in rows.decode((String, Int64?, Int64?, Int64, Int64, Int64, Bool, Int64?, Int64?).self) {
                var state = ComputerSyncState(
                    computer: computer, enrolledAt: enrolled.map { Timestamp(secondsSinceEpoch: $0) },
                    lastHeard: heard.map { Timestamp(secondsSinceEpoch: $0) },
                    ledgerVersion: version, head: head, stored: stored)
                state.standalone = standalone
                state.lastExport = exported.map { Timestamp(secondsSinceEpoch: $0) }
                state.exportedVersion = exportedVersion
                states.append(state)
            }
            return states
        }
    }

    /// Records stored for one computer, or for the whole unit when `computer` is nil.
    public func recordCount(computer: String?) async throws(HubStoreError) -> Int64 {
        try await read { connection in
            let query: PostgresQuery = if let computer {
                "SELECT count(*) FROM unit_event WHERE computer = \(computer)"
            } else {
                "SELECT count(*) FROM unit_event"
            }
            return try await self.scalar(query, as: Int64.self, on: connection) ?? 0
        }
    }

    /// A computer's records after `seq`, in order, at most `limit`, with their content exactly as the
    /// computer sent it (its hash covers those bytes).
    public func records(computer: String, after seq: Int64, limit: Int) async throws(HubStoreError) -> [ChainedRecord] {
        try await read { connection in
            let rows = try await connection.query("""
                SELECT seq, tbl, local_id, extract(epoch FROM at)::bigint, content_bytes, previous, hash
                FROM unit_event WHERE computer = \(computer) AND seq > \(seq)
                ORDER BY seq LIMIT \(Int64(max(0, limit)))
                """, logger: self.quiet)
            var records: [ChainedRecord] = []
            for try await (seq, table, localID, at, content, previous, hash)
                in rows.decode((Int64, String, Int64, Int64, ByteBuffer, String, String).self) {
                records.append(ChainedRecord(seq: seq, table: table, localID: localID, at: Timestamp(secondsSinceEpoch: at),
                                             content: String(buffer: content), previous: previous, hash: hash))
            }
            return records
        }
    }
}

/// A computer's batch as the parallel arrays one `unnest` insert takes, made storable before the
/// transaction starts (see `EventStorage`), with a record repeated in the batch kept once.
struct IngestArrays: Sendable {
    let computer: String
    let after: ChainState
    let head: Int64
    let ledgerVersion: Int64
    let receivedAt: Int64
    var seqs: [Int64] = []
    var tables: [String] = []
    var localIDs: [Int64] = []
    var times: [Int64] = []
    var contents: [String] = []
    var bytes: [ByteBuffer] = []
    var previous: [String] = []
    var hashes: [String] = []
    var months: Set<EventMonth> = []

    init(_ ingest: IngestWrite) {
        computer = EventStorage.text(ingest.computer)
        after = ChainState(seq: ingest.after.seq, hash: EventStorage.text(ingest.after.hash))
        head = ingest.head
        ledgerVersion = ingest.ledgerVersion
        receivedAt = EventStorage.seconds(ingest.receivedAt)
        var seen = Set<Int64>()
        for record in ingest.records where seen.insert(record.seq).inserted {
            let at = EventStorage.seconds(record.at)
            seqs.append(record.seq)
            tables.append(EventStorage.text(record.table))
            localIDs.append(record.localID)
            times.append(at)
            contents.append(EventStorage.jsonb(record.content))
            bytes.append(ByteBuffer(string: record.content))
            previous.append(EventStorage.text(record.previous))
            hashes.append(EventStorage.text(record.hash))
            if let month = EventMonth(secondsSinceEpoch: at) { months.insert(month) }
        }
    }
}
