@testable import AssetCore
import Testing

/// The rules the first version missed (issue 10), each expectation written from the regulation.
@Suite struct OpenDoorsPolicyTests {
    static func host(_ level: Level, keyArea: Bool = false) -> Computer {
        Computer(assetNumber: "PC-001", level: level, network: .standalone, keyArea: keyArea, isThisHost: true)
    }

    static func decide(_ device: USBDeviceObservation = PolicyTests.stick(), host: Computer, medium: Medium?,
                       twin: String? = nil, keyAreaApprover: String? = nil, config: GuardConfig = GuardConfig()) -> Verdict {
        Policy.decide(device, facts: PolicyFacts(host: host, medium: medium, holder: PolicyTests.holder, today: PolicyTests.today,
                                                 twinPort: twin, keyAreaApprover: keyAreaApprover), config: config)
    }

    static func config(lowerLevel action: ViolationAction) -> GuardConfig {
        var config = GuardConfig()
        config.actions[.lowerLevelMedium] = action
        return config
    }

    // MARK: cross-level use (004 §3.3, 000 §5.2.1)

    /// host level, medium level → (raised to, violations) under the default `raise`. Written by hand:
    /// a classified medium of a lower level on a higher classified computer is raised; anything
    /// else is judged by the older rules.
    static let crossLevel: [(host: Level, medium: Level, raisedTo: Level?, violations: Set<ViolationType>)] = [
        (.topSecret, .secret, .topSecret, []),
        (.topSecret, .confidential, .topSecret, []),
        (.secret, .confidential, .secret, []),
        (.secret, .secret, nil, []),
        (.confidential, .secret, nil, [.levelAboveComputer]),
        (.secret, .internal, nil, [.unclassifiedOnClassified]),
        (.secret, .unclassified, nil, [.unclassifiedOnClassified]),
        (.internal, .unclassified, nil, []),
        (.unclassified, .confidential, nil, [.classifiedOnUnclassified]),
    ]

    @Test(arguments: crossLevel.indices) func crossLevelUseUnderRaise(_ index: Int) {
        let row = Self.crossLevel[index]
        var host = Self.host(row.host)
        if !row.host.isStateSecret { host.network = .internal }
        let verdict = Self.decide(host: host, medium: PolicyTests.medium(level: row.medium))
        #expect(verdict.raiseTo == row.raisedTo, "host \(row.host), medium \(row.medium)")
        #expect(Set(verdict.violations.map(\.type)) == row.violations, "host \(row.host), medium \(row.medium)")
        #expect(verdict.decision == (row.violations.isEmpty ? .allow : .block))
    }

    @Test func crossLevelUseUnderBlockAndLog() {
        let blocked = Self.decide(host: Self.host(.topSecret), medium: PolicyTests.medium(level: .secret), config: Self.config(lowerLevel: .block))
        #expect(blocked.decision == .block)
        #expect(blocked.raiseTo == nil)
        #expect(blocked.violations.map(\.type) == [.lowerLevelMedium])
        let logged = Self.decide(host: Self.host(.topSecret), medium: PolicyTests.medium(level: .secret), config: Self.config(lowerLevel: .log))
        #expect(logged.decision == .allow)
        #expect(logged.raiseTo == nil)
        #expect(logged.violations.map(\.type) == [.lowerLevelMedium])
    }

    @Test func aMediumBlockedForAnotherReasonIsNotRaised() {
        // Bound to another computer: it is not let in, so it takes none of this computer's data.
        let verdict = Self.decide(host: Self.host(.topSecret), medium: PolicyTests.medium(level: .secret, bound: ["PC-009"]))
        #expect(verdict.decision == .block)
        #expect(verdict.raiseTo == nil)
        let destroyed = Self.decide(host: Self.host(.topSecret), medium: PolicyTests.medium(level: .secret, state: .destroyed))
        #expect(destroyed.raiseTo == nil)
    }

    @Test func theConfigurationNamesTheThreeChoices() throws {
        #expect(try GuardConfig.parse("[actions]\nlower-level-medium = block").action(for: .lowerLevelMedium) == .block)
        #expect(try GuardConfig.parse("lower-level-medium = log").action(for: .lowerLevelMedium) == .log)
        #expect(GuardConfig().action(for: .lowerLevelMedium) == .raise)
        let wrong = #expect(throws: LedgerError.self) { try GuardConfig.parse("[actions]\nunregistered-medium = raise") }
        #expect(wrong?.message.en.contains("takes block, log") == true)
        #expect(throws: LedgerError.self) { try GuardConfig.parse("lower-level-medium = maybe") }
    }

    // MARK: two devices with one identity

    @Test func aDeviceWithATwinIsBlockedAsCritical() throws {
        let medium = PolicyTests.medium()
        let verdict = Self.decide(host: Self.host(.secret), medium: medium, twin: "2-3")
        #expect(verdict.decision == .block)
        let violation = try #require(verdict.violations.first { $0.type == .duplicateIdentity })
        #expect(violation.severity == .critical)
        #expect(violation.reason.en.contains("1-1") && violation.reason.en.contains("2-3"))
        #expect(violation.reason.zh.contains("1-1") && violation.reason.zh.contains("2-3"))
        // Unregistered twins are blocked anyway; the clone is still named.
        let unregistered = Self.decide(host: Self.host(.secret), medium: nil, twin: "2-3")
        #expect(Set(unregistered.violations.map(\.type)) == [.duplicateIdentity, .unregisteredMedium])
    }

    // MARK: key areas (003 第十条)

    static let phone = PolicyTests.stick(interfaces: [(0x06, 0x01, 0x01)])

    @Test func aRegisteredPhoneInAKeyAreaNeedsItsApproval() {
        let keyArea = Self.host(.secret, keyArea: true)
        let refused = Self.decide(Self.phone, host: keyArea, medium: PolicyTests.medium())
        #expect(refused.decision == .block)
        #expect(refused.violations.map(\.type) == [.keyAreaDevice])
        #expect(refused.violations.first?.severity == .high)
        #expect(Self.decide(Self.phone, host: keyArea, medium: PolicyTests.medium(), keyAreaApprover: "王局长").decision == .allow)
        #expect(Self.decide(Self.phone, host: Self.host(.secret), medium: PolicyTests.medium()).decision == .allow,
                "outside a key area a registered phone is a medium like any other")
        #expect(Self.decide(host: keyArea, medium: PolicyTests.medium()).decision == .allow,
                "a stick records nothing: the key-area rule is for phones, cameras and recorders")
    }

    // MARK: a phone is a phone, whatever interface it shows

    @Test func aVendorSpecificInterfaceMarkedMTPIsAPhone() {
        var android = PolicyTests.stick(interfaces: [(0xFF, 0xFF, 0x00)])
        #expect(Self.decide(android, host: Self.host(.secret), medium: nil).violations.map(\.type) == [.unknownDevice],
                "unmarked, class 0xff is only an unknown device")
        for mark in ["ID_MTP_DEVICE", "ID_MEDIA_PLAYER", "ID_GPHOTO2", "interface MTP"] {
            android.recordingMarks = [mark]
            let verdict = Self.decide(android, host: Self.host(.secret), medium: nil)
            #expect(verdict.violations.map(\.type) == [.unregisteredStorageCapable], "\(mark)")
            #expect(verdict.violations.first?.severity == .high, "\(mark)")
            #expect(verdict.decision == .block)
        }
        android.recordingMarks = ["ID_MTP_DEVICE"]
        #expect(android.canStore)
    }

    // MARK: the guard's own gaps (M18)

    @Test func aWeakenedStartOnAClassifiedComputer() {
        var audit = GuardConfig()
        audit.mode = .audit
        var open = GuardConfig()
        open.lockdown = false
        #expect(GuardConfig().weakness(on: Self.host(.secret)) == nil)
        #expect(audit.weakness(on: Self.host(.confidential))?.en.contains("audit mode") == true)
        #expect(open.weakness(on: Self.host(.topSecret))?.en.contains("no lockdown") == true)
        var office = Self.host(.internal)
        office.network = .internal
        #expect(audit.weakness(on: office) == nil, "an unclassified computer may be audited")
        #expect(audit.weakness(on: nil) == nil)
    }

    @Test func aStopBySystemdIsMediumAndByHandHigh() {
        let systemd = StopRequest(signal: "SIGTERM", pid: 1, uid: 0, user: "root", command: "systemd")
        #expect(systemd.violation.type == .guardStopped)
        #expect(systemd.violation.severity == .medium)
        let manual = StopRequest(signal: "SIGTERM", pid: 4242, uid: 1000, user: "alice", command: "kill")
        #expect(manual.violation.severity == .high)
        #expect(manual.violation.reason.en.contains("alice") && manual.violation.reason.en.contains("4242"))
    }
}
