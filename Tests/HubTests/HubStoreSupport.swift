import AssetCore
import Foundation
import HubStore
import Logging
import Testing

/// Runs `body` against a freshly migrated database of the shared test cluster, with the pool
/// running for the body's length and stopped after, whether the body passes or fails.
func withHub(_ body: (HubDatabase, HubDatabaseSettings) async throws -> Void) async throws {
    let settings = try await PostgresCluster.shared.freshDatabase()
    var logger = Logger(label: "hubstore.tests")
    logger.logLevel = .warning
    let hub = HubDatabase(settings: settings, logger: logger)
    let running = Task { await hub.run() }
    do {
        try await hub.migrate()
        try await body(hub, settings)
    } catch {
        running.cancel()
        await running.value
        throw error
    }
    running.cancel()
    await running.value
}

/// The rows of `sql` in the test's database, read beside the code under test.
func sql(_ sql: String, _ settings: HubDatabaseSettings) async throws -> [[String?]] {
    try await PostgresCluster.query(sql, in: settings)
}

/// Expects `body` to throw exactly `expected`.
func expectError(_ expected: HubStoreError, sourceLocation: SourceLocation = #_sourceLocation,
                 _ body: () async throws -> Void) async {
    do {
        try await body()
        Issue.record("expected \(expected), nothing was thrown", sourceLocation: sourceLocation)
    } catch {
        #expect(error as? HubStoreError == expected, sourceLocation: sourceLocation)
    }
}

/// Fixed instants of the tests, written out by hand.
enum At {
    static func time(_ text: String) -> Timestamp { Timestamp(parsing: text)! }
    static let march = time("2026-03-15T10:00:00Z")
    static let april = time("2026-04-02T08:30:00Z")
}

/// Hand-made ledger rows, as the hub's working copy would mirror them.
enum Rows {
    static func person(_ id: String, _ name: String, department: String = "保密办") -> LedgerRowChange {
        LedgerRowChange(table: "person", key: id, row: [
            "id": .text(id), "name": .text(name), "department": .text(department), "clearance": .text("secret"),
            "departed_on": .null, "declassification_ends": .null,
        ])
    }

    static func computer(_ number: String, holder: String = "P1") -> LedgerRowChange {
        LedgerRowChange(table: "computer", key: number, row: [
            "asset_number": .text(number), "name": .text("工作站 \(number)"), "level": .text("secret"),
            "network": .text("standalone"), "holder": .text(holder), "key_area": .integer(1), "is_this_host": .integer(0),
        ])
    }

    static func medium(_ number: String, capacity: Int64) -> LedgerRowChange {
        LedgerRowChange(table: "medium", key: number, row: [
            "number": .text(number), "kind": .text("usb-stick"), "level": .text("secret"), "holder": .text("P1"),
            "state": .text("in-service"), "capacity_bytes": .integer(capacity), "registered_at": .text("2026-03-01T09:00:00Z"),
        ])
    }

    static func deleted(_ table: String, _ key: String) -> LedgerRowChange {
        LedgerRowChange(table: table, key: key, row: nil)
    }
}

/// A change set to `version`, signed by a key made for the test: the store keeps it as given.
func signedChangeSet(to version: Int64, rows: [LedgerRowChange] = []) throws -> SignedPayload {
    let changeSet = ChangeSet(unit: "测试单位", from: version - 1, to: version, at: At.march, rows: rows)
    return try SignedPayload.sign(changeSet, kind: .changeSet, with: SigningKey())
}

/// A record of computer `C1`'s chain (content as mediad's `json_object` writes it unless given).
func record(_ seq: Int64, at: Timestamp = At.march, content: String? = nil) -> ChainedRecord {
    let content = content ?? #"{"id":\#(seq),"at":"\#(at)","kind":"attach","decision":"allow"}"#
    let previous = seq == 1 ? RecordChain.genesis : "h\(seq - 1)"
    return ChainedRecord(seq: seq, table: "device_event", localID: 100 + seq, at: at, content: content,
                         previous: previous, hash: "h\(seq)")
}

/// A batch of `records` from `computer`, its chain ending at the last of them.
func ingest(_ records: [ChainedRecord], computer: String = "C1", head: Int64? = nil, ledgerVersion: Int64 = 0,
            at: Timestamp = At.april) -> IngestWrite {
    let last = records.max { $0.seq < $1.seq }
    let after = last.map { ChainState(seq: $0.seq, hash: $0.hash) } ?? .empty
    return IngestWrite(computer: computer, records: records, after: after, head: head ?? after.seq,
                       ledgerVersion: ledgerVersion, receivedAt: at)
}
