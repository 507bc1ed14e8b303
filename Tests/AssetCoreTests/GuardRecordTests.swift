@testable import AssetCore
import Testing

@Suite struct GuardRecordTests {
    func setUp() throws -> (Fixture, GuardRecorder) {
        let f = try Fixture()
        try f.person("P001", "张三")
        var settings = HostSettings()
        settings.assetNumber = "PC-001"
        settings.level = .secret
        settings.network = .standalone
        try f.run(.hostSet(settings))
        return (f, GuardRecorder(store: f.store))
    }

    /// What the daemon does for one device: facts, verdict, record.
    @discardableResult
    func observe(_ recorder: GuardRecorder, _ device: USBDeviceObservation, config: GuardConfig = GuardConfig()) throws -> Verdict {
        let facts = try recorder.facts(for: device, today: Day(parsing: "2026-11-22")!)
        let verdict = Policy.decide(device, facts: facts, config: config)
        try recorder.record(device, verdict: verdict, kind: .attach, facts: facts, at: Fixture.now, config: config)
        return verdict
    }

    @Test func plugBlockedRegisterLastUnregisteredPlugAllowed() throws {
        let (f, recorder) = try setUp()
        let device = PolicyTests.stick(capacity: 15_376_318_464)
        #expect(try observe(recorder, device).decision == .block)
        let open = try f.answer(.violationsList(ViolationFilter(openOnly: true)), \.violations)
        #expect(open.map(\.type) == [.unregisteredMedium])
        #expect(open.first?.outcome == .blocked && open.first?.computer == "PC-001")

        let detail = try f.answer(.mediaRegisterLastUnregistered(
            MediumRegistration(kind: .usbStick, level: .secret, holder: "P001")), \.medium)
        #expect(detail.medium.identity?.serial == "4C530001230101104353")
        #expect(detail.medium.identity?.capacityBytes == 15_376_318_464, "capacity learnt from the block device")
        #expect(try observe(recorder, device).decision == .allow)
        #expect(ledgerError { try f.run(.mediaRegisterLastUnregistered(MediumRegistration(kind: .usbStick, level: .secret, holder: "P001"))) }?.kind == .notFound,
                "once registered it is no longer the last unregistered device")
        let events = try f.answer(.events(since: nil, limit: 10), \.events)
        #expect(events.map(\.decision) == [.block, .allow])
        #expect(events.last?.mediumNumber == detail.medium.number)
    }

    /// A stick at another port, so a group can hold several.
    func stick(_ serial: String, port: String) -> USBDeviceObservation {
        var device = PolicyTests.stick(serial: serial)
        device.syspath = "/sys/devices/pci0000:00/0000:00:14.0/usb1/" + port
        device.port = port
        device.interfaces = device.interfaces.map { var i = $0; i.syspath = device.syspath + "/\(port):1.0"; return i }
        return device
    }

    @Test func aGroupIsJudgedAndRecordedTogether() throws {
        let (f, recorder) = try setUp()
        let number = try f.stick(serial: "REG0001")
        let judged = try recorder.judge([(stick("REG0001", port: "1-1"), .attach), (stick("UNREG0002", port: "1-2"), .attach)],
                                        at: Fixture.now, config: GuardConfig())
        #expect(judged.map(\.verdict.decision) == [.allow, .block])
        #expect(judged.map(\.device.port) == ["1-1", "1-2"], "the group keeps its order")
        #expect(judged.first?.verdict.medium?.number == number)
        let events = try f.answer(.events(since: nil, limit: 10), \.events)
        #expect(Set(events.map { "\($0.port ?? "") \($0.decision?.rawValue ?? "") \($0.mediumNumber ?? "-")" })
                == ["1-1 allow \(number)", "1-2 block -"])
        let open = try f.answer(.violationsList(ViolationFilter(openOnly: true)), \.violations)
        #expect(open.map(\.type) == [.unregisteredMedium] && open.first?.serial == "UNREG0002")
    }

    @Test func aGroupTheLedgerRefusesLeavesNoRecordAtAll() throws {
        let (f, recorder) = try setUp()
        // The second device's event is refused, as a full disk would refuse it: the first device's
        // record must go too, because the caller will block both.
        try f.store.write { db in
            try db.execute(sql: """
                CREATE TRIGGER refuse BEFORE INSERT ON device_event WHEN NEW.serial = 'REFUSED'
                BEGIN SELECT RAISE(ABORT, 'refused'); END
                """)
        }
        #expect(ledgerError { _ = try recorder.judge([(stick("FIRST", port: "1-1"), .attach), (stick("REFUSED", port: "1-2"), .attach)],
                                                 at: Fixture.now, config: GuardConfig()) } != nil)
        let events = try f.answer(.events(since: nil, limit: 10), \.events)
        #expect(events.isEmpty)
        let all = try f.answer(.violationsList(ViolationFilter()), \.violations)
        #expect(all.isEmpty)
    }

    @Test func aRehearsalLeavesNoTrace() throws {
        let (f, recorder) = try setUp()
        recorder.rehearse(config: GuardConfig(), at: Fixture.now)
        let events = try f.answer(.events(since: nil, limit: 10), \.events)
        #expect(events.isEmpty)
        let all = try f.answer(.violationsList(ViolationFilter()), \.violations)
        #expect(all.isEmpty, "the made-up device is unregistered, but its violation is rolled back too")
    }

    @Test func officersAcknowledgeWithANote() throws {
        let (f, recorder) = try setUp()
        try observe(recorder, PolicyTests.stick())
        let officer = Caller(actor: Actor(uid: 1001, name: "officer"), roles: [.officer])
        let auditor = Caller(actor: Actor(uid: 1002, name: "auditor"), roles: [.auditor])
        #expect(ledgerError { try f.run(.violationAck(id: 1, note: "已处置"), as: auditor) }?.kind == .permission)
        #expect(ledgerError { try f.run(.violationAck(id: 1, note: " "), as: officer) }?.kind == .usage)
        #expect(ledgerError { try f.run(.violationAck(id: 99, note: "x"), as: officer) }?.kind == .notFound)
        try f.run(.violationAck(id: 1, note: "已处置: 收回"), as: officer)
        #expect(ledgerError { try f.run(.violationAck(id: 1, note: "again"), as: officer) }?.kind == .validation)
        let all = try f.answer(.violationsList(ViolationFilter()), \.violations)
        #expect(all.first?.status == .acknowledged && all.first?.acknowledgedBy == "officer" && all.first?.note == "已处置: 收回")
        let open = try f.answer(.violationsList(ViolationFilter(openOnly: true)), \.violations)
        #expect(open.isEmpty)
        let v = try f.answer(.auditVerify, \.verification)
        #expect(v.intact)
    }

    @Test func auditModeRecordsWhatEnforceWouldHaveDone() throws {
        let (f, recorder) = try setUp()
        var audit = GuardConfig()
        audit.mode = .audit
        try observe(recorder, PolicyTests.stick(), config: audit)
        let list = try f.answer(.violationsList(ViolationFilter()), \.violations)
        #expect(list.map(\.outcome) == [.audited])
    }
}
