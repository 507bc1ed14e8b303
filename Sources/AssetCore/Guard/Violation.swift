/// The violations the guard recognises (domain.md, "Violations the daemon must recognise").
public enum ViolationType: String, Sendable, Hashable, Codable, CaseIterable {
    /// 1. A storage device that is not in the ledger.
    case unregisteredMedium = "unregistered-medium"
    /// 2. A registered medium above this computer's level.
    case levelAboveComputer = "level-above-computer"
    /// 3. An unclassified or internal medium on a classified computer (明密分开).
    case unclassifiedOnClassified = "unclassified-on-classified"
    /// 3'. A classified medium on an unclassified computer.
    case classifiedOnUnclassified = "classified-on-unclassified"
    /// 4. A medium whose state forbids use (destroyed, lost, pending destruction, under repair, handed back).
    case stateForbidsUse = "state-forbids-use"
    /// 5. A medium bound to other computers.
    case boundElsewhere = "bound-elsewhere"
    /// 6. A medium whose hardware does not match its registration (cloned serial, other capacity).
    case identityMismatch = "identity-mismatch"
    /// 10. A phone or camera (MTP/PTP) or other storage-capable device that is not registered.
    case unregisteredStorageCapable = "unregistered-storage-capable"
    /// 11. A medium held by a person who has left.
    case holderDeparted = "holder-departed"
    /// A storage device with no serial: it cannot be told apart from any other.
    case noSerial = "no-serial"
    /// A device of a class the guard does not know: blocked and recorded.
    case unknownDevice = "unknown-device"
    /// 7. A device with a network or wireless function on a classified computer.
    case networkDevice = "network-device"
    /// 11. A loaned or carried-out medium seen after its due date.
    case overdue
    /// The guard runs on a computer that is not in the ledger: it cannot know what is allowed.
    case computerNotRegistered = "computer-not-registered"
    /// 8. 违规外联: a link, carrier, address or route where none may be (see `LinkViolationType`).
    case unauthorizedLink = "unauthorized-link"
    /// 9. 一机两用: on the classified LAN and another network at once.
    case dualHomed = "dual-homed"
    /// 7. A Wi-Fi, WWAN, Bluetooth or tethering link on a classified computer.
    case wirelessDevice = "wireless-device"
    /// 6. Two devices with one identity (vendor, product, serial) attached at once: one is a clone.
    case duplicateIdentity = "duplicate-identity"
    /// 004 §3.3: a classified medium of a lower level used on a higher-level computer (交叉使用).
    /// What mediad does about it is `lower-level-medium = raise | block | log` in mediad.conf.
    case lowerLevelMedium = "lower-level-medium"
    /// 物理隔离: this computer is registered as classified and on the internet (or on an internal
    /// network with no LAN prefixes to tell the LAN from anything else).
    case classifiedOnline = "classified-online"
    /// 11. 清退: a person left while still holding or having borrowed media.
    case handbackOutstanding = "handback-outstanding"
    /// 10. 003 第十条: a phone, camera or recorder in a key area without a key-area approval.
    case keyAreaDevice = "key-area-device"
    /// 12. The guard was not watching: it stopped uncleanly (killed, power lost).
    case guardGap = "guard-gap"
    /// 12. The guard started weakened on a classified computer: audit mode, or no lockdown.
    case guardWeakened = "guard-weakened"
    /// 12. The guard was stopped on request (a signal from a user or from systemd).
    case guardStopped = "guard-stopped"
    /// 清查核对: a medium the check expected was not seen by its end (001 §3.7, 004 §4.1).
    case missingAtCheck = "missing-at-check"
    /// 4. 清查核对: a medium recorded as lost or destroyed was seen at a check.
    case forbiddenAtCheck = "forbidden-at-check"
    /// 涉密计算机台账: this computer's hardware is not its approved baseline (a disk replaced, removed
    /// or added, a network card or USB controller added, the machine or its board swapped).
    case hardwareChanged = "hardware-changed"
    /// 专人管理 (001): a printer, scanner or camera that is not a registered peripheral of this computer.
    case unregisteredPeripheral = "unregistered-peripheral"
    /// The unit (found by the hub): a computer's records skip sequence numbers — rows deleted on the
    /// computer before they reached the hub.
    case recordsMissing = "records-missing"
    /// The unit (found by the hub): a computer's record no longer hashes to what the chain says —
    /// edited on the computer.
    case recordsAltered = "records-altered"
    /// The unit (found by mediad): a ledger change that is not the unit's, not the next one, or not
    /// well formed came through the courier and was refused.
    case unitPayloadRefused = "unit-payload-refused"
    /// 12. The ledger could not store records for a while (a full or read-only disk, a damaged
    /// file): devices were blocked for it and the records were spooled; found when storage is back.
    case ledgerUnavailable = "ledger-unavailable"

    /// Found about the guard itself, this computer's record, a departure or a media check: there is no
    /// device or link to block, so they are always recorded as logged and mediad.conf has no say.
    public var blocksNothing: Bool {
        switch self {
        case .guardGap, .guardWeakened, .guardStopped, .classifiedOnline, .handbackOutstanding, .missingAtCheck,
             .forbiddenAtCheck, .hardwareChanged, .recordsMissing, .recordsAltered, .unitPayloadRefused,
             .ledgerUnavailable:
            true
        default:
            false
        }
    }

    public var names: Bilingual {
        switch self {
        case .unregisteredMedium: Bilingual(zh: "未登记存储介质", en: "unregistered storage medium")
        case .levelAboveComputer: Bilingual(zh: "高密级介质用于低密级计算机", en: "medium above the computer's level")
        case .unclassifiedOnClassified: Bilingual(zh: "非密介质用于涉密计算机（明密混用）", en: "unclassified medium on a classified computer")
        case .classifiedOnUnclassified: Bilingual(zh: "涉密介质用于非涉密计算机", en: "classified medium on an unclassified computer")
        case .stateForbidsUse: Bilingual(zh: "介质状态不允许使用", en: "medium state forbids use")
        case .boundElsewhere: Bilingual(zh: "介质未授权在本机使用", en: "medium bound to other computers")
        case .identityMismatch: Bilingual(zh: "介质硬件特征与登记不符", en: "hardware identity mismatch")
        case .unregisteredStorageCapable: Bilingual(zh: "未登记的手机或具有存储功能的设备", en: "unregistered phone or storage-capable device")
        case .holderDeparted: Bilingual(zh: "介质责任人已离岗", en: "medium held by a departed person")
        case .noSerial: Bilingual(zh: "存储设备无序列号", en: "storage device without a serial")
        case .unknownDevice: Bilingual(zh: "未知类型设备", en: "unknown device class")
        case .networkDevice: Bilingual(zh: "具有联网或无线功能的设备", en: "network or wireless device")
        case .overdue: Bilingual(zh: "介质逾期未归还", en: "medium past its due date")
        case .computerNotRegistered: Bilingual(zh: "本机未登记", en: "this computer is not registered")
        case .unauthorizedLink: LinkViolationType.unauthorizedLink.names
        case .dualHomed: LinkViolationType.dualHomed.names
        case .wirelessDevice: LinkViolationType.wirelessDevice.names
        case .duplicateIdentity: Bilingual(zh: "两个设备硬件标识相同（疑似克隆）", en: "two devices with one identity")
        case .lowerLevelMedium: Bilingual(zh: "低密级介质用于高密级计算机", en: "lower-level medium on a higher-level computer")
        case .classifiedOnline: Bilingual(zh: "涉密计算机登记为联网（违反物理隔离）", en: "classified computer registered as online")
        case .handbackOutstanding: Bilingual(zh: "离岗人员介质未清退", en: "media not handed back on departure")
        case .keyAreaDevice: Bilingual(zh: "未经批准的手机或录音录像设备进入要害部位", en: "recording device in a key area without approval")
        case .guardGap: Bilingual(zh: "监控中断（非正常停止）", en: "gap in the guard's watch")
        case .guardWeakened: Bilingual(zh: "监控以削弱方式启动", en: "guard started weakened")
        case .guardStopped: Bilingual(zh: "监控被人为停止", en: "guard stopped on request")
        case .missingAtCheck: Bilingual(zh: "清查核对时介质未见", en: "medium missing at a check")
        case .forbiddenAtCheck: Bilingual(zh: "清查核对见到已遗失或已销毁的介质", en: "lost or destroyed medium seen at a check")
        case .hardwareChanged: Bilingual(zh: "计算机硬件与登记基线不符", en: "hardware differs from the approved baseline")
        case .unregisteredPeripheral: Bilingual(zh: "未登记的打印机、扫描仪或摄像头", en: "unregistered printer, scanner or camera")
        case .recordsMissing: Bilingual(zh: "计算机记录缺失（疑被删除）", en: "records missing from a computer")
        case .recordsAltered: Bilingual(zh: "计算机记录被篡改", en: "records altered on a computer")
        case .unitPayloadRefused: Bilingual(zh: "拒收非本单位或失序的台账变更", en: "ledger change refused")
        case .ledgerUnavailable: Bilingual(zh: "台账一度无法写入（存储故障）", en: "ledger could not store records")
        }
    }

    public init?(parsing text: String) {
        self.init(rawValue: text.trimmingWhitespace().lowercased())
    }

    /// The same violation in the one namespace records and configuration use.
    public init(_ link: LinkViolationType) {
        self.init(rawValue: link.rawValue)!
    }
}

/// One broken rule, with how bad it is and why, ready to be stored, logged and shown.
public struct Violation: Sendable, Hashable, Codable {
    public var type: ViolationType
    public var severity: Severity
    public var reason: Bilingual

    public init(type: ViolationType, severity: Severity, reason: Bilingual) {
        self.type = type
        self.severity = severity
        self.reason = reason
    }
}
