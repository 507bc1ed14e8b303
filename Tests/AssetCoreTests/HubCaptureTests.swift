@testable import AssetCore
import Foundation
import GRDB
import Testing

/// The hub's side in SQLite: every row a command changes is captured for PostgreSQL before the
/// commit (and a hook that fails undoes the command); what a computer's guard learnt is taken into
/// the unit ledger by the single computer's rules.
@Suite struct HubCaptureTests {
    /// A working copy like the hub's: captured, with a hook that keeps what it was handed.
    func hub(failing: Bool = false) throws -> (Fixture, Captured) {
        let directory = NSTemporaryDirectory() + "mediad-hub-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let store = try LedgerStore(path: directory + "/ledger.db", capture: true)
        let captured = Captured()
        store.setBeforeCommit { db in
            let rows = try LedgerCapture.drain(db)
            if failing && !rows.isEmpty { throw LedgerError(.unavailable, zh: "PostgreSQL 不可达", en: "PostgreSQL unreachable") }
            captured.add(rows)
        }
        return (try Fixture(directory: directory, store: store), captured)
    }

    final class Captured: @unchecked Sendable {
        private let lock = NSLock()
        private var commits: [[LedgerRowChange]] = []
        func add(_ rows: [LedgerRowChange]) { lock.withLock { if !rows.isEmpty { commits.append(rows) } } }
        var all: [[LedgerRowChange]] { lock.withLock { commits } }
    }

    @Test func aCommandsRowsAreCapturedOnceAsTheyAreAfter() throws {
        let (f, captured) = try hub()
        try f.person("P001", "张三", .core)
        let commit = try #require(captured.all.last)
        #expect(commit.map(\.table) == ["person", "trail"])
        let person = try #require(commit.first?.row)
        #expect(person["id"] == .text("P001"))
        #expect(person["name"] == .text("张三"))
        #expect(person["clearance"] == .text("core"))
        #expect(person["departed_on"] == .null)
        // A medium: its row, its first movement, its trail row; the medium once though written once.
        try f.stick()
        #expect(captured.all.last?.map(\.table) == ["medium", "movement", "trail"])
    }

    @Test func aHookThatFailsUndoesTheCommand() throws {
        let (f, _) = try hub(failing: true)
        let refused = try #require(ledgerError { try f.person("P001", "张三", .core) })
        #expect(refused.message.en == "PostgreSQL unreachable")
        #expect(try f.answer(.personList(PeopleFilter()), \.people).isEmpty)
    }

    @Test func aSnapshotAndARebuildGiveBackTheSameRows() throws {
        let (f, _) = try hub()
        try f.person("P001", "张三", .core)
        try f.stick()
        let rows = try f.store.readRaw { try LedgerCapture.rows($0, tables: ["person", "medium", "movement", "trail"]) }
        let fresh = try Fixture()
        try LedgerCapture.restore(fresh.store, rows: rows)
        let again = try fresh.store.readRaw { try LedgerCapture.rows($0, tables: ["person", "medium", "movement", "trail"]) }
        #expect(again == rows)
        #expect(try fresh.answer(.auditVerify, \.verification).intact)
    }

    /// A record as a computer PC-001 would send it: content as SQLite's json_object writes it.
    func record(_ kind: GuardEventKind, number: String, note: String? = nil, decision: String? = nil) -> ChainedRecord {
        var fields = [#""id":7"#, #""at":"2026-11-22T10:00:00Z""#, #""kind":"\#(kind.rawValue)""#, #""medium_number":"\#(number)""#]
        if let note { fields.append(#""note":"\#(note)""#) }
        if let decision { fields.append(#""decision":"\#(decision)""#) }
        let content = "{" + fields.joined(separator: ",") + "}"
        return ChainedRecord(seq: 7, table: "device_event", localID: 7, at: Fixture.now, content: content,
                             previous: RecordChain.genesis, hash: RecordChain.hash(previous: RecordChain.genesis, table: "device_event", content: content))
    }

    func unitWithAStick(capacity: UInt64?) throws -> (Fixture, String) {
        let f = try Fixture()
        try f.person("P001", "张三", .core)
        try f.run(.computerAdd(Computer(assetNumber: "PC-001", level: .topSecret, network: .standalone)))
        var r = MediumRegistration(kind: .usbStick, level: .secret, holder: "P001")
        r.vendorID = "0781"
        r.productID = "5567"
        r.serial = "4C530001230101104353"
        r.capacityBytes = capacity
        return (f, try f.answer(.mediaRegister(r), \.medium).medium.number)
    }

    @Test func aCapacityIsTakenOnlyWhereNoneIsRecorded() throws {
        let (f, number) = try unitWithAStick(capacity: nil)
        try f.store.writeThrough { db in try UnitLearning.take(db, record(.capacityLearnt, number: number, note: "capacity-bytes=15376318464"), computer: "PC-001") }
        #expect(try f.medium(number).identity?.capacityBytes == 15_376_318_464)
        // Learnt again elsewhere with another value: the first stays (trust on first use).
        try f.store.writeThrough { db in try UnitLearning.take(db, record(.capacityLearnt, number: number, note: "capacity-bytes=999"), computer: "PC-002") }
        #expect(try f.medium(number).identity?.capacityBytes == 15_376_318_464)
        let trail = try f.answer(.auditLog(entity: "medium", key: number), \.trail)
        #expect(trail.filter { $0.action == "learn-capacity" }.map(\.actor.name) == ["mediad@PC-001"])
    }

    @Test func aLevelIsOnlyEverRaised() throws {
        let (f, number) = try unitWithAStick(capacity: 1)
        try f.store.writeThrough { db in try UnitLearning.take(db, record(.levelRaised, number: number, note: "level=confidential"), computer: "PC-001") }
        #expect(try f.medium(number).level == .secret)
        try f.store.writeThrough { db in try UnitLearning.take(db, record(.levelRaised, number: number, note: "level=top-secret"), computer: "PC-001") }
        #expect(try f.medium(number).level == .topSecret)
        let history = try f.answer(.mediaHistory(number: number), \.movements)
        #expect(history.last?.kind == .reclassify && history.last?.toLevel == .topSecret && history.last?.actor.name == "mediad@PC-001")
        #expect(try f.answer(.auditVerify, \.verification).intact)
    }

    @Test func aMediumPluggedInAnywhereIsSeenByTheUnitsOpenCheck() throws {
        let (f, number) = try unitWithAStick(capacity: 1)
        let officer = Caller(actor: Actor(uid: 1000, name: "bob"), roles: [.officer])
        _ = try f.answer(.checkStart(CheckOpening(scope: .all, checker: "张三")), \.checkStatus, as: officer)
        try f.store.writeThrough { db in try UnitLearning.take(db, record(.attach, number: number, decision: "allow"), computer: "PC-001") }
        let status = try f.answer(.checkStatus(id: nil), \.checkStatus)
        #expect(status.seen.map(\.number) == [number])
        #expect(status.seen.first?.seenBy == "mediad@PC-001")
    }
}
