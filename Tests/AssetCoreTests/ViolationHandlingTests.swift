@testable import AssetCore
import Foundation
import GRDB
import Testing

/// 查处 to the end (004 §4.2): open → acknowledged → handled, or back with a reason; officers
/// handle, administrators and auditors do not; each step in the trail with who did it.
@Suite struct ViolationHandlingTests {
    let f: Fixture
    let officer = Caller(actor: Actor(uid: 1001, name: "保密员甲"), roles: [.officer])
    let administrator = Caller(actor: Actor(uid: 1002, name: "管理员乙"), roles: [.admin])
    let auditor = Caller(actor: Actor(uid: 1003, name: "审计员丙"), roles: [.auditor])

    init() throws {
        f = try Fixture()
        try f.person("P001", "张三")
        try f.person("P002", "李四")
        try f.store.write { db in
            for (time, type) in [("2026-11-01T02:00:00Z", ViolationType.unregisteredMedium), ("2026-11-02T02:00:00Z", .overdue)] {
                var v = ViolationRecord(at: Timestamp(parsing: time)!, type: type, severity: .high, outcome: .blocked,
                                        reason: Bilingual(zh: "原因", en: "reason"))
                v.computer = "PC-001"
                v.person = "P002"
                _ = try GuardRows.insert(db, violation: v)
            }
        }
    }

    func record(_ id: Int64) throws -> ViolationRecord {
        try f.store.read { db in try InventoryService.violation(db, id) }
    }

    func trail() throws -> [TrailEntry] {
        try f.answer(.auditLog(entity: nil, key: nil), \.trail).filter { $0.entity == "violation" }
    }

    @Test func anOfficerHandlesAViolationWithItsOutcomeAndTheResponsiblePerson() throws {
        try f.run(.violationHandle(ViolationHandling(id: 1, outcome: .criticism, responsible: "P002", note: "当面批评，收回U盘")),
                  as: officer)
        let v = try record(1)
        #expect(v.status == .handled)
        #expect(v.handling == .criticism)
        #expect(v.responsible == "P002")
        #expect(v.handledBy == "保密员甲")
        #expect(v.handledAt == Fixture.now)
        #expect(v.handlingNote == "当面批评，收回U盘")
        let rows = try trail()
        #expect(rows.map(\.action) == ["violation-handle", "violation-handle"])
        #expect(rows.map(\.actor.name) == ["保密员甲", "保密员甲"])
        #expect(rows.first?.oldValue == "open")
        #expect(rows.first?.newValue == "handled")
        #expect(rows.last?.newValue == "criticism; responsible: P002; 当面批评，收回U盘")
        // Handled is an end: handling again needs a reopening first.
        let again = ledgerError { try f.run(.violationHandle(ViolationHandling(id: 1, outcome: .notice, responsible: "P002", note: "x")),
                                            as: officer) }
        #expect(again?.kind == .conflict)
    }

    @Test func aHandlingFoundWrongIsReopenedWithItsReason() throws {
        try f.run(.violationAck(id: 2, note: "已知悉"), as: officer)
        try f.run(.violationHandle(ViolationHandling(id: 2, outcome: .rectify, responsible: "P002", note: "限期归还")), as: officer)
        try f.run(.violationReopen(id: 2, reason: "责任人认定有误"), as: officer)
        let v = try record(2)
        #expect(v.status == .open)
        #expect(v.handling == nil && v.responsible == nil && v.handledBy == nil && v.handlingNote == nil)
        let reopened = try #require(try trail().last)
        #expect(reopened.action == "violation-reopen")
        #expect(reopened.oldValue == "handled: rectify by 保密员甲")
        #expect(reopened.newValue == "open: 责任人认定有误")
        // An open violation has nothing to reopen.
        #expect(ledgerError { try f.run(.violationReopen(id: 2, reason: "x"), as: officer) }?.kind == .conflict)
        #expect(ledgerError { try f.run(.violationReopen(id: 1, reason: ""), as: officer) }?.kind == .usage)
    }

    @Test func aFalseAlarmNeedsItsReasonAndNoResponsiblePerson() throws {
        #expect(ledgerError { try f.run(.violationHandle(ViolationHandling(id: 1, outcome: .falseAlarm, responsible: nil, note: " ")),
                                        as: officer) }?.kind == .usage)
        try f.run(.violationHandle(ViolationHandling(id: 1, outcome: .falseAlarm, responsible: nil, note: "维修人员测试，经批准")),
                  as: officer)
        #expect(try record(1).handling == .falseAlarm)
        // Any other outcome names the person held responsible, who must be registered.
        #expect(ledgerError { try f.run(.violationHandle(ViolationHandling(id: 2, outcome: .admonish, responsible: nil, note: "谈话")),
                                        as: officer) }?.kind == .usage)
        #expect(ledgerError { try f.run(.violationHandle(ViolationHandling(id: 2, outcome: .admonish, responsible: "P404", note: "谈话")),
                                        as: officer) }?.kind == .notFound)
        #expect(ledgerError { try f.run(.violationHandle(ViolationHandling(id: 99, outcome: .refer, responsible: "P002", note: "x")),
                                        as: officer) }?.kind == .notFound)
    }

    @Test func officersHandleAdministratorsAndAuditorsDoNot() throws {
        for caller in [administrator, auditor] {
            let error = ledgerError { try f.run(.violationHandle(ViolationHandling(id: 1, outcome: .criticism, responsible: "P002",
                                                                                   note: "x")), as: caller) }
            #expect(error?.kind == .permission, "\(caller.actor.name)")
            #expect(ledgerError { try f.run(.violationReopen(id: 1, reason: "x"), as: caller) }?.kind == .permission)
        }
        #expect(try record(1).status == .open)
    }

    @Test func listingsShowTheStateAndTheReportsCountTheOutcomes() throws {
        try f.run(.violationHandle(ViolationHandling(id: 1, outcome: .notice, responsible: "P002", note: "通报")), as: officer)
        var bytes: [UInt8] = []
        var output = ReportOutput { block in bytes += block }
        try f.service.report(.violations(ViolationFilter(state: .handled)), format: .csv, language: .en, zone: .fixed(seconds: 0),
                             caller: officer, to: &output)
        let csv = String(decoding: bytes, as: UTF8.self)
        #expect(csv == "\u{FEFF}#,TIME,TYPE,SEVERITY,OUTCOME,COMPUTER,MEDIUM,PERSON,REASON,STATUS\r\n"
                + "1,2026-11-01 02:00:00 +00:00,unregistered storage medium,high,blocked,PC-001,,P002,reason,handled (notice)\r\n")
        bytes = []
        output = ReportOutput { block in bytes += block }
        let year = try ReportPeriod.year("2026")
        try f.service.report(.officer(OfficerReportRequest(kind: .violations, period: year, zone: .fixed(seconds: 0))), format: .json,
                             language: .zh, caller: officer, to: &output)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        let totals = try #require(report["totals"] as? [String: Int])
        #expect(totals["handled"] == 1)
        #expect(totals["open"] == 1)
        #expect(totals["notice"] == 1)
        #expect(totals["criticism"] == 0)
        let first = try #require((report["rows"] as? [[String: Any]])?.first)
        #expect(first["handling"] as? String == "通报批评")
        #expect(first["responsible"] as? String == "李四 (P002)")
        #expect(first["handled_by"] as? String == "保密员甲")
    }
}
