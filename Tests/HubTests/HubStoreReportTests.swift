import AssetCore
@testable import HubCore
@testable import HubStore
import Logging
import Testing

/// The reports' questions over `unit_event`, against records stored by the hub's own commit, with
/// the answers counted by hand from the table below.
@Suite struct HubStoreReportTests {
    /// A device event's content as mediad's SQLite writes it (`json_object` over the chained columns).
    static func event(_ seq: Int64, _ at: String, _ kind: String, _ decision: String? = nil, serial: String? = nil,
                      medium: String? = nil, computer: String) -> ChainedRecord {
        func text(_ value: String?) -> String { value.map { "\"\($0)\"" } ?? "null" }
        let content = """
            {"id":\(seq),"at":"\(at)","kind":"\(kind)","computer":"\(computer)","syspath":"/sys/devices/usb1/1-1","port":"1-1",\
            "vendor_id":\(text(serial == nil ? nil : "0781")),"product_id":\(text(serial == nil ? nil : "5567")),"serial":\(text(serial)),\
            "device":\(text(serial == nil ? nil : "SanDisk Cruzer")),"decision":\(text(decision)),"audited":0,"medium_number":\(text(medium)),\
            "holder":\(text(medium == nil ? nil : "P1")),"stores":1,"observation":null,"note":null}
            """
        return ChainedRecord(seq: seq, table: "device_event", localID: seq, at: At.time(at), content: content,
                             previous: seq == 1 ? RecordChain.genesis : "h\(seq - 1)", hash: "h\(seq)")
    }

    /// PC-1: a start, two allowed attachments of S1 (M1) in Q4 and one in June, a detach, a refused
    /// stick, a violation (not an event) and a kind from a newer mediad. PC-2: S1 once, a start, and
    /// a refused link on the last second of the year.
    static let pc1: [ChainedRecord] = [
        event(1, "2026-10-01T00:00:00Z", "guard-start", computer: "PC-1"),
        event(2, "2026-10-02T01:00:00Z", "attach", "allow", serial: "S1", medium: "M1", computer: "PC-1"),
        event(3, "2026-10-02T02:00:00Z", "detach", serial: "S1", computer: "PC-1"),
        event(4, "2026-11-01T00:00:00Z", "attach", "allow", serial: "S1", medium: "M1", computer: "PC-1"),
        event(5, "2026-11-02T00:00:00Z", "attach", "block", serial: "S9", computer: "PC-1"),
        event(6, "2026-06-01T00:00:00Z", "attach", "allow", serial: "S1", medium: "M1", computer: "PC-1"),
        ChainedRecord(seq: 7, table: "violation", localID: 1, at: At.time("2026-10-20T00:00:00Z"),
                      content: #"{"id":1,"at":"2026-10-20T00:00:00Z","type":"unregistered-medium"}"#, previous: "h6", hash: "h7"),
        event(8, "2026-10-03T00:00:00Z", "teleport", computer: "PC-1"),
    ]
    static let pc2: [ChainedRecord] = [
        event(1, "2026-10-05T00:00:00Z", "attach", "allow", serial: "S1", medium: "M1", computer: "PC-2"),
        event(2, "2026-10-05T00:00:00Z", "guard-start", computer: "PC-2"),
        event(3, "2026-12-31T23:59:59Z", "link", "block", computer: "PC-2"),
    ]
    static let q4 = (start: At.time("2026-10-01T00:00:00Z"), end: At.time("2027-01-01T00:00:00Z"))

    func stored(_ body: (HubDatabase) async throws -> Void) async throws {
        try await withHub { hub, _ in
            let mirror = try await hub.commit(HubCommit(expectedMirror: 0, ingest: ingest(Self.pc1, computer: "PC-1"))).mirror
            _ = try await hub.commit(HubCommit(expectedMirror: mirror, ingest: ingest(Self.pc2, computer: "PC-2")))
            try await body(hub)
        }
    }

    func counts(_ list: [EventCount]) -> [String: Int] {
        Dictionary(uniqueKeysWithValues: list.map { ("\($0.kind.rawValue)/\($0.decision?.rawValue ?? "-")", $0.count) })
    }

    @Test func eventsOfTheQuarterByKindAndDecision() async throws {
        try await stored { hub in
            let all = try await hub.eventCounts(from: Self.q4.start, to: Self.q4.end, computers: nil)
            #expect(counts(all) == ["guard-start/-": 2, "attach/allow": 3, "attach/block": 1, "detach/-": 1, "link/block": 1])
            let two = try await hub.eventCounts(from: Self.q4.start, to: Self.q4.end, computers: ["PC-2"])
            #expect(counts(two) == ["guard-start/-": 1, "attach/allow": 1, "link/block": 1])
        }
    }

    @Test func deviceUsesPerComputerMostUsedFirst() async throws {
        try await stored { hub in
            let uses = try await hub.deviceUses(from: Self.q4.start, to: Self.q4.end, decision: .allow, computers: nil)
            #expect(uses.map { "\($0.computer ?? "")/\($0.serial ?? "")/\($0.count)" } == ["PC-1/S1/2", "PC-2/S1/1"])
            #expect(uses.first?.first == At.time("2026-10-02T01:00:00Z"))
            #expect(uses.first?.last == At.time("2026-11-01T00:00:00Z"))
            #expect(uses.first?.mediumNumber == "M1")
            let refused = try await hub.deviceUses(from: Self.q4.start, to: Self.q4.end, decision: .block, computers: ["PC-2"])
            #expect(refused.isEmpty)
        }
    }

    @Test func guardEventsComePageByPageOldestFirst() async throws {
        try await stored { hub in
            var seen: [String] = []
            var position: HubDatabase.EventPosition?
            var pages = 0
            repeat {
                let (events, last) = try await hub.guardEvents(from: Self.q4.start, to: Self.q4.end, kinds: [.guardStart, .link],
                                                               computers: nil, after: position, limit: 1)
                seen += events.map { "\($0.computer ?? "")/\($0.kind.rawValue)/\($0.at)" }
                position = last
                pages += 1
            } while position != nil && pages < 10
            #expect(seen == ["PC-1/guard-start/2026-10-01T00:00:00Z", "PC-2/guard-start/2026-10-05T00:00:00Z",
                             "PC-2/link/2026-12-31T23:59:59Z"])
        }
    }

    @Test func theNewestEventsOfTheUnit() async throws {
        try await stored { hub in
            let newest = try await hub.latestEvents(since: nil, limit: 2)
            #expect(newest.map { "\($0.computer ?? "")/\($0.kind.rawValue)/\($0.serial ?? "")" } == ["PC-1/attach/S9", "PC-2/link/"])
            let event = try #require(newest.first)
            #expect(event.decision == .block && event.vendorID == "0781" && event.stores && !event.audited)
        }
    }

    @Test func aComputerIsSilentOnlyWhenEnrolledAndQuietLongerThanThePeriod() {
        let now = At.time("2026-11-30T12:00:00Z")
        func state(enrolled: String?, heard: String?, standalone: Bool = false) -> Bool {
            var sync = ComputerSyncState(computer: "PC", enrolledAt: enrolled.map(At.time), lastHeard: heard.map(At.time),
                                         ledgerVersion: 1, head: 0, stored: 0)
            sync.standalone = standalone
            return UnitView.state(sync, name: nil, department: nil, now: now, periods: UnitView.Periods(silent: 7, standalone: 30)).silent
        }
        #expect(state(enrolled: "2026-11-01T00:00:00Z", heard: nil))                          // never heard, enrolled 29 days ago
        #expect(!state(enrolled: "2026-11-28T00:00:00Z", heard: nil))                         // enrolled two days ago
        #expect(state(enrolled: "2026-01-01T00:00:00Z", heard: "2026-11-23T11:59:59Z"))       // 7 days and a second
        #expect(!state(enrolled: "2026-01-01T00:00:00Z", heard: "2026-11-23T12:00:00Z"))      // exactly 7 days
        #expect(!state(enrolled: nil, heard: nil))                                            // registered, not enrolled
        // A standalone computer is heard from when its records bundle is imported: 30 days.
        #expect(!state(enrolled: "2026-01-01T00:00:00Z", heard: "2026-11-01T12:00:00Z", standalone: true))   // 29 days
        #expect(state(enrolled: "2026-01-01T00:00:00Z", heard: "2026-10-31T11:59:59Z", standalone: true))    // 30 days and a second
        #expect(state(enrolled: "2026-10-01T00:00:00Z", heard: nil, standalone: true))                       // none since enrolling, 60 days
    }

    /// A unit database of the release before (migrations v1–v4) with records in it: v5 gives every
    /// stored event its kind and verdict, and the reports count them.
    @Test func recordsStoredBeforeTheReportColumnsAreCounted() async throws {
        let settings = try await PostgresCluster.shared.freshDatabase()
        var script = ["CREATE TABLE hub_migration (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"]
        for migration in HubMigrations.all.prefix(4) {
            script += migration.statements + ["INSERT INTO hub_migration (name) VALUES ('\(migration.name)')"]
        }
        for (month, next) in [("10", "11"), ("12", "2027-01")] {
            let end = next.count == 2 ? "2026-\(next)" : next
            script.append("CREATE TABLE unit_event_2026_\(month) PARTITION OF unit_event FOR VALUES FROM ('2026-\(month)-01 00:00:00+00') TO ('\(end)-01 00:00:00+00')")
        }
        for record in Self.pc2 {
            let content = record.content.replacingOccurrences(of: "'", with: "''")
            script.append("""
                INSERT INTO unit_event (computer, seq, tbl, local_id, at, content, content_bytes, previous, hash, received_at)
                VALUES ('PC-2', \(record.seq), 'device_event', \(record.localID), '\(record.at)', '\(content)'::jsonb,
                        convert_to('\(content)', 'UTF8'), '\(record.previous)', '\(record.hash)', now())
                """)
        }
        for statement in script {
            do { _ = try await PostgresCluster.query(statement, in: settings) } catch {
                Issue.record("\(statement): \(String(reflecting: error))")
                return
            }
        }
        var logger = Logger(label: "hubstore.tests")
        logger.logLevel = .warning
        let hub = HubDatabase(settings: settings, logger: logger)
        let running = Task { await hub.run() }
        defer { running.cancel() }
        try await hub.migrate()
        #expect(try await PostgresCluster.query("SELECT seq::text, kind, decision FROM unit_event ORDER BY seq", in: settings)
            == [["1", "attach", "allow"], ["2", "guard-start", nil], ["3", "link", "block"]])
        let counts = try await hub.eventCounts(from: Self.q4.start, to: Self.q4.end, computers: nil)
        #expect(self.counts(counts) == ["attach/allow": 1, "guard-start/-": 1, "link/block": 1])
    }
}
