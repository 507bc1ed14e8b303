@testable import AssetCore
import Foundation
import Testing

extension Response {
    var checkStatus: CheckStatus? { if case .check(let value) = self { value } else { nil } }
    var checkList: [MediaCheck]? { if case .checks(let list) = self { list } else { nil } }
    var sightings: CheckSightings? { if case .checkSightings(let value) = self { value } else { nil } }
}

/// 清查核对 (001 §3.7, 002 §8.3, 004 §4.1): every medium in scope is seen — plugged in while the
/// check is open, or typed — and at the end each one not seen is a `missing-at-check` violation
/// (high), each lost or destroyed one seen a `forbidden-at-check` violation (critical).
@Suite struct CheckTests {
    let officer = Caller(actor: Actor(uid: 1001, name: "保密员甲"), roles: [.officer])
    let auditor = Caller(actor: Actor(uid: 1003, name: "审计员丙"), roles: [.auditor])

    /// PC-001 (secret). People: P001 张三 (技术部), P002 李四 (财务部). Media, by hand:
    ///   U-2026-0001 P001 技术部 secret      — will be plugged in (allowed)
    ///   U-2026-0002 P001 技术部 top-secret  — will be plugged in (blocked: above the computer)
    ///   U-2026-0003 P001 技术部 secret      — will be typed
    ///   U-2026-0004 P002 财务部 secret      — will be typed as from a scanner
    ///   U-2026-0005 P002 财务部 secret      — never seen
    func ledger() throws -> Fixture {
        let f = try Fixture()
        try f.run(.personAdd(Person(id: "P001", name: "张三", department: "技术部", clearance: .core)))
        try f.run(.personAdd(Person(id: "P002", name: "李四", department: "财务部", clearance: .important)))
        var host = HostSettings()
        host.assetNumber = "PC-001"
        host.level = .secret
        host.network = .standalone
        try f.run(.hostSet(host))
        for (serial, level, holder, department) in [("CHK0001", Level.secret, "P001", "技术部"), ("CHK0002", .topSecret, "P001", "技术部"),
                                                     ("CHK0003", .secret, "P001", "技术部"), ("CHK0004", .secret, "P002", "财务部"),
                                                     ("CHK0005", .secret, "P002", "财务部")] {
            var r = MediumRegistration(kind: .usbStick, level: level, holder: holder)
            r.vendorID = "0781"
            r.productID = "5567"
            r.serial = serial
            r.department = department
            try f.run(.mediaRegister(r))
        }
        return f
    }

    func plug(_ f: Fixture, _ serial: String) throws -> Judgement {
        let recorder = GuardRecorder(store: f.store)
        var device = PolicyTests.stick(serial: serial)
        device.port = "1-" + serial.suffix(1)
        return try #require(try recorder.judge([(device, .attach)], at: Fixture.now, config: GuardConfig()).first)
    }

    @Test func fiveMediaTwoPluggedTwoTypedOneMissing() throws {
        let f = try ledger()
        let opened = try f.answer(.checkStart(CheckOpening(scope: .all, checker: "张三")), \.checkStatus, as: officer)
        #expect(opened.check.id == 1)
        #expect(opened.check.expected == 5)
        #expect(opened.check.state == .open)
        #expect(try plug(f, "CHK0001").verdict.decision == .allow)
        #expect(try plug(f, "CHK0002").verdict.decision == .block)
        let typed = try f.answer(.checkSee(numbers: ["U-2026-0003"]), \.sightings, as: officer)
        #expect(typed.recorded == ["U-2026-0003"])
        let scanned = try f.answer(.checkSee(numbers: [" U-2026-0004\r", "U-2026-0003", "U-9999-0001"]), \.sightings, as: officer)
        #expect(scanned.recorded == ["U-2026-0004"])
        #expect(scanned.already == ["U-2026-0003"])
        #expect(scanned.unknown == ["U-9999-0001"])
        #expect(scanned.unknownError?.kind == .notFound)

        let status = try f.answer(.checkStatus(id: nil), \.checkStatus, as: auditor)
        #expect(status.seen.map(\.number) == ["U-2026-0001", "U-2026-0002", "U-2026-0003", "U-2026-0004"])
        #expect(status.seen.map(\.how) == [.plugged, .plugged, .typed, .typed])
        #expect(status.seen.map(\.decision) == [.allow, .block, nil, nil])
        #expect(status.seen.map(\.seenBy) == ["mediad", "mediad", "保密员甲", "保密员甲"])
        #expect(status.notSeen.map(\.number) == ["U-2026-0005"])
        #expect(status.outside.isEmpty)

        let finished = try f.answer(.checkFinish(note: "上半年清查"), \.checkStatus, as: officer)
        #expect(finished.check.state == .finished)
        #expect(finished.check.endedBy == "保密员甲")
        #expect(finished.violations.map(\.type) == [.missingAtCheck])
        let violations = try f.violations().filter { $0.type == .missingAtCheck || $0.type == .forbiddenAtCheck }
        #expect(violations.count == 1)
        #expect(violations.first?.mediumNumber == "U-2026-0005")
        #expect(violations.first?.severity == .high)
        #expect(violations.first?.status == .open)
        #expect(violations.first?.person == "P002")
        #expect(violations.first?.computer == "PC-001")
        let trail = try f.trail("check", "1").map(\.action)
        #expect(trail == ["check-start", "check-see", "check-see", "check-finish"])
        let checks = try f.answer(.checks, \.checkList)
        #expect(checks.map(\.state) == [.finished])
        #expect(checks.map(\.seen) == [4])
        #expect(checks.map(\.note) == ["上半年清查"])
    }

    @Test func aLostMediumPluggedInDuringACheckIsCritical() throws {
        let f = try ledger()
        try f.move(.lost, "U-2026-0005") { $0.person = "P002" }
        let opened = try f.answer(.checkStart(CheckOpening(scope: .all, checker: "张三")), \.checkStatus, as: officer)
        #expect(opened.check.expected == 4, "a lost medium is known to be missing: not expected")
        #expect(try plug(f, "CHK0005").verdict.decision == .block)
        _ = try f.answer(.checkSee(numbers: ["U-2026-0001", "U-2026-0002", "U-2026-0003", "U-2026-0004"]), \.sightings, as: officer)
        let status = try f.answer(.checkStatus(id: 1), \.checkStatus)
        #expect(status.outside.map(\.number) == ["U-2026-0005"])
        #expect(status.outside.map(\.state) == [.lost])
        #expect(status.outside.map(\.decision) == [.block])
        let finished = try f.answer(.checkFinish(note: nil), \.checkStatus, as: officer)
        #expect(finished.violations.map(\.type) == [.forbiddenAtCheck])
        #expect(finished.violations.map(\.severity) == [.critical])
        #expect(finished.violations.map(\.mediumNumber) == ["U-2026-0005"])
    }

    @Test func oneCheckAtATimeAndAnAbandonedOneIsCancelled() throws {
        let f = try ledger()
        _ = try f.answer(.checkStart(CheckOpening(scope: .department("技术部"), checker: "张三")), \.checkStatus, as: officer)
        #expect(ledgerError { try f.run(.checkStart(CheckOpening(scope: .all, checker: "李四")), as: officer) }?.kind == .conflict)
        #expect(ledgerError { try f.run(.checkCancel(reason: " "), as: officer) }?.kind == .usage)
        let cancelled = try f.answer(.checkCancel(reason: "停电，改日重做"), \.checkStatus, as: officer)
        #expect(cancelled.check.state == .cancelled)
        #expect(cancelled.check.note == "停电，改日重做")
        #expect(try f.violations().isEmpty, "a cancelled check raises nothing")
        #expect(ledgerError { try f.run(.checkSee(numbers: ["U-2026-0001"]), as: officer) }?.kind == .notFound)
        #expect(ledgerError { try f.run(.checkFinish(note: nil), as: officer) }?.kind == .notFound)
        let second = try f.answer(.checkStart(CheckOpening(scope: .department("技术部"), checker: "张三")), \.checkStatus, as: officer)
        #expect(second.check.id == 2)
        #expect(second.check.expected == 3)
        #expect(try f.trail("check", "1").map(\.action) == ["check-start", "check-cancel"])
    }

    @Test func aDepartmentCheckListsAnotherDepartmentsMediumAsOutside() throws {
        let f = try ledger()
        _ = try f.answer(.checkStart(CheckOpening(scope: .holder("P002"), checker: "李四")), \.checkStatus, as: officer)
        _ = try f.answer(.checkSee(numbers: ["U-2026-0004", "U-2026-0001"]), \.sightings, as: officer)
        let status = try f.answer(.checkStatus(id: nil), \.checkStatus)
        #expect(status.seen.map(\.number) == ["U-2026-0004"])
        #expect(status.notSeen.map(\.number) == ["U-2026-0005"])
        #expect(status.outside.map(\.number) == ["U-2026-0001"])
        #expect(ledgerError { try f.run(.checkStart(CheckOpening(scope: .department("无此部门"), checker: "x")), as: officer) }?.kind == .conflict)
    }

    @Test func scopesAndRolesAreChecked() throws {
        let f = try ledger()
        #expect(ledgerError { try f.run(.checkStart(CheckOpening(scope: .department("无此部门"), checker: "张三")), as: officer) }?.kind == .notFound)
        #expect(ledgerError { try f.run(.checkStart(CheckOpening(scope: .holder("P404"), checker: "张三")), as: officer) }?.kind == .notFound)
        #expect(ledgerError { try f.run(.checkStart(CheckOpening(scope: .all, checker: "  ")), as: officer) }?.kind == .usage)
        #expect(ledgerError { try f.run(.checkStart(CheckOpening(scope: .all, checker: "张三")), as: auditor) }?.kind == .permission)
        #expect(try CheckScope(parsing: ["department", "技术部"]) == .department("技术部"))
        #expect(try CheckScope(parsing: ["all"]) == .all)
        #expect(ledgerError { _ = try CheckScope(parsing: ["department"]) }?.kind == .usage)
        #expect(ledgerError { _ = try CheckScope(parsing: ["everything"]) }?.kind == .usage)
        #expect(try f.answer(.checks, \.checkList, as: auditor).isEmpty)
    }

    @Test func theCheckFormListsEveryMedium() throws {
        let f = try ledger()
        _ = try f.answer(.checkStart(CheckOpening(scope: .department("财务部"), checker: "李四")), \.checkStatus, as: officer)
        _ = try plug(f, "CHK0004")
        _ = try f.answer(.checkFinish(note: nil), \.checkStatus, as: officer)
        var bytes: [UInt8] = []
        var output = ReportOutput { block in bytes += block }
        try f.service.report(.officer(OfficerReportRequest(kind: .check, check: 1, zone: .fixed(seconds: 0))), format: .csv, language: .zh,
                             caller: auditor, to: &output)
        let csv = String(decoding: bytes, as: UTF8.self)
        // CSV for spreadsheets: a byte-order mark, CRLF line ends.
        #expect(csv == "\u{FEFF}统一编号,责任人,部门,台账状态,在清查范围内,结果,方式,见到时间,接入裁决,记录人\r\n"
            + "U-2026-0004,李四 (P002),财务部,在用,是,已见,接入,2026-11-22 10:00:00 +00:00,允许,mediad\r\n"
            + "U-2026-0005,李四 (P002),财务部,在用,是,未见,,,,\r\n")
        var html: [UInt8] = []
        var htmlOutput = ReportOutput { block in html += block }
        try f.service.report(.officer(OfficerReportRequest(kind: .check, check: 1, zone: .fixed(seconds: 0))), format: .html, language: .zh,
                             caller: auditor, to: &htmlOutput)
        let page = String(decoding: html, as: UTF8.self)
        #expect(page.contains("涉密载体清查核对表（第 1 次）"))
        #expect(page.contains("检查人"))
        #expect(ledgerError {
            var none = ReportOutput { _ in }
            try f.service.report(.officer(OfficerReportRequest(kind: .check, check: 9)), format: .json, language: .en,
                                 caller: auditor, to: &none)
        }?.kind == .notFound)
    }
}
