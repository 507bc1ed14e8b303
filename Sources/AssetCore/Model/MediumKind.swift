/// The category of a storage medium. The ledger numbers media per category (按类别统一编号), so each
/// kind carries the prefix of its unified numbers.
public enum MediumKind: String, Sendable, Codable, CaseIterable {
    case usbStick = "usb-stick"
    case usbDisk = "usb-disk"
    case memoryCard = "memory-card"
    case optical
    case floppy
    case hardDisk = "hard-disk"
    case other

    public var names: Bilingual {
        switch self {
        case .usbStick: Bilingual(zh: "U盘", en: "usb-stick")
        case .usbDisk: Bilingual(zh: "移动硬盘", en: "usb-disk")
        case .memoryCard: Bilingual(zh: "存储卡", en: "memory-card")
        case .optical: Bilingual(zh: "光盘", en: "optical")
        case .floppy: Bilingual(zh: "软盘", en: "floppy")
        case .hardDisk: Bilingual(zh: "硬盘", en: "hard-disk")
        case .other: Bilingual(zh: "其他", en: "other")
        }
    }

    public func name(_ language: Language) -> String { names.text(language) }

    /// Prefix of generated unified numbers: `U-2026-0001` for the first stick of 2026.
    public var numberPrefix: String {
        switch self {
        case .usbStick: "U"
        case .usbDisk: "YP"
        case .memoryCard: "CK"
        case .optical: "GP"
        case .floppy: "RP"
        case .hardDisk: "YD"
        case .other: "QT"
        }
    }

    public init?(parsing text: String) {
        let key = text.trimmingWhitespace().lowercased().replacingOccurrences(of: "_", with: "-")
        if let kind = MediumKind(rawValue: key) { self = kind; return }
        let aliases: [String: MediumKind] = [
            "u盘": .usbStick, "优盘": .usbStick, "usb": .usbStick, "stick": .usbStick,
            "移动硬盘": .usbDisk, "存储卡": .memoryCard, "sd": .memoryCard, "tf": .memoryCard,
            "光盘": .optical, "光碟": .optical, "cd": .optical, "dvd": .optical,
            "软盘": .floppy, "硬盘": .hardDisk, "磁介质": .other, "其他": .other,
        ]
        guard let kind = aliases[key] else { return nil }
        self = kind
    }

    public static var acceptedNames: String {
        allCases.map { "\($0.rawValue) (\($0.name(.zh)))" }.joined(separator: ", ")
    }
}
