@testable import AssetCore
import Testing

@Suite struct RegistrationTests {
    @Test func registersWithGeneratedNumbersPerKindAndYear() throws {
        let f = try Fixture()
        try f.person("P001", "张三")
        #expect(try f.stick(serial: "AA00BB11CC22") == "U-2026-0001")
        #expect(try f.stick(serial: "AA00BB11CC23") == "U-2026-0002")
        var disk = MediumRegistration(kind: .optical, level: .confidential, holder: "P001")
        disk.notes = "会议材料"
        let d = try f.answer(.mediaRegister(disk), \.medium)
        #expect(d.medium.number == "GP-2026-0001")
        #expect(d.medium.identity == nil)
    }

    @Test func refusesDuplicateIdentityNamingTheMedium() throws {
        let f = try Fixture()
        try f.person("P001", "张三")
        let first = try f.stick()
        let error = ledgerError { try f.stick() }
        #expect(error?.kind == .conflict)
        #expect(error?.text(.en).contains(first) == true)
    }

    @Test func refusesWeakSerialsUnlessExplained() throws {
        let f = try Fixture()
        try f.person("P001", "张三")
        #expect(ledgerError { try f.stick(serial: "0123456789ABCDEF") }?.kind == .validation)
        #expect(ledgerError { try f.stick(serial: "") }?.kind == .validation)
        var r = MediumRegistration(kind: .usbStick, level: .secret, holder: "P001")
        r.vendorID = "0781"; r.productID = "5567"; r.serial = "000000000001"; r.allowWeakSerial = true
        #expect(ledgerError { try f.run(.mediaRegister(r)) }?.kind == .usage, "a weak serial needs a note")
        r.notes = "厂家出厂序列号相同，已贴标签区分"
        #expect(ledgerError { try f.run(.mediaRegister(r)) } == nil)
    }

    @Test func usbMediaNeedTheirIdentity() throws {
        let f = try Fixture()
        try f.person("P001", "张三")
        let r = MediumRegistration(kind: .usbStick, level: .secret, holder: "P001")
        #expect(ledgerError { try f.run(.mediaRegister(r)) }?.kind == .usage)
    }

    @Test func holderMustExistBeActiveAndCleared() throws {
        let f = try Fixture()
        #expect(ledgerError { try f.stick(holder: "P404") }?.kind == .notFound)
        try f.person("P001", "张三", .general)
        let error = ledgerError { try f.stick(level: .secret) }
        #expect(error?.kind == .validation)
        #expect(error?.text(.zh).contains("一般") == true)
        try f.run(.personDepart(Departure(id: "P001", day: Day(parsing: "2026-11-01")!)))
        #expect(ledgerError { try f.stick(level: .confidential) }?.kind == .validation)
    }

    @Test func departureWithMediaStillHeldIsRefusedOrRecordedPending() throws {
        let f = try Fixture()
        try f.person("P001", "张三")
        let number = try f.stick()
        let day = try #require(Day(parsing: "2026-12-01"))
        let refused = try #require(ledgerError { try f.run(.personDepart(Departure(id: "P001", day: day))) })
        #expect(refused.kind == .validation)
        #expect(refused.text(.en).contains(number))
        let pending = Departure(id: "P001", day: day, declassificationEnds: Day(parsing: "2027-12-01"),
                                pendingHandback: true, note: "出差在外，返回后清退")
        let response = try f.run(.personDepart(pending))
        let held = try answer(response, \.departed).stillHeld
        #expect(held.map(\.number) == [number])
        #expect(ledgerError { try f.run(.personDepart(Departure(id: "P001", day: Day(parsing: "2026-12-02")!))) }?.kind == .validation)
    }
}

@Suite struct DowngradeTests {
    @Test func updateNeverLowersALevel() throws {
        let f = try Fixture()
        try f.person("P001", "张三", .core)
        let number = try f.stick(level: .secret)
        var lower = MediumChanges()
        lower.level = .confidential
        let error = ledgerError { try f.run(.mediaUpdate(number: number, changes: lower)) }
        #expect(error?.kind == .validation)
        #expect(error?.text(.en).contains("reclassify") == true)
        #expect(try f.medium(number).level == .secret)
    }

    @Test func updateMayRaiseAndRecordsIt() throws {
        let f = try Fixture()
        try f.person("P001", "张三", .core)
        let number = try f.stick(level: .secret)
        var raise = MediumChanges()
        raise.level = .topSecret
        try f.run(.mediaUpdate(number: number, changes: raise))
        #expect(try f.medium(number).level == .topSecret)
        let list = try f.answer(.mediaHistory(number: number), \.movements)
        #expect(list.last?.kind == .reclassify && list.last?.fromLevel == .secret && list.last?.toLevel == .topSecret)
    }

    @Test func reclassifyLowersWithApproverAndReason() throws {
        let f = try Fixture()
        try f.person("P001", "张三")
        let number = try f.stick(level: .secret)
        #expect(ledgerError { try f.run(.mediaReclassify(Reclassification(number: number, level: .confidential, approver: "", reason: "到期"))) }?.kind == .usage)
        #expect(ledgerError { try f.run(.mediaReclassify(Reclassification(number: number, level: .confidential, approver: "李四", reason: " "))) }?.kind == .usage)
        try f.run(.mediaReclassify(Reclassification(number: number, level: .confidential, approver: "李四", reason: "定密期限届满")))
        #expect(try f.medium(number).level == .confidential)
        let list = try f.answer(.mediaHistory(number: number), \.movements)
        #expect(list.last?.approver == "李四" && list.last?.reason == "定密期限届满")
    }
}

@Suite struct LifecycleServiceTests {
    @Test func aMediumsWholeLife() throws {
        let f = try Fixture()
        try f.person("P001", "张三")
        try f.person("P002", "李四")
        let n = try f.stick()
        try f.move(.loan, n) { $0.person = "P002"; $0.approver = "王五"; $0.dueDate = Day(parsing: "2026-12-10") }
        #expect(try f.medium(n).state == .loaned)
        #expect(try f.medium(n).borrower == "P002")
        try f.move(.giveBack, n)
        #expect(try f.medium(n).borrower == nil)
        try f.move(.repair, n) { $0.approver = "王五"; $0.repairUnit = "指定维修单位" }
        try f.move(.giveBack, n)
        try f.move(.retire, n) { $0.approver = "王五" }
        try f.move(.destroy, n) { $0.approver = "王五"; $0.method = "shred"; $0.witness = "赵六" }
        #expect(try f.medium(n).state == .destroyed)
        #expect(ledgerError { try f.move(.found, n) }?.kind == .validation)
        var change = MediumChanges()
        change.place = "柜1"
        #expect(ledgerError { try f.run(.mediaUpdate(number: n, changes: change)) }?.kind == .validation)
        let list = try f.answer(.mediaHistory(number: n), \.movements)
        #expect(list.map(\.kind) == [.register, .loan, .giveBack, .repair, .giveBack, .retire, .destroy])
        #expect(list.last?.witness == "赵六" && list.last?.method == "shred")
    }

    @Test func borrowersMustBeClearedForTheLevel() throws {
        let f = try Fixture()
        try f.person("P001", "张三")
        try f.person("P002", "李四", .general)
        let n = try f.stick(level: .secret)
        let error = ledgerError { try f.move(.loan, n) { $0.person = "P002"; $0.approver = "王五"; $0.dueDate = Day(parsing: "2026-12-10") } }
        #expect(error?.kind == .validation)
        #expect(try f.medium(n).state == .inService)
    }

    @Test func unknownNumbersAreNotFound() throws {
        let f = try Fixture()
        #expect(ledgerError { try f.move(.giveBack, "U-9999-0001") }?.kind == .notFound)
        #expect(ledgerError { try f.run(.mediaShow(number: "nope")) }?.kind == .notFound)
    }
}

@Suite struct RoleTests {
    static func caller(_ roles: Set<Role>) -> Caller { Caller(actor: Actor(uid: 1234, name: "alice"), roles: roles) }

    @Test func rolesFollowGroups() {
        #expect(Caller.roles(uid: 0, groupNames: []) == Set(Role.allCases))
        #expect(Caller.roles(uid: 1000, groupNames: ["users", "mediad-officer"]) == [.officer])
        #expect(Caller.roles(uid: 1000, groupNames: ["wheel", "sudo"]).isEmpty)
    }

    @Test func eachRoleDoesItsJobAndNothingMore() throws {
        let f = try Fixture()
        try f.person("P001", "张三")
        let n = try f.stick()
        let register = Request.personAdd(Person(id: "P009", name: "x", clearance: .none))
        for roles: Set<Role> in [[.officer], [.auditor], []] {
            let error = ledgerError { try f.run(register, as: Self.caller(roles)) }
            #expect(error?.kind == .permission)
            #expect(error?.text(.en).contains("mediad-admin") == true)
        }
        #expect(ledgerError { try f.run(.mediaShow(number: n), as: Self.caller([.auditor])) } == nil)
        #expect(ledgerError { try f.run(.auditVerify, as: Self.caller([.officer])) } == nil)
        #expect(ledgerError { try f.run(.mediaList(MediaFilter()), as: Self.caller([])) }?.kind == .permission)
        #expect(ledgerError { try f.run(register, as: Self.caller([.admin])) } == nil)
    }
}
