@testable import AssetCore
import Foundation
import GRDB
@testable import HubCore
import HubStore
import Logging
import Testing

/// Standalone computers through the hub's desk and a computer's own recorder: a real PostgreSQL and
/// working copy at the hub, a real SQLite ledger on the computer, and only bundle files between them.
@Suite(.serialized) struct HubBundleTests {
    static let admin = Caller(actor: Actor(uid: 0, name: "root"), roles: Set(Role.allCases))
    static let at = Timestamp(parsing: "2026-11-30T08:00:00Z")!

    struct Hub {
        let ledger: HubLedger
        let desk: HubDesk
        let settings: HubDatabaseSettings

        func sql(_ query: String) async throws -> [[String?]] { try await PostgresCluster.query(query, in: settings) }

        func run(_ request: Request) async throws -> Response {
            try await onOwnThread { [ledger] in try ledger.service.handle(request, caller: HubBundleTests.admin) }
        }

        var fingerprint: String { UnitKey.fingerprint(ledger.key.publicText) }

        func violations() async throws -> [ViolationRecord] {
            guard case .violations(let list) = try await run(.violationsList(ViolationFilter())) else { return [] }
            return list
        }

        func state(_ computer: String) async throws -> ComputerSyncState? {
            try await ledger.database.computerStates().first { $0.computer == computer }
        }
    }

    /// A standalone computer: its own ledger file and key, no courier.
    struct Standalone {
        let asset: String
        let store: LedgerStore
        let recorder: GuardRecorder
        let key = SigningKey()

        /// `mediactl bundle request`, as mediad answers it.
        func request(code: String) throws -> Data {
            let request = EnrolmentRequestBundle(computer: asset, publicKey: key.publicText, code: code, createdAt: HubBundleTests.at)
            return try BundleFile.bytes(try SignedPayload.sign(request, kind: .enrolmentRequest, with: key))
        }

        /// `mediactl bundle import`: the ledger bundle in, the records bundle out.
        func take(_ bundle: SignedPayload, confirm: String? = nil) throws -> (BundleApplyResult, Data) {
            let result = try recorder.unitImport(try BundleFile.bytes(bundle), confirmedUnitKey: confirm, computerKey: key.publicText,
                                                 at: HubBundleTests.at)
            return (result, try BundleFile.bytes(try recorder.unitRecordBundle(key: key, at: HubBundleTests.at).0))
        }

        func write(_ kinds: [GuardEventKind]) throws {
            _ = try store.writeRaw { db in for kind in kinds { _ = try GuardRows.insert(db, event: GuardEvent(at: HubBundleTests.at, kind: kind)) } }
        }

        func violation() throws {
            var record = ViolationRecord(at: HubBundleTests.at, type: .unregisteredMedium, severity: .high, outcome: .blocked,
                                         reason: Bilingual(zh: "未登记的介质", en: "unregistered medium"))
            record.serial = "STANDALONE-0001"
            _ = try store.writeRaw { db in try GuardRows.insert(db, violation: record) }
        }
    }

    /// A hub of the unit 某单位 with P001, PC-01 and PC-02 registered and a stick bound to PC-01.
    func withUnitHub(_ body: (Hub, URL) async throws -> Void) async throws {
        try await withHub { database, settings in
            var logger = Logger(label: "hub.bundle.tests")
            logger.logLevel = .critical
            let folder = try makeTemporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let ledger = try await HubLedger.open(database: database, directory: folder.path, unit: "某单位", key: SigningKey(),
                                                  logger: logger, onVersion: { _ in })
            let hub = Hub(ledger: ledger, desk: HubDesk(ledger: ledger, hubName: "hub.test"), settings: settings)
            _ = try await hub.run(.personAdd(Person(id: "P001", name: "张三", clearance: .core)))
            for asset in ["PC-01", "PC-02"] {
                _ = try await hub.run(.computerAdd(Computer(assetNumber: asset, level: .secret, network: .standalone)))
            }
            var stick = MediumRegistration(kind: .usbStick, level: .secret, holder: "P001")
            stick.vendorID = "0781"
            stick.productID = "5567"
            stick.serial = "4C530001230101104353"
            stick.boundComputers = ["PC-01"]
            _ = try await hub.run(.mediaRegister(stick))
            try await body(hub, folder)
        }
    }

    func standalone(_ asset: String, in folder: URL) throws -> Standalone {
        let store = try LedgerStore(path: folder.appendingPathComponent("\(asset).db").path)
        return Standalone(asset: asset, store: store, recorder: GuardRecorder(store: store))
    }

    func enrol(_ computer: Standalone, at hub: Hub) async throws {
        let code = try await hub.desk.issueCode(computer: computer.asset, hours: 1, by: "root")
        let outcome = try await hub.desk.importBundle(try computer.request(code: code.code))
        #expect(outcome.kind == .enrolment && outcome.computer == computer.asset)
        #expect(outcome.keyFingerprint == UnitKey.fingerprint(computer.key.publicText))
    }

    @Test func theRoundTripCarriesTheLedgerInAndTheRecordsOutOnce() async throws {
        try await withUnitHub { hub, folder in
            let pc = try standalone("PC-01", in: folder)
            try await enrol(pc, at: hub)
            #expect(try await hub.state("PC-01")?.standalone == true)

            // The first bundle: a snapshot, the enrolment answer; joined with the confirmed key.
            let first = try await hub.desk.exportBundle(computer: "PC-01")
            let (joined, records) = try pc.take(first, confirm: hub.fingerprint)
            #expect(joined.refused == nil && joined.joined)
            let version = hub.ledger.ledgerVersion
            #expect(try pc.recorder.unitMembership()?.ledgerVersion == version)
            let bound = try pc.store.readRaw { db in try String.fetchOne(db, sql: "SELECT bound_computers FROM medium") }
            #expect(bound == #"["PC-01"]"#)
            #expect(try await hub.state("PC-01")?.exportedVersion == version)

            // Records 1 and 2 (joined, snapshot applied) and a violation on the computer (3) reach the
            // hub; the violation is in the unit's violations; imported twice, stored once.
            try pc.violation()
            let (_, withViolation) = try pc.take(try await hub.desk.exportBundle(computer: "PC-01"))
            let stored = try await hub.desk.importBundle(withViolation)
            #expect(stored.kind == .records && stored.stored == 3 && stored.duplicates == 0 && stored.missing.isEmpty)
            #expect(stored.ledgerVersion == version)
            _ = records
            let again = try await hub.desk.importBundle(withViolation)
            #expect(again.stored == 0 && again.duplicates == 3)
            #expect(try await hub.sql("SELECT count(*)::text FROM unit_event WHERE computer = 'PC-01'") == [["3"]])
            #expect(try await hub.violations().contains { $0.type == .unregisteredMedium && $0.computer == "PC-01" && $0.serial == "STANDALONE-0001" })
            let state = try #require(try await hub.state("PC-01"))
            #expect(state.stored == 3 && state.head == 3 && state.lastHeard != nil && state.ledgerVersion == version)

            // The receipt comes back on the next bundle: nothing is owed, the records bundle is empty.
            let (acknowledged, empty) = try pc.take(try await hub.desk.exportBundle(computer: "PC-01"))
            #expect(acknowledged.acknowledged == 3)
            #expect(try pc.recorder.unitMembership()?.owed == 0)
            let nothing = try await hub.desk.importBundle(empty)
            #expect(nothing.records == 0 && nothing.stored == 0)

            // A change at the hub reaches the computer as a change set, not a snapshot.
            _ = try await hub.run(.personAdd(Person(id: "P002", name: "李四", clearance: .important)))
            let change = try await hub.desk.exportBundle(computer: "PC-01")
            let summary = try BundleSummary.of(change)
            #expect(summary.fromVersion == version && summary.toVersion == hub.ledger.ledgerVersion && summary.changeSets == 1)
            #expect(try pc.take(change).0.applied.map(\.to) == [hub.ledger.ledgerVersion])
        }
    }

    /// What the next export starts from: the version confirmed since the computer's (last) enrolment.
    @Test func theNextExportStartsFromWhatWasConfirmedSinceEnrolling() {
        func from(enrolled: String?, heard: String?) -> Int64 {
            HubDesk.confirmedVersion(ComputerSyncState(computer: "PC", enrolledAt: enrolled.map(At.time), lastHeard: heard.map(At.time),
                                                       ledgerVersion: 12, head: 30, stored: 30))
        }
        #expect(from(enrolled: "2026-11-01T00:00:00Z", heard: "2026-11-20T00:00:00Z") == 12)
        #expect(from(enrolled: "2026-11-01T00:00:00Z", heard: "2026-11-01T00:00:00Z") == 12)   // in the same second
        #expect(from(enrolled: "2026-11-01T00:00:00Z", heard: nil) == 0)                        // nothing back yet
        #expect(from(enrolled: "2026-11-25T00:00:00Z", heard: "2026-11-20T00:00:00Z") == 0)     // set up again since
        #expect(from(enrolled: nil, heard: nil) == 0)
    }

    @Test func aRecordRemovedOnTheComputerIsMissingAtTheHub() async throws {
        try await withUnitHub { hub, folder in
            let pc = try standalone("PC-02", in: folder)
            try await enrol(pc, at: hub)
            _ = try pc.take(try await hub.desk.exportBundle(computer: "PC-02"), confirm: hub.fingerprint)
            try pc.write([.guardStart, .attach, .detach])
            _ = try pc.store.writeRaw { db in try db.execute(sql: "DELETE FROM device_event WHERE kind = 'attach'") }
            let (_, records) = try pc.take(try await hub.desk.exportBundle(computer: "PC-02"))
            let outcome = try await hub.desk.importBundle(records)
            #expect(outcome.missing == [4...4])
            #expect(try await hub.violations().contains { $0.type == .recordsMissing && $0.computer == "PC-02" })
        }
    }

    @Test func badBundlesAtTheHubAreRefusedAndRecorded() async throws {
        try await withUnitHub { hub, folder in
            let pc = try standalone("PC-01", in: folder)
            // Not enrolled yet: nothing to export.
            await #expect { try await hub.desk.exportBundle(computer: "PC-01") } throws: { error in
                (error as? LedgerError)?.message.en.contains("has not enrolled") == true
            }
            // A request with a code never issued.
            await #expect(throws: LedgerError.self) { try await hub.desk.importBundle(try pc.request(code: "AAAA-BBBB-CCCC")) }
            try await enrol(pc, at: hub)
            let ledgerBundle = try await hub.desk.exportBundle(computer: "PC-01")
            let (_, records) = try pc.take(ledgerBundle, confirm: hub.fingerprint)
            // A ledger bundle brought to the hub; a records bundle cut short; one altered; one signed by another key.
            var damaged = records
            let text = String(decoding: records, as: UTF8.self)
            let body = try #require(text.range(of: "\"body\":\"")).upperBound.utf16Offset(in: text) + 60
            damaged[body] = damaged[body] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
            // Altered so that it still reads: one record's time moved by a second, the signature kept.
            var payload = try BundleFile.read(records)
            payload.body = Data(String(decoding: payload.body, as: UTF8.self).replacingOccurrences(of: "08:00:00", with: "08:00:01").utf8)
            let altered = try BundleFile.bytes(payload)
            let stranger = Standalone(asset: "PC-01", store: pc.store, recorder: pc.recorder)
            let forged = try BundleFile.bytes(try stranger.recorder.unitRecordBundle(key: stranger.key, at: Self.at).0)
            let cases: [(String, Data, String)] = [
                ("ledger bundle", try BundleFile.bytes(ledgerBundle), "import it on that computer"),
                ("truncated", records.prefix(records.count - 10), "not a whole bundle"),
                ("damaged", damaged, "not a whole bundle"),
                ("altered", altered, "not signed"),
                ("another key", forged, "not signed"),
            ]
            for (name, data, says) in cases {
                do {
                    _ = try await hub.desk.importBundle(data)
                    Issue.record("\(name): imported")
                } catch let error as LedgerError {
                    #expect(error.message.en.contains(says), "\(name): \(error.message.en)")
                }
            }
            #expect(try await hub.sql("SELECT count(*)::text FROM unit_event") == [["0"]])
            let refused = try await hub.violations().filter { $0.type == .unitPayloadRefused }
            #expect(refused.count == cases.count + 1)
            #expect(refused.allSatisfy { $0.reason.en.hasPrefix("bundle refused") })
        }
    }
}
