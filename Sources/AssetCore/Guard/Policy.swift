/// What the policy needs to know beyond the device itself, gathered by the caller in one read.
public struct PolicyFacts: Sendable, Hashable {
    /// This computer's record; nil when it was never registered.
    public var host: Computer?
    /// The ledger entry whose identity (vendor, product, serial) the device carries.
    public var medium: Medium?
    /// The medium's responsible person.
    public var holder: Person?
    public var today: Day
    /// The port of another device present now with the same vendor, product and serial: one of
    /// the two is a clone.
    public var twinPort: String?
    /// Who approved the medium for key areas (要害部位, 003 第十条), if anyone did.
    public var keyAreaApprover: String?
    /// The registered peripheral (printer, scanner, camera) whose identity the device carries, on
    /// whichever computer it is registered.
    public var peripheral: Peripheral?

    public init(host: Computer?, medium: Medium?, holder: Person?, today: Day, twinPort: String? = nil,
                keyAreaApprover: String? = nil, peripheral: Peripheral? = nil) {
        self.peripheral = peripheral
        self.host = host
        self.medium = medium
        self.holder = holder
        self.today = today
        self.twinPort = twinPort
        self.keyAreaApprover = keyAreaApprover
    }
}

/// The rules for USB devices: a pure function from a device and the facts to a verdict. No I/O and no
/// clock of its own, so every case is a unit test.
public enum Policy {
    public static func decide(_ device: USBDeviceObservation, facts: PolicyFacts, config: GuardConfig) -> Verdict {
        var verdict = judge(device, facts: facts, config: config)
        verdict.medium = facts.medium
        if config.mode == .audit { verdict.audited = true }
        return verdict
    }

    private static func judge(_ device: USBDeviceObservation, facts: PolicyFacts, config: GuardConfig) -> Verdict {
        if device.isRootHub { return Verdict(decision: .allow) }
        if device.interfaces.isEmpty {
            if device.deviceClass == 0x09 { return Verdict(decision: .allow) }
            return Verdict(decision: .block, violations: [Violation(type: .unknownDevice, severity: .medium, reason: Bilingual(
                zh: "设备 \(describe(device)) 未提供接口信息，无法判断其功能",
                en: "device \(describe(device)) reports no interfaces; its function cannot be known"))])
        }
        var violations: [Violation] = []
        var decisions: [InterfaceDecision] = []
        var usesMedium = false
        for interface in device.interfaces {
            let role = InterfaceRole.of(interface, in: device)
            let found: [Violation]
            switch role {
            case .benign: found = []
            case .printing: found = peripheralViolations(device, kind: .printer, facts: facts)
            // A registered camera or scanner of this computer records and stores as registered.
            case .recording where isPeripheralHere(facts, kinds: [.camera, .scanner]): found = []
            case .unknown where isPeripheralHere(facts, kinds: [.scanner]): found = []
            case .storage, .recording: found = mediumViolations(device, role: role, facts: facts, config: config)
            case .network: found = networkViolations(device, facts: facts)
            case .unknown:
                found = [Violation(type: .unknownDevice, severity: .medium, reason: Bilingual(
                    zh: "设备 \(describe(device)) 的接口 \(interface.number) 类别为 \(hex(interface.interfaceClass))，不在允许范围内",
                    en: "device \(describe(device)) interface \(interface.number) has class \(hex(interface.interfaceClass)), which is not allowed"))]
            }
            for violation in found where !violations.contains(where: { $0.type == violation.type }) {
                violations.append(violation)
            }
            let blocking = found.first { config.action(for: $0.type) == .block }
            if blocking == nil && (role == .storage || role == .recording) { usesMedium = true }
            decisions.append(InterfaceDecision(
                number: interface.number, syspath: interface.syspath, decision: blocking == nil ? .allow : .block,
                reason: blocking?.reason ?? Bilingual(zh: "允许（\(role.rawValue)）", en: "allowed (\(role.rawValue))")))
        }
        let decision: Decision = decisions.contains { $0.decision == .allow } ? .allow : .block
        var verdict = Verdict(decision: decision, interfaces: decisions, violations: violations)
        // Only a medium that is let in can take this computer's data, so only then is it raised.
        if (usesMedium || config.mode == .audit), let raised = raisedLevel(facts, config: config) { verdict.raiseTo = raised }
        return verdict
    }

    /// 004 §3.3 and 000 §5.2.1: a classified medium used on a classified computer of a higher level
    /// may from then on hold that level's data, so it is managed at that level. Nil when the rule
    /// does not apply or the configuration does not say `raise`.
    static func raisedLevel(_ facts: PolicyFacts, config: GuardConfig) -> Level? {
        guard let host = facts.host, let medium = facts.medium, isLowerLevelUse(medium: medium, host: host),
              config.action(for: .lowerLevelMedium) == .raise, !medium.state.forbidsUse else { return nil }
        return host.level
    }

    static func isLowerLevelUse(medium: Medium, host: Computer) -> Bool {
        medium.level.isStateSecret && host.level.isStateSecret && medium.level < host.level
    }

    /// Rules 1–6, 10, 11 for an interface that stores or records.
    static func mediumViolations(_ device: USBDeviceObservation, role: InterfaceRole, facts: PolicyFacts,
                                 config: GuardConfig) -> [Violation] {
        guard let host = facts.host else {
            return [Violation(type: .computerNotRegistered, severity: .high, reason: Bilingual(
                zh: "本机尚未登记（mediactl host set），所有存储设备一律阻断", en: "this computer is not registered (mediactl host set); every storage device is blocked"))]
        }
        guard let serial = device.serial, !serial.trimmingWhitespace().isEmpty else {
            return [Violation(type: .noSerial, severity: .high, reason: Bilingual(
                zh: "存储设备 \(describe(device)) 没有序列号，无法与台账对应", en: "storage device \(describe(device)) has no serial and cannot be matched to the ledger"))]
        }
        var found: [Violation] = []
        if let twin = facts.twinPort {
            found.append(Violation(type: .duplicateIdentity, severity: .critical, reason: Bilingual(
                zh: "端口 \(device.port) 和 \(twin) 上的两个设备硬件标识相同（\(device.vendorID):\(device.productID) 序列号 \(serial)）：其中一个是克隆",
                en: "the devices at ports \(device.port) and \(twin) carry one identity (\(device.vendorID):\(device.productID) serial \(serial)): one of them is a clone")))
        }
        guard let medium = facts.medium else {
            if role == .recording {
                return found + [Violation(type: .unregisteredStorageCapable, severity: .high, reason: Bilingual(
                    zh: "未登记的手机、相机或录音录像设备 \(describe(device))（序列号 \(serial)）", en: "unregistered phone, camera or recording device \(describe(device)) (serial \(serial))"))]
            }
            return found + [Violation(type: .unregisteredMedium, severity: .high, reason: Bilingual(
                zh: "未登记的存储介质 \(describe(device))（序列号 \(serial)）", en: "unregistered storage medium \(describe(device)) (serial \(serial))"))]
        }
        let it = Bilingual(zh: "介质 \(medium.number)（\(medium.level.name(.zh))）", en: "medium \(medium.number) (\(medium.level.name(.en)))")
        let here = Bilingual(zh: "本机 \(host.assetNumber)（\(host.level.name(.zh))）", en: "this computer \(host.assetNumber) (\(host.level.name(.en)))")
        if medium.state.forbidsUse {
            let grave = medium.state == .destroyed || medium.state == .lost
            found.append(Violation(type: .stateForbidsUse, severity: grave ? .critical : .high, reason: Bilingual(
                zh: "\(it.zh) 状态为“\(medium.state.name(.zh))”，不应出现在任何计算机上",
                en: "\(it.en) is \(medium.state.name(.en)) and must not appear on any computer")))
        }
        if medium.level.isStateSecret && !host.level.isStateSecret {
            found.append(Violation(type: .classifiedOnUnclassified, severity: .critical, reason: Bilingual(
                zh: "涉密\(it.zh) 接入非涉密的\(here.zh)", en: "classified \(it.en) on unclassified \(here.en)")))
        } else if medium.level > host.level {
            found.append(Violation(type: .levelAboveComputer, severity: .high, reason: Bilingual(
                zh: "\(it.zh) 密级高于\(here.zh)", en: "\(it.en) is above the level of \(here.en)")))
        }
        if isLowerLevelUse(medium: medium, host: host), config.action(for: .lowerLevelMedium) != .raise {
            found.append(Violation(type: .lowerLevelMedium, severity: .medium, reason: Bilingual(
                zh: "\(it.zh) 用于更高密级的\(here.zh)：不同密级计算机之间交叉使用",
                en: "\(it.en) used on higher-level \(here.en): cross-use between levels (004 §3.3)")))
        }
        if host.level.isStateSecret && !medium.level.isStateSecret {
            found.append(Violation(type: .unclassifiedOnClassified, severity: .high, reason: Bilingual(
                zh: "非涉密\(it.zh) 接入涉密的\(here.zh)（明密混用）", en: "unclassified \(it.en) on classified \(here.en) (明密分开)")))
        }
        if !medium.boundComputers.isEmpty && !medium.boundComputers.contains(host.assetNumber) {
            found.append(Violation(type: .boundElsewhere, severity: .medium, reason: Bilingual(
                zh: "\(it.zh) 只允许在 \(medium.boundComputers.joined(separator: "、")) 上使用",
                en: "\(it.en) may only be used on \(medium.boundComputers.joined(separator: ", "))")))
        }
        if let holder = facts.holder, let departed = holder.departedOn, departed <= facts.today {
            found.append(Violation(type: .holderDeparted, severity: .high, reason: Bilingual(
                zh: "\(it.zh) 的责任人 \(holder.name) 已于 \(departed) 离岗，介质应已清退",
                en: "\(it.en) is held by \(holder.name), who left on \(departed); it should have been handed back")))
        }
        if role == .recording && host.keyArea && facts.keyAreaApprover.cleaned == nil {
            found.append(Violation(type: .keyAreaDevice, severity: .high, reason: Bilingual(
                zh: "\(it.zh) 是手机、相机或录音录像设备，未经批准不得进入要害部位（本机 \(host.assetNumber) 位于要害部位）",
                en: "\(it.en) is a phone, camera or recorder, not approved for key areas (this computer \(host.assetNumber) is in one)")))
        }
        if let mismatch = capacityMismatch(device, medium: medium) { found.append(mismatch) }
        if (medium.state == .loaned || medium.state == .carriedOut), let due = medium.dueDate, due < facts.today {
            found.append(Violation(type: .overdue, severity: .medium, reason: Bilingual(
                zh: "\(it.zh) 应于 \(due) 归还，已逾期", en: "\(it.en) was due back on \(due)")))
        }
        return found
    }

    /// Rule 6: a registered identity on hardware of another size is a cloned serial. Checked again
    /// when the block device appears, which may be after the first decision.
    public static func capacityMismatch(_ device: USBDeviceObservation, medium: Medium) -> Violation? {
        guard let registered = medium.identity?.capacityBytes else { return nil }
        guard let seen = device.capacityBytes, seen != registered else { return nil }
        return Violation(type: .identityMismatch, severity: .critical, reason: Bilingual(
            zh: "介质 \(medium.number) 的容量为 \(seen) 字节，登记为 \(registered) 字节：序列号可能被克隆",
            en: "medium \(medium.number) has \(seen) bytes, registered with \(registered): its serial may be cloned"))
    }

    /// Trust on first use: a registered medium whose capacity was never recorded takes the capacity
    /// its disk shows the first time it is allowed, so a clone of its serial on other hardware is
    /// caught from then on. nil when there is nothing to learn.
    public static func capacityToLearn(_ device: USBDeviceObservation, medium: Medium) -> UInt64? {
        guard let identity = medium.identity, identity.capacityBytes == nil else { return nil }
        return device.capacityBytes
    }

    /// The verdict once an allowed medium's disk has appeared: nil while its capacity matches the
    /// registration; otherwise the previous verdict with the mismatch, blocking when the
    /// configuration says so.
    public static func recheck(_ device: USBDeviceObservation, previous: Verdict, config: GuardConfig) -> Verdict? {
        guard let medium = previous.medium, let violation = capacityMismatch(device, medium: medium) else { return nil }
        var verdict = previous
        verdict.violations = [violation]
        verdict.interfaces = []
        verdict.raiseTo = nil
        if config.action(for: violation.type) == .block { verdict.decision = .block }
        return verdict
    }

    /// 专人管理 (001): a printer on a classified computer (or one not yet registered) must be a
    /// registered peripheral of this very computer.
    static func peripheralViolations(_ device: USBDeviceObservation, kind: PeripheralKind, facts: PolicyFacts) -> [Violation] {
        if let host = facts.host, !host.level.isStateSecret { return [] }
        if isPeripheralHere(facts, kinds: [kind]) { return [] }
        let what = Bilingual(zh: "\(kind.name(.zh)) \(describe(device))", en: "\(kind.name(.en)) \(describe(device))")
        if let peripheral = facts.peripheral, let host = facts.host, peripheral.computer != host.assetNumber {
            return [Violation(type: .unregisteredPeripheral, severity: .medium, reason: Bilingual(
                zh: "\(what.zh) 登记为计算机 \(peripheral.computer) 的外设（\(peripheral.number)），不是本机 \(host.assetNumber) 的",
                en: "\(what.en) is registered as a peripheral of computer \(peripheral.computer) (\(peripheral.number)), not of this computer \(host.assetNumber)"))]
        }
        return [Violation(type: .unregisteredPeripheral, severity: .medium, reason: Bilingual(
            zh: "未登记的\(what.zh)：涉密计算机的外设须登记并专人管理（mediactl peripheral register）",
            en: "unregistered \(what.en): a classified computer's peripherals must be registered, each held by a named person (mediactl peripheral register)"))]
    }

    static func isPeripheralHere(_ facts: PolicyFacts, kinds: Set<PeripheralKind>) -> Bool {
        guard let peripheral = facts.peripheral, let host = facts.host else { return false }
        return peripheral.active && peripheral.computer == host.assetNumber && kinds.contains(peripheral.kind)
    }

    /// Rule 7: network functions on a classified or air-gapped computer.
    static func networkViolations(_ device: USBDeviceObservation, facts: PolicyFacts) -> [Violation] {
        if let host = facts.host, !host.level.isStateSecret, host.network != .standalone { return [] }
        return [Violation(type: .networkDevice, severity: .high, reason: Bilingual(
            zh: "具有联网或无线功能的设备 \(describe(device)) 接入涉密计算机", en: "network or wireless device \(describe(device)) on a classified computer"))]
    }

    static func describe(_ device: USBDeviceObservation) -> String {
        let name = SafeText.escape([device.manufacturer, device.product].compactMap { $0 }.joined(separator: " "))
        return "\(device.vendorID):\(device.productID)" + (name.isEmpty ? "" : " \(name)") + " @\(device.port)"
    }

    static func hex(_ value: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return "0x" + String([digits[Int(value >> 4)], digits[Int(value & 0xF)]])
    }
}
