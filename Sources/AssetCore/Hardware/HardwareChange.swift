/// What differs between this computer's approved configuration and what it is made of now.
public enum HardwareChangeKind: String, Sendable, Hashable, Codable, CaseIterable {
    case diskReplaced = "disk-replaced"
    case diskRemoved = "disk-removed"
    case diskAdded = "disk-added"
    case networkCardAdded = "network-card-added"
    case networkCardRemoved = "network-card-removed"
    case systemChanged = "system-changed"
    case usbControllerAdded = "usb-controller-added"
    case usbControllerRemoved = "usb-controller-removed"
    case memoryChanged = "memory-changed"
    case firmwareChanged = "firmware-changed"
    case cpuChanged = "cpu-changed"
    case tpmChanged = "tpm-changed"

    /// How grave the change is; nil when it is only logged (an event, no violation).
    ///
    /// A disk that holds the computer's classified data replaced or taken out, or the machine (its
    /// board) swapped, is how data leaves a classified computer: critical. A disk, a network card
    /// or a USB controller added is a new way for data to leave or enter: high. Memory, firmware,
    /// CPU or TPM changes and removed cards are what repairs and upgrades do: logged, for the officer.
    public var severity: Severity? {
        switch self {
        case .diskReplaced, .diskRemoved, .systemChanged: .critical
        case .diskAdded, .networkCardAdded, .usbControllerAdded: .high
        case .networkCardRemoved, .usbControllerRemoved, .memoryChanged, .firmwareChanged, .cpuChanged, .tpmChanged: nil
        }
    }

    public var names: Bilingual {
        switch self {
        case .diskReplaced: Bilingual(zh: "硬盘被更换", en: "fixed disk replaced")
        case .diskRemoved: Bilingual(zh: "硬盘被拆除", en: "fixed disk removed")
        case .diskAdded: Bilingual(zh: "新增硬盘", en: "fixed disk added")
        case .networkCardAdded: Bilingual(zh: "新增网卡", en: "network card added")
        case .networkCardRemoved: Bilingual(zh: "网卡被拆除", en: "network card removed")
        case .systemChanged: Bilingual(zh: "整机或主板标识改变", en: "system identity changed")
        case .usbControllerAdded: Bilingual(zh: "新增USB控制器", en: "USB controller added")
        case .usbControllerRemoved: Bilingual(zh: "USB控制器被拆除", en: "USB controller removed")
        case .memoryChanged: Bilingual(zh: "内存容量改变", en: "memory changed")
        case .firmwareChanged: Bilingual(zh: "BIOS固件版本改变", en: "firmware changed")
        case .cpuChanged: Bilingual(zh: "处理器改变", en: "CPU changed")
        case .tpmChanged: Bilingual(zh: "TPM状态改变", en: "TPM changed")
        }
    }
}

/// One difference, with what was registered and what is there now, as the violation and the event
/// record it.
public struct HardwareChange: Sendable, Hashable, Codable {
    public var kind: HardwareChangeKind
    /// Names this difference across checks, so that one change is recorded once however often it is
    /// seen again (at each start, at each uevent), until a new baseline closes it.
    public var key: String
    public var before: String?
    public var after: String?

    public init(kind: HardwareChangeKind, key: String, before: String?, after: String?) {
        self.kind = kind
        self.key = key
        self.before = before
        self.after = after
    }

    public var severity: Severity? { kind.severity }

    /// "fixed disk replaced: before …; after …", for the violation's reason and the event's note.
    public var summary: Bilingual {
        let none = Bilingual(zh: "无", en: "none")
        return Bilingual(
            zh: "\(kind.names.zh)：登记为 \(before ?? none.zh)；现为 \(after ?? none.zh)",
            en: "\(kind.names.en): registered \(before ?? none.en); now \(after ?? none.en)")
    }
}
