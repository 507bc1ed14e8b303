@testable import AssetCore
import Testing

extension Fixture {
    func violations() throws -> [ViolationRecord] {
        try answer(.violationsList(ViolationFilter()), \.violations)
    }

    func people(declassifying: Bool = false) throws -> [Person] {
        try answer(.personList(PeopleFilter(declassifying: declassifying)), \.people)
    }

    func history(_ number: String) throws -> [Movement] {
        try answer(.mediaHistory(number: number), \.movements)
    }

    func trail(_ entity: String? = nil, _ key: String? = nil) throws -> [TrailEntry] {
        try answer(.auditLog(entity: entity, key: key), \.trail)
    }

    func depart(_ id: String, _ day: String, until ends: String? = nil, pending: Bool = false, note: String? = nil) throws -> [Medium] {
        let departure = Departure(id: id, day: Day(parsing: day)!, declassificationEnds: ends.flatMap { Day(parsing: $0) },
                                  pendingHandback: pending, note: note)
        return try answer(.personDepart(departure), \.departed).stillHeld
    }

    func loan(_ number: String, to person: String) throws {
        try move(.loan, number) { $0.person = person; $0.approver = "王五"; $0.dueDate = Day(parsing: "2026-12-10") }
    }
}

/// 清退 (000 §5.2.2): a person leaves only after handing back every medium, or with each one still
/// out recorded as an open violation that closes when the medium is in.
@Suite struct DepartureTests {
    /// P001 张三 leaves; P002 李四 stays. Media, by hand:
    ///   U-2026-0001 held by P001, in service          → out (in-service, held)
    ///   U-2026-0002 held by P001, lent to P002        → out (loaned, held)
    ///   U-2026-0003 held by P002, lent to P001        → out (loaned, borrowed)
    ///   U-2026-0004 held by P001, under repair        → out (under-repair, held: it comes back to P001)
    ///   U-2026-0005 held by P001, retired             → in (pending destruction, with the unit)
    ///   U-2026-0006 held by P001, reported lost       → not out (the loss is its own record)
    ///   U-2026-0007 held by P002, in service          → not P001's
    static let outstanding = ["U-2026-0001": "in-service", "U-2026-0002": "loaned", "U-2026-0003": "loaned", "U-2026-0004": "under-repair"]

    func ledger() throws -> Fixture {
        let f = try Fixture()
        try f.person("P001", "张三")
        try f.person("P002", "李四")
        var host = HostSettings()
        host.assetNumber = "PC-001"
        host.level = .secret
        host.network = .standalone
        try f.run(.hostSet(host))
        try f.stick(serial: "AA00BB11CC01")
        try f.stick(serial: "AA00BB11CC02")
        try f.stick(serial: "AA00BB11CC03", holder: "P002")
        try f.stick(serial: "AA00BB11CC04")
        try f.stick(serial: "AA00BB11CC05")
        try f.stick(serial: "AA00BB11CC06")
        try f.stick(serial: "AA00BB11CC07", holder: "P002")
        try f.loan("U-2026-0002", to: "P002")
        try f.loan("U-2026-0003", to: "P001")
        try f.move(.repair, "U-2026-0004") { $0.approver = "王五"; $0.repairUnit = "指定维修单位" }
        try f.move(.retire, "U-2026-0005") { $0.approver = "王五" }
        try f.move(.lost, "U-2026-0006") { $0.person = "P001" }
        return f
    }

    @Test func departureIsRefusedListingEveryMediumStillOut() throws {
        let f = try ledger()
        let error = try #require(ledgerError { _ = try f.depart("P001", "2026-12-01") })
        #expect(error.kind == .validation)
        let en = error.text(.en), zh = error.text(.zh)
        for (number, state) in Self.outstanding {
            #expect(en.contains("\(number) (\(state)"), "\(number) listed with its state: \(en)")
            #expect(zh.contains(number))
        }
        for number in ["U-2026-0005", "U-2026-0006", "U-2026-0007"] {
            #expect(!en.contains(number), "\(number) is not out with P001")
        }
        #expect(en.contains("borrowed") && zh.contains("借用"), "a borrowed medium is named as borrowed")
        #expect(en.contains("hand-back") && en.contains("--pending-handback --note"), "says how to proceed: \(en)")
        #expect(zh.contains("清退") && zh.contains("--pending-handback"))
        #expect(try f.people().first { $0.id == "P001" }?.departedOn == nil, "nothing was recorded")
        #expect(try f.violations().isEmpty)
    }

    @Test func pendingHandbackNeedsANote() throws {
        let f = try ledger()
        let error = try #require(ledgerError { _ = try f.depart("P001", "2026-12-01", pending: true, note: " ") })
        #expect(error.kind == .usage)
        #expect(error.text(.en).contains("--note") && error.text(.zh).contains("--note"))
        #expect(try f.violations().isEmpty)
    }

    @Test func pendingHandbackOpensOneViolationPerMediumStillOut() throws {
        let f = try ledger()
        let held = try f.depart("P001", "2026-12-01", until: "2027-12-01", pending: true, note: "出差在外")
        #expect(Set(held.map(\.number)) == Set(Self.outstanding.keys))
        let open = try f.violations()
        #expect(open.count == Self.outstanding.count)
        #expect(Set(open.compactMap(\.mediumNumber)) == Set(Self.outstanding.keys))
        for v in open {
            #expect(v.type == .handbackOutstanding && v.severity == .high && v.outcome == .logged && v.status == .open)
            #expect(v.person == "P001" && v.computer == "PC-001" && v.at == Fixture.now)
            let number = try #require(v.mediumNumber)
            #expect(v.reason.en.contains("张三") && v.reason.en.contains(number) && v.reason.en.contains("2026-12-01"), "\(v.reason.en)")
            #expect(v.reason.zh.contains("张三") && v.reason.zh.contains(number) && v.reason.zh.contains("2026-12-01"), "\(v.reason.zh)")
            #expect(v.reason.zh.contains("出差在外"), "the note is kept with the violation")
        }
        let person = try #require(try f.people().first { $0.id == "P001" })
        #expect(person.departedOn == Day(parsing: "2026-12-01") && person.declassificationEnds == Day(parsing: "2027-12-01"))
        let trail = try f.trail()
        #expect(trail.contains { $0.action == "person-depart" && $0.entityKey == "P001" && $0.field == "departed_on" })
        #expect(trail.contains { $0.action == "person-depart" && $0.field == "pending_handback" && $0.newValue == "出差在外" })
        #expect(trail.filter { $0.action == "person-depart" && $0.entity == "violation" }.count == Self.outstanding.count)
    }

    @Test func withoutThisHostTheViolationNamesNoComputer() throws {
        let f = try Fixture()
        try f.person("P001", "张三")
        let number = try f.stick()
        _ = try f.depart("P001", "2026-12-01", pending: true, note: "x")
        let v = try #require(try f.violations().first)
        #expect(v.mediumNumber == number && v.computer == nil)
    }

    @Test func eachViolationClosesWhenItsMediumIsIn() throws {
        let f = try ledger()
        _ = try f.depart("P001", "2026-12-01", pending: true, note: "出差在外")
        func status(_ number: String) throws -> ViolationRecord {
            try #require(try f.violations().first { $0.mediumNumber == number })
        }
        // Handed back: closed, by the actor, now, saying why.
        try f.move(.handBack, "U-2026-0001")
        let handedBack = try status("U-2026-0001")
        #expect(handedBack.status == .acknowledged && handedBack.acknowledgedBy == "root" && handedBack.acknowledgedAt == Fixture.now)
        #expect(handedBack.note?.contains("hand-back") == true && handedBack.note?.contains("清退") == true, "\(handedBack.note ?? "")")
        // A borrowed medium returned to its holder: closed.
        try f.move(.giveBack, "U-2026-0003")
        #expect(try status("U-2026-0003").status == .acknowledged)
        #expect(try status("U-2026-0003").note?.contains("return") == true)
        // P001's own medium back from P002's loan is still P001's: open; transferred away: closed.
        try f.move(.giveBack, "U-2026-0002")
        #expect(try status("U-2026-0002").status == .open)
        var transfer = MediumChanges()
        transfer.holder = "P002"
        transfer.approver = "王五"
        try f.run(.mediaUpdate(number: "U-2026-0002", changes: transfer))
        #expect(try status("U-2026-0002").status == .acknowledged)
        #expect(try status("U-2026-0002").note?.contains("transfer") == true)
        // Back from repair it is P001's again: open; reported lost: closed.
        try f.move(.giveBack, "U-2026-0004")
        #expect(try status("U-2026-0004").status == .open)
        try f.move(.lost, "U-2026-0004") { $0.person = "P002" }
        #expect(try status("U-2026-0004").status == .acknowledged)
        #expect(try f.violations().allSatisfy { $0.status == .acknowledged })
        #expect(try f.trail("violation").filter { $0.field == "status" && $0.newValue?.hasPrefix("acknowledged") == true }.count == 4)
        let verification = try f.run(.auditVerify)
        let result = try answer(verification, \.verification)
        #expect(result.intact)
    }

    @Test func sentForRepairTheMediumIsStillOut() throws {
        let f = try Fixture()
        try f.person("P001", "张三")
        let number = try f.stick()
        _ = try f.depart("P001", "2026-12-01", pending: true, note: "x")
        try f.move(.repair, number) { $0.approver = "王五"; $0.repairUnit = "指定维修单位" }
        #expect(try f.violations().first?.status == .open)
    }

    @Test func aDepartedPersonNeverBecomesHolderOrBorrower() throws {
        let f = try Fixture()
        try f.person("P001", "张三")
        try f.person("P003", "王五")
        _ = try f.depart("P003", "2026-11-01")
        let inService = try f.stick(serial: "AA00BB11CC01")
        let handedBack = try f.stick(serial: "AA00BB11CC02")
        try f.move(.handBack, handedBack)
        var transfer = MediumChanges()
        transfer.holder = "P003"
        transfer.approver = "李四"
        let attempts: [(String, () throws -> Void)] = [
            ("register", { try f.stick(serial: "AA00BB11CC03", holder: "P003") }),
            ("loan", { try f.loan(inService, to: "P003") }),
            ("carry-out", { try f.move(.carryOut, inService) { $0.person = "P003"; $0.approver = "李四"; $0.dueDate = Day(parsing: "2026-12-10") } }),
            ("reissue", { try f.move(.reissue, handedBack) { $0.person = "P003" } }),
            ("transfer", { try f.run(.mediaUpdate(number: inService, changes: transfer)) }),
        ]
        for (what, attempt) in attempts {
            let error = try #require(ledgerError(attempt), "\(what) to a departed person must be refused")
            #expect(error.kind == .validation, "\(what)")
            #expect(error.text(.en).contains("王五 (P003)") && error.text(.en).contains("2026-11-01")
                    && error.text(.en).contains("can no longer hold or borrow media"), "\(what): \(error.text(.en))")
            #expect(error.text(.zh).contains("离岗"), "\(what): \(error.text(.zh))")
        }
        #expect(try f.medium(inService).holder == "P001" && f.medium(inService).state == .inService)
        #expect(try f.medium(handedBack).state == .handedBack)
    }
}

/// 脱密期: after leaving, a person stays under watch until the period ends.
@Suite struct DeclassificationPeriodTests {
    static let today = Day(parsing: "2026-11-22")!

    /// By hand: (departed on, period ends, inside on 2026-11-22).
    static let table: [(String?, String?, Bool)] = [
        ("2026-11-01", "2027-11-01", true),
        ("2026-11-22", "2026-11-22", true),    // both bounds are inside
        ("2025-01-01", "2026-11-21", false),   // over yesterday
        ("2026-11-23", "2027-11-23", false),   // leaves tomorrow
        ("2026-10-01", nil, false),            // no end recorded
        (nil, nil, false),                     // still here
    ]

    @Test func thePeriodAsAPureFunction() {
        for (departed, ends, inside) in Self.table {
            let person = Person(id: "P", name: "x", clearance: .general, departedOn: departed.flatMap { Day(parsing: $0) },
                                declassificationEnds: ends.flatMap { Day(parsing: $0) })
            #expect(person.isDeclassifying(on: Self.today) == inside, "\(departed ?? "-") … \(ends ?? "-")")
        }
    }

    @Test func listingOnlyThoseInsideTheirPeriod() throws {
        let f = try Fixture()
        for (index, (departed, ends, _)) in Self.table.enumerated() {
            let id = "P00\(index + 1)"
            try f.person(id, "人员\(index + 1)")
            if let departed { _ = try f.depart(id, departed, until: ends) }
        }
        #expect(try f.people(declassifying: true).map(\.id) == ["P001", "P002"])
        #expect(try f.people().count == Self.table.count)
    }
}

/// 移交: a change of holder is a movement, approved and recorded.
@Suite struct TransferTests {
    func ledger() throws -> (Fixture, String) {
        let f = try Fixture()
        try f.person("P001", "张三")
        try f.person("P002", "李四")
        return (f, try f.stick())
    }

    func transfer(_ f: Fixture, _ number: String, to holder: String, approver: String?) throws {
        var changes = MediumChanges()
        changes.holder = holder
        changes.approver = approver
        try f.run(.mediaUpdate(number: number, changes: changes))
    }

    @Test func aTransferNeedsAnApprover() throws {
        let (f, number) = try ledger()
        for approver in [nil, "  "] {
            let error = try #require(ledgerError { try transfer(f, number, to: "P002", approver: approver) })
            #expect(error.kind == .usage)
            #expect(error.text(.en).contains("--approver") && error.text(.en).contains("transfer"), "\(error.text(.en))")
            #expect(error.text(.zh).contains("审批人") && error.text(.zh).contains("移交"))
        }
        #expect(try f.medium(number).holder == "P001")
        #expect(try f.history(number).map(\.kind) == [.register])
    }

    @Test func aTransferIsRecordedAsAMovement() throws {
        let (f, number) = try ledger()
        try transfer(f, number, to: "P002", approver: "王五")
        #expect(try f.medium(number).holder == "P002")
        let movement = try #require(try f.history(number).last)
        #expect(movement.kind == .transfer && movement.person == "P002" && movement.approver == "王五")
        #expect(movement.note == "P001 → P002" && movement.handler == "root" && movement.at == Fixture.now)
        let holder = try #require(try f.trail("medium", number).first { $0.field == "holder" })
        #expect(holder.oldValue == "P001" && holder.newValue == "P002")
    }

    @Test func theSameHolderIsNoTransfer() throws {
        let (f, number) = try ledger()
        var same = MediumChanges()
        same.holder = "P001"
        #expect(try f.run(.mediaUpdate(number: number, changes: same)) == .done(Bilingual(zh: "介质 \(number) 无变化", en: "medium \(number) unchanged")))
        var approverAlone = MediumChanges()
        approverAlone.approver = "王五"
        #expect(ledgerError { try f.run(.mediaUpdate(number: number, changes: approverAlone)) }?.kind == .usage, "nothing to change")
    }

    @Test func theNewHolderMustBeClearedForTheLevel() throws {
        let (f, number) = try ledger()
        try f.person("P003", "王五", .general)
        let error = try #require(ledgerError { try transfer(f, number, to: "P003", approver: "李四") })
        #expect(error.kind == .validation && error.text(.en).contains("general"))
        #expect(try f.medium(number).holder == "P001")
        #expect(try f.history(number).map(\.kind) == [.register])
    }
}
