import AssetCore
import HubStore
import Testing

/// The computers' records: stored once, in the month partition their time names (or the default
/// one), their content returned byte for byte, and each computer's position.
@Suite struct HubStoreRecordTests {
    @Test func aRecordIsStoredOnceHoweverOftenItComes() async throws {
        try await withHub { hub, _ in
            var mirror = try await hub.commit(HubCommit(expectedMirror: 0, ingest: ingest([record(1), record(2), record(3)]))).mirror
            #expect(try await hub.recordCount(computer: "C1") == 3)
            // A courier delivers an overlapping batch again, then the last record with another time
            // (another month), and a batch that repeats a record inside itself.
            mirror = try await hub.commit(HubCommit(expectedMirror: mirror, ingest: ingest([record(2), record(3), record(4)]))).mirror
            mirror = try await hub.commit(HubCommit(expectedMirror: mirror, ingest: ingest([record(4, at: At.april)]))).mirror
            mirror = try await hub.commit(HubCommit(expectedMirror: mirror, ingest: ingest([record(5), record(5, at: At.april)]))).mirror
            #expect(mirror == 4)
            #expect(try await hub.recordCount(computer: "C1") == 5)
            let stored = try await hub.records(computer: "C1", after: 0, limit: 100)
            #expect(stored == [record(1), record(2), record(3), record(4), record(5)])

            // The same numbers from another computer are its own.
            _ = try await hub.commit(HubCommit(expectedMirror: mirror, ingest: ingest([record(1), record(2)], computer: "C2")))
            #expect(try await hub.recordCount(computer: "C2") == 2)
            #expect(try await hub.recordCount(computer: nil) == 7)
            #expect(try await hub.recordCount(computer: "C3") == 0)
        }
    }

    @Test func recordsLandInTheirMonthOrTheDefaultPartition() async throws {
        try await withHub { hub, settings in
            let times: [(Int64, Timestamp)] = [
                (1, At.time("2026-03-15T10:00:00Z")),
                (2, At.time("2026-04-02T08:30:00Z")),
                (3, At.time("1970-01-02T00:00:00Z")),
                (4, At.time("2150-06-01T00:00:00Z")),
                (5, At.time("1999-12-31T23:59:59Z")),
                (6, At.time("2000-01-01T00:00:00Z")),
                (7, At.time("2026-03-31T23:59:59Z")),
                (8, Timestamp(secondsSinceEpoch: Int64.max)),
            ]
            _ = try await hub.commit(HubCommit(expectedMirror: 0, ingest: ingest(times.map { record($0.0, at: $0.1) })))
            let placed = try await sql("SELECT seq::text, tableoid::regclass::text FROM unit_event ORDER BY seq", settings)
            #expect(placed == [
                ["1", "unit_event_2026_03"], ["2", "unit_event_2026_04"], ["3", "unit_event_default"], ["4", "unit_event_default"],
                ["5", "unit_event_default"], ["6", "unit_event_2000_01"], ["7", "unit_event_2026_03"], ["8", "unit_event_default"],
            ])
            let partitions = try await sql("""
                SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = 'unit_event'::regclass ORDER BY 1
                """, settings)
            #expect(partitions == [["unit_event_2000_01"], ["unit_event_2026_03"], ["unit_event_2026_04"], ["unit_event_default"]])
            // A month's bounds are UTC months.
            #expect(try await sql("SELECT pg_get_expr(relpartbound, oid) FROM pg_class WHERE relname = 'unit_event_2026_03'", settings)
                == [["FOR VALUES FROM ('2026-03-01 00:00:00+00') TO ('2026-04-01 00:00:00+00')"]])
            // A later batch in a month that exists adds no partition.
            _ = try await hub.commit(HubCommit(expectedMirror: 1, ingest: ingest([record(9, at: At.time("2026-04-30T12:00:00Z"))])))
            #expect(try await sql("SELECT count(*)::text FROM pg_inherits WHERE inhparent = 'unit_event'::regclass", settings) == [["4"]])
        }
    }

    @Test func contentComesBackExactlyWhateverItIs() async throws {
        try await withHub { hub, settings in
            let deep = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
            let contents = [
                #"{"b": 1,  "a" : "é"}"#,
                "not json {",
                #"{"x":"\ud800"}"#,
                #"{"n":1e400}"#,
                #"{"nul":"\u0000"}"#,
                "raw\u{0}nul",
                deep,
                #"{"id":1,"at":"2026-03-15T10:00:00Z","device":"U盘 \"32G\""}"#,
            ]
            let records = contents.enumerated().map { record(Int64($0.offset + 1), content: $0.element) }
            _ = try await hub.commit(HubCommit(expectedMirror: 0, ingest: ingest(records)))

            let back = try await hub.records(computer: "C1", after: 0, limit: 100)
            #expect(back.map(\.content) == contents)
            #expect(back == records)
            #expect(try await hub.records(computer: "C1", after: 2, limit: 3).map(\.seq) == [3, 4, 5])
            #expect(try await hub.records(computer: "C1", after: 8, limit: 3).isEmpty)

            // For reading, what parses is JSON and the rest one JSON string.
            let read = try await sql("""
                SELECT seq::text, jsonb_typeof(content), content->>'a', content->>'nul', content #>> '{}'
                FROM unit_event WHERE seq IN (1, 2, 5, 6, 7, 8) ORDER BY seq
                """, settings)
            #expect(read == [
                ["1", "object", "é", nil, #"{"a": "é", "b": 1}"#],
                ["2", "string", nil, nil, "not json {"],
                ["5", "object", nil, "\u{FFFD}", #"{"nul": "\#u{FFFD}"}"#],
                ["6", "string", nil, nil, "raw\u{FFFD}nul"],
                ["7", "string", nil, nil, deep],
                ["8", "object", nil, nil, #"{"at": "2026-03-15T10:00:00Z", "id": 1, "device": "U盘 \"32G\""}"#],
            ])
        }
    }

    @Test func positionsFollowTheLastCommit() async throws {
        try await withHub { hub, _ in
            var mirror = try await hub.commit(HubCommit(expectedMirror: 0, rows: [Rows.person("P1", "张三"), Rows.computer("C1"), Rows.computer("C2")])).mirror
            let enrolledAt = At.time("2026-03-01T09:00:00Z")
            try await hub.issueEnrolmentCode(computer: "C1", codeHash: "c", expiresAt: At.time("2026-03-01T10:00:00Z"),
                                             issuedBy: "admin", at: At.time("2026-03-01T08:55:00Z"))
            try await hub.enrol(computer: "C1", codeHash: "c", publicKey: "K1", tokenHash: "T1", at: enrolledAt)
            #expect(try await hub.chainState(computer: "C1") == .empty)

            mirror = try await hub.commit(HubCommit(expectedMirror: mirror, ingest: ingest(
                [record(1), record(2), record(3)], head: 5, ledgerVersion: 1, at: At.april))).mirror
            mirror = try await hub.commit(HubCommit(expectedMirror: mirror, ingest: ingest(
                [record(1)], computer: "X9", head: 1, ledgerVersion: 0, at: At.march))).mirror
            #expect(try await hub.chainState(computer: "C1") == ChainState(seq: 3, hash: "h3"))
            #expect(try await hub.chainState(computer: "C2") == .empty)

            var states = try await hub.computerStates()
            #expect(states == [
                ComputerSyncState(computer: "C1", enrolledAt: enrolledAt, lastHeard: At.april, ledgerVersion: 1, head: 5, stored: 3),
                ComputerSyncState(computer: "C2", enrolledAt: nil, lastHeard: nil, ledgerVersion: 0, head: 0, stored: 0),
                ComputerSyncState(computer: "X9", enrolledAt: nil, lastHeard: At.march, ledgerVersion: 0, head: 1, stored: 1),
            ])
            #expect(states.map(\.owed) == [2, 0, 0])

            let later = At.time("2026-04-02T09:00:00Z")
            _ = try await hub.commit(HubCommit(expectedMirror: mirror, ingest: ingest(
                [record(4), record(5)], head: 6, ledgerVersion: 2, at: later)))
            #expect(try await hub.chainState(computer: "C1") == ChainState(seq: 5, hash: "h5"))
            states = try await hub.computerStates()
            #expect(states.first == ComputerSyncState(computer: "C1", enrolledAt: enrolledAt, lastHeard: later,
                                                      ledgerVersion: 2, head: 6, stored: 5))
            #expect(states.first?.owed == 1)
        }
    }
}
