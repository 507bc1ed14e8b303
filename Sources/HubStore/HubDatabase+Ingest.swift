import AssetCore
import PostgresNIO

/// The computers' records inside a commit, for one batch or for several taken together (the hub
/// groups the deliveries waiting for its writer into one commit): one look for records already
/// held, one insert per 2,000 rows, one update of the computers' positions.
extension HubDatabase {
    /// Where the hub stands with each of `computers`' chains; `.empty` for one never heard from.
    public func chainStates(computers: [String]) async throws(HubStoreError) -> [String: ChainState] {
        var states = Dictionary(computers.map { ($0, ChainState.empty) }, uniquingKeysWith: { first, _ in first })
        let found: [(String, Int64, String)] = try await read { connection in
            let rows = try await connection.query("""
                SELECT computer, chain_seq, chain_hash FROM unit_computer WHERE computer = ANY(\(computers)::text[])
                """, logger: self.quiet)
            var found: [(String, Int64, String)] = []
            for try await row in rows.decode((String, Int64, String).self) { found.append(row) }
            return found
        }
        for (computer, seq, hash) in found { states[computer] = ChainState(seq: seq, hash: hash) }
        return states
    }

    /// Stores the new records of `ingests` and moves each computer to where its last ingest leaves
    /// it. A record whose computer and sequence number are already held (in any month) is skipped,
    /// never duplicated: that is asked once, as one range of numbers per computer, rather than by
    /// each row (a row's look-up would visit every month's index). The caller holds the version row
    /// lock, so no other commit can add a record between the look and the insert.
    func storeRecords(_ ingests: [IngestArrays], on connection: PostgresConnection) async throws {
        guard !ingests.isEmpty else { return }
        let held = try await heldRecords(ingests, on: connection)
        var rows = RecordRows()
        var months = Set<EventMonth>()
        for ingest in ingests {
            months.formUnion(ingest.months)
            for index in ingest.seqs.indices where !held.contains(RecordKey(computer: ingest.computer, seq: ingest.seqs[index])) {
                guard rows.added.insert(RecordKey(computer: ingest.computer, seq: ingest.seqs[index])).inserted else { continue }
                rows.append(ingest, index)
            }
        }
        try await createMonths(months, on: connection)
        let chunk = 2_000
        for start in stride(from: 0, to: rows.seqs.count, by: chunk) {
            let range = start..<min(start + chunk, rows.seqs.count)
            try await exec("""
                INSERT INTO unit_event (computer, seq, tbl, local_id, at, content, content_bytes, previous, hash, received_at)
                SELECT r.computer, r.seq, r.tbl, r.local_id, to_timestamp(r.at), r.content::jsonb, r.bytes,
                       r.previous, r.hash, to_timestamp(r.received)
                FROM unnest(\(Array(rows.computers[range]))::text[], \(Array(rows.seqs[range]))::bigint[],
                            \(Array(rows.tables[range]))::text[], \(Array(rows.localIDs[range]))::bigint[],
                            \(Array(rows.times[range]))::bigint[], \(Array(rows.contents[range]))::text[],
                            \(Array(rows.bytes[range]))::bytea[], \(Array(rows.previous[range]))::text[],
                            \(Array(rows.hashes[range]))::text[], \(Array(rows.received[range]))::bigint[])
                     AS r(computer, seq, tbl, local_id, at, content, bytes, previous, hash, received)
                """, on: connection)
        }
        try await movePositions(ingests, on: connection)
    }

    /// The records of `ingests` already stored: one range scan per computer and month.
    private func heldRecords(_ ingests: [IngestArrays], on connection: PostgresConnection) async throws -> Set<RecordKey> {
        var ranges: [String: ClosedRange<Int64>] = [:]
        for ingest in ingests {
            guard let low = ingest.seqs.min(), let high = ingest.seqs.max() else { continue }
            let range = ranges[ingest.computer].map { min($0.lowerBound, low)...max($0.upperBound, high) } ?? low...high
            ranges[ingest.computer] = range
        }
        guard !ranges.isEmpty else { return [] }
        let computers = Array(ranges.keys)
        let rows = try await connection.query("""
            SELECT e.computer, e.seq FROM unnest(\(computers)::text[], \(computers.map { ranges[$0]!.lowerBound })::bigint[],
                                                 \(computers.map { ranges[$0]!.upperBound })::bigint[]) AS r(computer, low, high)
            JOIN unit_event e ON e.computer = r.computer AND e.seq BETWEEN r.low AND r.high
            """, logger: quiet)
        var held = Set<RecordKey>()
        for try await (computer, seq) in rows.decode((String, Int64).self) { held.insert(RecordKey(computer: computer, seq: seq)) }
        return held
    }

    /// Each computer's chain position, newest sequence, ledger version and time heard, as its last
    /// ingest in this commit says (one statement cannot update a row twice).
    private func movePositions(_ ingests: [IngestArrays], on connection: PostgresConnection) async throws {
        var last: [String: IngestArrays] = [:]
        var order: [String] = []
        for ingest in ingests {
            if last.updateValue(ingest, forKey: ingest.computer) == nil { order.append(ingest.computer) }
        }
        let latest = order.map { last[$0]! }
        try await exec("""
            INSERT INTO unit_computer (computer, chain_seq, chain_hash, head, ledger_version, last_heard)
            SELECT c, s, h, d, v, to_timestamp(t)
            FROM unnest(\(latest.map(\.computer))::text[], \(latest.map(\.after.seq))::bigint[], \(latest.map(\.after.hash))::text[],
                        \(latest.map(\.head))::bigint[], \(latest.map(\.ledgerVersion))::bigint[],
                        \(latest.map(\.receivedAt))::bigint[]) AS p(c, s, h, d, v, t)
            ON CONFLICT (computer) DO UPDATE SET chain_seq = EXCLUDED.chain_seq, chain_hash = EXCLUDED.chain_hash,
                head = EXCLUDED.head, ledger_version = EXCLUDED.ledger_version, last_heard = EXCLUDED.last_heard
            """, on: connection)
    }

    /// Creates the month partitions that do not exist yet. Looked up first, so an existing month
    /// costs one catalogue read and never the lock that creating a partition takes on `unit_event`.
    private func createMonths(_ months: Set<EventMonth>, on connection: PostgresConnection) async throws {
        guard !months.isEmpty else { return }
        let rows = try await connection.query(
            "SELECT name FROM unnest(\(months.map(\.table))::text[]) AS m(name) WHERE to_regclass(name) IS NULL", logger: quiet)
        var missing: Set<String> = []
        for try await name in rows.decode(String.self) { missing.insert(name) }
        for month in months.sorted(by: { ($0.year, $0.month) < ($1.year, $1.month) }) where missing.contains(month.table) {
            try await exec(PostgresQuery(unsafeSQL: month.createStatement), on: connection)
        }
    }
}

/// A record's identity in `unit_event` whatever its month.
struct RecordKey: Hashable {
    let computer: String
    let seq: Int64
}

/// The rows of one insert as parallel arrays, from several computers' batches.
private struct RecordRows {
    var added = Set<RecordKey>()
    var computers: [String] = []
    var seqs: [Int64] = []
    var tables: [String] = []
    var localIDs: [Int64] = []
    var times: [Int64] = []
    var contents: [String] = []
    var bytes: [ByteBuffer] = []
    var previous: [String] = []
    var hashes: [String] = []
    var received: [Int64] = []

    mutating func append(_ ingest: IngestArrays, _ index: Int) {
        computers.append(ingest.computer)
        seqs.append(ingest.seqs[index])
        tables.append(ingest.tables[index])
        localIDs.append(ingest.localIDs[index])
        times.append(ingest.times[index])
        contents.append(ingest.contents[index])
        bytes.append(ingest.bytes[index])
        previous.append(ingest.previous[index])
        hashes.append(ingest.hashes[index])
        received.append(ingest.receivedAt)
    }
}
