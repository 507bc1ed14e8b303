import AssetCore
import Foundation
@testable import HubCore
import HubStore
import Logging
import Testing

/// Computers' batches through the hub's desk (`HubDesk.deliver`) into a real working copy and a
/// real PostgreSQL: receipts, rows in `unit_event`, the unit's violation list, what guards learnt.
@Suite(.serialized) struct HubIngestTests {
    static let admin = Caller(actor: Actor(uid: 0, name: "root"), roles: Set(Role.allCases))

    /// One simulated computer: its key, its courier token and the end of its chain.
    struct Member {
        let computer: String
        let key: SigningKey
        let token: String
        var seq: Int64 = 0
        var hash = RecordChain.genesis
    }

    struct Unit {
        let ledger: HubLedger
        let desk: HubDesk
        let settings: HubDatabaseSettings

        func sql(_ query: String) async throws -> [[String?]] { try await PostgresCluster.query(query, in: settings) }

        func run(_ request: Request) async throws -> Response {
            try await onOwnThread { [ledger] in try ledger.service.handle(request, caller: HubIngestTests.admin) }
        }

        /// Signs `records` as `member`'s batch, delivers it, and returns the receipt opened under the unit key.
        func deliver(_ records: [ChainedRecord], from member: Member) async throws -> Receipt {
            let batch = EventBatch(unit: ledger.unit, computer: member.computer, sentAt: At.march, head: records.map(\.seq).max() ?? 0,
                                   ledgerVersion: 0, records: records)
            let payload = try SignedPayload.sign(batch, kind: .eventBatch, with: member.key)
            let receipt = try await desk.deliver(token: member.token, batch: payload)
            return try receipt.open(Receipt.self, as: .receipt, trusting: ledger.key.publicText)
        }
    }

    /// A unit of `computers` registered and enrolled computers (PC-01, PC-02, …) at a fresh hub.
    func withUnit(computers: Int, _ body: (Unit, [Member]) async throws -> Void) async throws {
        try await withHub { database, settings in
            var logger = Logger(label: "hub.ingest.tests")
            logger.logLevel = .warning
            let folder = try makeTemporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let ledger = try await HubLedger.open(database: database, directory: folder.path, unit: "测试单位", key: SigningKey(),
                                                  logger: logger, onVersion: { _ in })
            let unit = Unit(ledger: ledger, desk: HubDesk(ledger: ledger, hubName: nil), settings: settings)
            _ = try await unit.run(.personAdd(Person(id: "P001", name: "张三", clearance: .core)))
            var members: [Member] = []
            for n in 1...computers {
                let name = "PC-\(n < 10 ? "0" : "")\(n)"
                _ = try await unit.run(.computerAdd(Computer(assetNumber: name, level: .secret, network: .standalone)))
                let code = try await unit.desk.issueCode(computer: name, hours: 1, by: "root")
                let key = SigningKey()
                let answer = try await unit.desk.enrol(EnrolmentRequest(computer: name, code: code.code, publicKey: key.publicText))
                members.append(Member(computer: name, key: key, token: answer.courierToken))
            }
            try await body(unit, members)
        }
    }

    /// `count` device events of `member`'s guard, chained as mediad chains them; the chain moves on.
    func events(_ count: Int, of member: inout Member, kind: String = "attach", medium: String? = nil,
                note: String? = nil) -> [ChainedRecord] {
        (0..<count).map { _ in
            let seq = member.seq + 1
            let content = #"{"id":\#(seq),"at":"2026-03-15T10:00:00Z","kind":"\#(kind)","computer":"\#(member.computer)","#
                + #""medium_number":\#(medium.map { "\"\($0)\"" } ?? "null"),"decision":"allow","note":\#(note.map { "\"\($0)\"" } ?? "null")}"#
            return chained(seq: seq, table: "device_event", content: content, of: &member)
        }
    }

    func chained(seq: Int64, table: String, content: String, of member: inout Member) -> ChainedRecord {
        let hash = RecordChain.hash(previous: member.hash, table: table, content: content)
        defer { member.seq = seq; member.hash = hash }
        return ChainedRecord(seq: seq, table: table, localID: seq, at: At.march, content: content, previous: member.hash, hash: hash)
    }

    @Test(.timeLimit(.minutes(1))) func sixtyFourComputersDeliveringAtOnceAreAllStoredAndReceipted() async throws {
        try await withUnit(computers: 64) { unit, members in
            // Each computer sends three batches, one after the other; all 64 at once.
            let ends = try await withThrowingTaskGroup(of: (String, [Receipt], Member).self) { group in
                for member in members {
                    group.addTask {
                        var member = member
                        var receipts: [Receipt] = []
                        for _ in 0..<3 { receipts.append(try await unit.deliver(events(20, of: &member), from: member)) }
                        return (member.computer, receipts, member)
                    }
                }
                var all: [(String, [Receipt], Member)] = []
                for try await end in group { all.append(end) }
                return all
            }
            for (computer, receipts, member) in ends {
                #expect(receipts.map(\.seq) == [20, 40, 60], "\(computer)")
                #expect(receipts.last?.hash == member.hash)
                #expect(receipts.allSatisfy { $0.computer == computer })
            }
            #expect(try await unit.sql("SELECT count(*)::text, count(DISTINCT computer)::text FROM unit_event") == [["3840", "64"]])
            #expect(try await unit.sql("SELECT DISTINCT chain_seq::text FROM unit_computer") == [["60"]])
            let stored = try await unit.sql("SELECT computer, chain_hash FROM unit_computer ORDER BY computer")
            #expect(stored == ends.sorted { $0.0 < $1.0 }.map { [$0.0, $0.2.hash] })
            #expect(try await unit.sql("SELECT count(*)::text FROM ledger_row WHERE tbl = 'violation'") == [["0"]])
        }
    }

    @Test func aDeletedAndAnEditedRecordAreEnteredInTheUnitsViolationList() async throws {
        try await withUnit(computers: 1) { unit, members in
            var member = members[0]
            var records = events(5, of: &member)
            records.remove(at: 2)   // record 3 deleted on the computer
            records[2].content = records[2].content.replacingOccurrences(of: "allow", with: "block")   // record 4 edited
            let violation = chained(seq: 6, table: "violation", content: #"""
                {"id":1,"event_id":null,"at":"2026-03-15T10:05:00Z","type":"unregistered-medium","severity":"high","computer":"PC-01","medium_number":null,"person":null,"serial":"ABC","device":"Stick","outcome":"blocked","reason_zh":"未登记","reason_en":"unregistered"}
                """#, of: &member)
            let receipt = try await unit.deliver(records + [violation], from: member)
            #expect(receipt.seq == 6 && receipt.hash == member.hash)
            #expect(try await unit.sql("SELECT seq::text, tbl FROM unit_event ORDER BY seq")
                == [["1", "device_event"], ["2", "device_event"], ["4", "device_event"], ["5", "device_event"], ["6", "violation"]])
            let listed = try await unit.sql("""
                SELECT body->>'type', body->>'computer', body->>'note' FROM ledger_row WHERE tbl = 'violation' ORDER BY (key::int)
                """)
            #expect(listed == [["unregistered-medium", "PC-01", "PC-01 #6"], ["records-missing", "PC-01", nil],
                               ["records-altered", "PC-01", nil]])
            let reasons = try await unit.sql("SELECT body->>'reason_en' FROM ledger_row WHERE tbl = 'violation' ORDER BY (key::int)")
            #expect(reasons.dropFirst().map { $0[0] } == [
                "records 3 of computer PC-01 never reached the hub: deleted on the computer",
                "record 4 of computer PC-01 no longer matches its hash chain: edited on the computer",
            ])
        }
    }

    @Test func aBatchDeliveredTwiceIsStoredOnceAndReceiptedAlike() async throws {
        try await withUnit(computers: 1) { unit, members in
            var member = members[0]
            let records = events(10, of: &member)
            let first = try await unit.deliver(records, from: member)
            let again = try await unit.deliver(records, from: member)
            #expect(first.seq == 10 && again.seq == 10 && again.hash == first.hash && first.hash == member.hash)
            #expect(try await unit.sql("SELECT count(*)::text FROM unit_event") == [["10"]])
            #expect(try await unit.sql("SELECT count(*)::text FROM ledger_row WHERE tbl = 'violation'") == [["0"]])
        }
    }

    @Test func whatAGuardLearntReachesTheUnitLedgerAndAnOpenCheck() async throws {
        try await withUnit(computers: 1) { unit, members in
            var member = members[0]
            var registration = MediumRegistration(kind: .usbStick, level: .secret, holder: "P001")
            registration.vendorID = "0781"
            registration.productID = "5567"
            registration.serial = "4C530001230101104353"
            guard case .medium(let registered) = try await unit.run(.mediaRegister(registration)) else {
                Issue.record("no medium registered")
                return
            }
            let number = registered.medium.number
            // Ordinary records around the two that teach; an attach while no check is open is no sighting.
            var records = events(3, of: &member, medium: number)
            records += events(1, of: &member, kind: "capacity-learnt", medium: number, note: "capacity-bytes=15376318464")
            records += events(3, of: &member, medium: number)
            records += events(1, of: &member, kind: "level-raised", medium: number, note: "level=top-secret")
            _ = try await unit.deliver(records, from: member)
            #expect(try await unit.sql("""
                SELECT body->>'capacity_bytes', body->>'level' FROM ledger_row WHERE tbl = 'medium' AND key = '\(number)'
                """) == [["15376318464", "top-secret"]])

            _ = try await unit.run(.checkStart(CheckOpening(scope: .all, checker: "张三")))
            _ = try await unit.deliver(events(1, of: &member, medium: number), from: member)
            guard case .check(let status) = try await unit.run(.checkStatus(id: nil)) else {
                Issue.record("no check status")
                return
            }
            #expect(status.seen.map(\.number) == [number])
            #expect(status.seen.first?.seenBy == "mediad@PC-01")
        }
    }

    @Test func aKindWrittenWithEscapesStillTeaches() async throws {
        try await withUnit(computers: 1) { unit, members in
            var member = members[0]
            var registration = MediumRegistration(kind: .usbStick, level: .secret, holder: "P001")
            registration.vendorID = "0781"
            registration.productID = "5567"
            registration.serial = "4C530001230101104354"
            guard case .medium(let registered) = try await unit.run(.mediaRegister(registration)) else {
                Issue.record("no medium registered")
                return
            }
            let number = registered.medium.number
            // "capacity-learnt" with its hyphen as \u002d: the same string once decoded.
            _ = try await unit.deliver(events(1, of: &member, kind: #"capacity\u002dlearnt"#, medium: number, note: "capacity-bytes=999"),
                                       from: member)
            #expect(try await unit.sql("SELECT body->>'capacity_bytes' FROM ledger_row WHERE tbl = 'medium' AND key = '\(number)'")
                == [["999"]])
        }
    }
}
