@testable import AssetCore
import Foundation
import Testing

@Suite struct PolicyTests {
    static let today = Day(parsing: "2026-11-22")!
    static let host = Computer(assetNumber: "PC-001", level: .secret, network: .standalone, isThisHost: true)
    static let holder = Person(id: "P001", name: "张三", clearance: .core)

    static func stick(serial: String? = "4C530001230101104353", interfaces: [(UInt8, UInt8, UInt8)] = [(8, 6, 0x50)],
                      capacity: UInt64? = nil) -> USBDeviceObservation {
        let base = "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-1"
        return USBDeviceObservation(
            syspath: base, port: "1-1", vendorID: "0781", productID: "5567", serial: serial, manufacturer: "SanDisk",
            product: "Cruzer Blade", deviceClass: 0,
            interfaces: interfaces.enumerated().map { index, c in
                USBInterfaceInfo(number: index, syspath: "\(base)/1-1:1.\(index)", interfaceClass: c.0, subclass: c.1, protocolCode: c.2)
            },
            blocks: capacity.map { [BlockInfo(syspath: base + "/block/sdb", capacityBytes: $0)] } ?? [])
    }

    static func medium(level: Level = .secret, state: MediumState = .inService, bound: [String] = [],
                       capacity: UInt64? = nil) -> Medium {
        var m = Medium(number: "U-2026-0001", kind: .usbStick, level: level, holder: "P001", state: state,
                       identity: HardwareIdentity(vendorID: "0781", productID: "5567", serial: "4C530001230101104353",
                                                  capacityBytes: capacity))
        m.boundComputers = bound
        return m
    }

    static func decide(_ device: USBDeviceObservation = stick(), host: Computer? = host, medium: Medium?,
                       holder: Person = holder, config: GuardConfig = GuardConfig()) -> Verdict {
        Policy.decide(device, facts: PolicyFacts(host: host, medium: medium, holder: holder, today: today), config: config)
    }

    /// Rules 2 and 3 of the regulation (domain.md, "Violations the daemon must recognise"), one row
    /// per (computer, medium) pair, written by hand. 秘密, 机密 and 绝密 are state secrets; 内部 and 非密
    /// are not. A state-secret medium on a computer that is not classified is the graver
    /// classified-on-unclassified (it then is not also reported as above the computer); otherwise a
    /// medium above the computer's level is level-above-computer; a medium that is no state secret on
    /// a classified computer breaks 明密分开.
    static let levelPairs: [(computer: Level, medium: Level, expected: Set<ViolationType>)] = [
        (.topSecret, .topSecret, []),
        (.topSecret, .secret, []),
        (.topSecret, .confidential, []),
        (.topSecret, .internal, [.unclassifiedOnClassified]),
        (.topSecret, .unclassified, [.unclassifiedOnClassified]),
        (.secret, .topSecret, [.levelAboveComputer]),
        (.secret, .secret, []),
        (.secret, .confidential, []),
        (.secret, .internal, [.unclassifiedOnClassified]),
        (.secret, .unclassified, [.unclassifiedOnClassified]),
        (.confidential, .topSecret, [.levelAboveComputer]),
        (.confidential, .secret, [.levelAboveComputer]),
        (.confidential, .confidential, []),
        (.confidential, .internal, [.unclassifiedOnClassified]),
        (.confidential, .unclassified, [.unclassifiedOnClassified]),
        (.internal, .topSecret, [.classifiedOnUnclassified]),
        (.internal, .secret, [.classifiedOnUnclassified]),
        (.internal, .confidential, [.classifiedOnUnclassified]),
        (.internal, .internal, []),
        (.internal, .unclassified, []),
        (.unclassified, .topSecret, [.classifiedOnUnclassified]),
        (.unclassified, .secret, [.classifiedOnUnclassified]),
        (.unclassified, .confidential, [.classifiedOnUnclassified]),
        (.unclassified, .internal, [.levelAboveComputer]),
        (.unclassified, .unclassified, []),
    ]

    /// Rule 4: destroyed, lost, pending destruction, under repair and handed back forbid use; a medium
    /// in service, loaned or carried out (without a due date here) may be used.
    static let states: [(state: MediumState, expected: Set<ViolationType>)] = [
        (.inService, []),
        (.loaned, []),
        (.carriedOut, []),
        (.underRepair, [.stateForbidsUse]),
        (.pendingDestruction, [.stateForbidsUse]),
        (.destroyed, [.stateForbidsUse]),
        (.lost, [.stateForbidsUse]),
        (.handedBack, [.stateForbidsUse]),
    ]

    /// Rule 5, on this computer (PC-001): an unbound medium may be used anywhere, a bound one only on
    /// the computers it is bound to.
    static let bindings: [(bound: String?, expected: Set<ViolationType>)] = [
        (nil, []),
        ("PC-001", []),
        ("PC-002", [.boundElsewhere]),
    ]

    @Test func theTablesCoverEveryLevelPairEveryStateEveryBinding() {
        #expect(Set(Self.levelPairs.map { "\($0.computer) \($0.medium)" }).count == Level.allCases.count * Level.allCases.count)
        #expect(Set(Self.states.map(\.state)) == Set(MediumState.allCases))
    }

    /// Each rule is judged on its own, so a combination breaks exactly the rules its parts break.
    @Test func everyLevelPairEveryStateEveryBinding() {
        var cases = 0
        for pair in Self.levelPairs {
            var host = Self.host
            host.level = pair.computer
            host.network = pair.computer.isStateSecret ? .standalone : .internal
            for state in Self.states {
                for binding in Self.bindings {
                    let verdict = Self.decide(host: host, medium: Self.medium(level: pair.medium, state: state.state,
                                                                              bound: binding.bound.map { [$0] } ?? []))
                    let want = pair.expected.union(state.expected).union(binding.expected)
                    let label = "host \(pair.computer), medium \(pair.medium), \(state.state), bound \(binding.bound ?? "-")"
                    #expect(Set(verdict.violations.map(\.type)) == want, "\(label)")
                    #expect(verdict.decision == (want.isEmpty ? .allow : .block), "\(label)")
                    cases += 1
                }
            }
        }
        #expect(cases == 5 * 5 * 8 * 3)
    }

    @Test func severities() {
        #expect(Self.decide(medium: Self.medium(state: .destroyed)).violations.first?.severity == .critical)
        #expect(Self.decide(medium: Self.medium(state: .lost)).violations.first?.severity == .critical)
        #expect(Self.decide(medium: Self.medium(state: .underRepair)).violations.first?.severity == .high)
        var internet = Self.host
        internet.level = .unclassified
        internet.network = .internet
        #expect(Self.decide(host: internet, medium: Self.medium()).violations.first?.type == .classifiedOnUnclassified)
        #expect(Self.decide(host: internet, medium: Self.medium()).violations.first?.severity == .critical)
    }

    @Test func unregisteredNoSerialAndUnknownHost() {
        let unregistered = Self.decide(medium: nil)
        #expect(unregistered.decision == .block && unregistered.violations.map(\.type) == [.unregisteredMedium])
        #expect(unregistered.violations[0].reason.en.contains("4C530001230101104353"))
        let noSerial = Self.decide(Self.stick(serial: nil), medium: nil)
        #expect(noSerial.decision == .block && noSerial.violations.map(\.type) == [.noSerial])
        let noHost = Self.decide(host: nil, medium: Self.medium())
        #expect(noHost.decision == .block && noHost.violations.map(\.type) == [.computerNotRegistered])
    }

    @Test func compositeKeyboardAndStorageIsDecidedPerInterface() {
        let device = Self.stick(interfaces: [(3, 1, 1), (8, 6, 0x50)])
        let verdict = Self.decide(device, medium: nil)
        #expect(verdict.decision == .allow, "the device stays authorized for its keyboard")
        #expect(verdict.interfaces.map(\.decision) == [.allow, .block])
        #expect(verdict.violations.map(\.type) == [.unregisteredMedium])
    }

    @Test func hubsKeyboardsAndUnknownClasses() {
        #expect(Self.decide(Self.stick(interfaces: [(9, 0, 0)]), medium: nil).decision == .allow)
        let keyboard = Self.decide(Self.stick(serial: nil, interfaces: [(3, 1, 1)]), medium: nil)
        #expect(keyboard.decision == .allow && keyboard.violations.isEmpty)
        let vendor = Self.decide(Self.stick(interfaces: [(0xFF, 0xFF, 0xFF)]), medium: nil)
        #expect(vendor.decision == .block && vendor.violations.map(\.type) == [.unknownDevice])
        var bare = Self.stick(interfaces: [])
        bare.deviceClass = 0
        #expect(Self.decide(bare, medium: nil).decision == .block)
    }

    @Test func phonesAndCamerasNeedRegistration() {
        let phone = Self.decide(Self.stick(interfaces: [(6, 1, 1)]), medium: nil)
        #expect(phone.decision == .block && phone.violations.map(\.type) == [.unregisteredStorageCapable])
        let registered = Self.decide(Self.stick(interfaces: [(6, 1, 1)]), medium: Self.medium())
        #expect(registered.decision == .allow)
    }

    @Test func networkFunctionsOnClassifiedComputers() {
        let rndis = Self.stick(interfaces: [(0xE0, 1, 3), (0x0A, 0, 0)])
        #expect(Self.decide(rndis, medium: nil).violations.map(\.type) == [.networkDevice])
        var office = Self.host
        office.level = .internal
        office.network = .internal
        #expect(Self.decide(rndis, host: office, medium: nil).decision == .allow)
    }

    @Test func capacityMismatchIsAClone() {
        let clone = Self.decide(Self.stick(capacity: 8_000_000_000), medium: Self.medium(capacity: 15_376_318_464))
        #expect(clone.violations.map(\.type) == [.identityMismatch])
        #expect(clone.violations.first?.severity == .critical)
        #expect(Self.decide(Self.stick(capacity: 15_376_318_464), medium: Self.medium(capacity: 15_376_318_464)).decision == .allow)
        #expect(Self.decide(Self.stick(capacity: 8_000_000_000), medium: Self.medium(capacity: nil)).decision == .allow)
    }

    @Test func departedHoldersAndOverdueLoans() {
        var departed = Self.holder
        departed.departedOn = Day(parsing: "2026-11-01")
        #expect(Self.decide(medium: Self.medium(), holder: departed).violations.map(\.type) == [.holderDeparted])
        var loaned = Self.medium(state: .loaned)
        loaned.borrower = "P002"
        loaned.dueDate = Day(parsing: "2026-11-20")
        let overdue = Self.decide(medium: loaned)
        #expect(overdue.violations.map(\.type) == [.overdue])
        #expect(overdue.decision == .allow, "overdue is logged, not blocked, by default")
    }

    @Test func actionsAndAuditMode() {
        var logOnly = GuardConfig()
        logOnly.actions[.unregisteredMedium] = .log
        let logged = Self.decide(medium: nil, config: logOnly)
        #expect(logged.decision == .allow && logged.violations.map(\.type) == [.unregisteredMedium])
        var audit = GuardConfig()
        audit.mode = .audit
        let audited = Self.decide(medium: nil, config: audit)
        #expect(audited.audited && audited.decision == .block, "audit records what enforce would do")
    }

    @Test func descriptorsGiveInterfacesBeforeTheKernelDoes() {
        // The SanDisk fixture's descriptors: one configuration, one mass-storage interface.
        let hex = "1201000200000040810767550001010203010902200001010080320904000002080650000705810200020007050202000200"
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            bytes.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        let interfaces = USBDescriptors.interfaces(from: bytes)
        #expect(interfaces.count == 1)
        #expect(interfaces.first?.interfaceClass == 8 && interfaces.first?.subclass == 6 && interfaces.first?.protocolCode == 0x50)
        #expect(USBDescriptors.interfaces(from: [0x09, 0x04, 0x00]).isEmpty, "truncated input is safe")
        #expect(USBDescriptors.interfaces(from: [0x00, 0x04, 0x00, 0x00]).isEmpty, "zero length is safe")
        // The same bytes' device descriptor: SanDisk 0781:5567, bcdDevice 1.00, class per interface.
        #expect(USBDescriptors.device(from: bytes) == USBDescriptors.Device(deviceClass: 0, vendorID: 0x0781,
                                                                             productID: 0x5567, bcdDevice: 0x0100))
        #expect(USBDescriptors.device(from: Array(bytes.prefix(17))) == nil, "a cut device descriptor is not read")
        #expect(USBDescriptors.device(from: Array(bytes.dropFirst(18))) == nil, "a configuration is not a device")
    }
}

@Suite struct GuardConfigTests {
    @Test func parsesTheDocumentedFile() throws {
        let config = try GuardConfig.parse("""
            # mediad
            database = /tmp/x.db
            mode = audit   # roll-out
            lockdown = yes
            release-on-stop = no
            [actions]
            overdue = block
            bound-elsewhere = log
            """)
        #expect(config.database == "/tmp/x.db" && config.mode == .audit && config.lockdown && !config.releaseOnStop)
        #expect(config.action(for: .overdue) == .block && config.action(for: .boundElsewhere) == .log)
        #expect(config.action(for: .unregisteredMedium) == .block)
    }

    @Test func theShippedExampleParsesToTheDefaults() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("etc/mediad.conf"), encoding: .utf8)
        let config = try GuardConfig.parse(text)
        #expect(config.mode == .enforce && config.lockdown && !config.releaseOnStop)
        #expect(config.actions == GuardConfig.defaultActions, "every violation type is documented with its default")
    }

    @Test(arguments: ["mode = permissive", "lockdown = maybe", "colour = blue", "[rules]", "[actions]\nfoo = block",
                      "[actions]\noverdue = allow", "just words", "[actions]\nmissing-at-check = block",
                      "[actions]\nguard-gap = log", "[actions]\nhandback-outstanding = block"])
    func mistakesNameTheirLine(text: String) {
        let error = ledgerError { _ = try GuardConfig.parse("# header\n" + text) }
        #expect(error?.kind == .validation)
        #expect(error?.text(.en).contains("line 2") == true || error?.text(.en).contains("line 3") == true)
    }
}
