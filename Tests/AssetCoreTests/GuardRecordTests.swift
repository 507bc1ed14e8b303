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
        guard case .violations(let open) = try f.run(.violationsList(ViolationFilter(openOnly: true))) else { return }
        #expect(open.map(\.type) == [.unregisteredMedium])
        #expect(open.first?.outcome == .blocked && open.first?.computer == "PC-001")

        guard case .medium(let detail) = try f.run(.mediaRegisterLastUnregistered(
            MediumRegistration(kind: .usbStick, level: .secret, holder: "P001"))) else { return }
        #expect(detail.medium.identity?.serial == "4C530001230101104353")
        #expect(detail.medium.identity?.capacityBytes == 15_376_318_464, "capacity learnt from the block device")
        #expect(try observe(recorder, device).decision == .allow)
        #expect(ledgerError { try f.run(.mediaRegisterLastUnregistered(MediumRegistration(kind: .usbStick, level: .secret, holder: "P001"))) }?.kind == .notFound,
                "once registered it is no longer the last unregistered device")
        guard case .events(let events) = try f.run(.events(since: nil, limit: 10)) else { return }
        #expect(events.map(\.decision) == [.block, .allow])
        #expect(events.last?.mediumNumber == detail.medium.number)
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
        guard case .violations(let all) = try f.run(.violationsList(ViolationFilter())) else { return }
        #expect(all.first?.status == .acknowledged && all.first?.acknowledgedBy == "officer" && all.first?.note == "已处置: 收回")
        guard case .violations(let open) = try f.run(.violationsList(ViolationFilter(openOnly: true))) else { return }
        #expect(open.isEmpty)
        guard case .verification(let v) = try f.run(.auditVerify) else { return }
        #expect(v.intact)
    }

    @Test func auditModeRecordsWhatEnforceWouldHaveDone() throws {
        let (f, recorder) = try setUp()
        var audit = GuardConfig()
        audit.mode = .audit
        try observe(recorder, PolicyTests.stick(), config: audit)
        guard case .violations(let list) = try f.run(.violationsList(ViolationFilter())) else { return }
        #expect(list.map(\.outcome) == [.audited])
    }
}
