@testable import AssetCore
import GRDB
import Testing

@Suite struct TrailTests {
    /// A ledger with some history: person, two media, an update and a loan.
    static func ledgerWithHistory() throws -> Fixture {
        let f = try Fixture()
        try f.person("P001", "张三")
        try f.person("P002", "李四")
        let n = try f.stick()
        try f.stick(serial: "AA00BB11CC22")
        var change = MediumChanges()
        change.place = "密码柜3"
        try f.run(.mediaUpdate(number: n, changes: change))
        try f.move(.loan, n) { $0.person = "P002"; $0.approver = "王五"; $0.dueDate = Day(parsing: "2026-12-10") }
        return f
    }

    func verify(_ f: Fixture) throws -> TrailVerification {
        let v = try f.answer(.auditVerify, \.verification)
        return v
    }

    /// Tampering as an intruder would: a separate connection, behind the store's back.
    func tamper(_ f: Fixture, _ sql: String) throws {
        let queue = try DatabaseQueue(path: f.path)
        try queue.write { try $0.execute(sql: sql) }
    }

    @Test func everyChangeIsRecordedWithActorAndValues() throws {
        let f = try Self.ledgerWithHistory()
        let rows = try f.answer(.auditLog(entity: "medium", key: "U-2026-0001"), \.trail)
        let place = rows.first { $0.field == "place" }
        #expect(place?.oldValue == nil && place?.newValue == "密码柜3" && place?.actor.name == "root")
        #expect(rows.contains { $0.action == "loan" && $0.field == "state" && $0.oldValue == "in-service" && $0.newValue == "loaned" })
        #expect(try verify(f).intact)
    }

    @Test func anAlteredRowIsNamed() throws {
        let f = try Self.ledgerWithHistory()
        try tamper(f, "UPDATE trail SET new_value = '柜9' WHERE field = 'place'")
        let id = try DatabaseQueue(path: f.path).read { try Int64.fetchOne($0, sql: "SELECT id FROM trail WHERE field = 'place'")! }
        let v = try verify(f)
        #expect(!v.intact)
        #expect(v.problems.map(\.rowID) == [id])
        #expect(v.problems.first?.kind == .altered)
    }

    @Test func aDeletedRowIsNamed() throws {
        let f = try Self.ledgerWithHistory()
        try tamper(f, "DELETE FROM trail WHERE id = 3")
        let v = try verify(f)
        #expect(v.problems.map(\.rowID) == [3])
        #expect(v.problems.first?.kind == .missing)
        #expect(v.problems.first?.message.en.contains("row 3") == true)
    }

    @Test func deletedLastRowsAreNamed() throws {
        let f = try Self.ledgerWithHistory()
        let last = try DatabaseQueue(path: f.path).read { try Int64.fetchOne($0, sql: "SELECT MAX(id) FROM trail")! }
        try tamper(f, "DELETE FROM trail WHERE id = \(last)")
        let v = try verify(f)
        #expect(v.problems.map(\.rowID) == [last])
    }

    @Test func aRewrittenRowWithARecomputedHashBreaksTheNextLink() throws {
        let f = try Self.ledgerWithHistory()
        // The intruder also replaces row 2's hash; row 3's link to it no longer matches.
        try tamper(f, "UPDATE trail SET new_value = 'x', hash = '\(String(repeating: "a", count: 64))' WHERE id = 2")
        let v = try verify(f)
        #expect(Set(v.problems.map(\.rowID)) == [2, 3])
        #expect(v.problems.contains { $0.rowID == 3 && $0.kind == .relinked })
    }
}
