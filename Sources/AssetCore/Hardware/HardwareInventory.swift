/// What this computer is made of, as read from the machine itself: the part of the 涉密计算机台账 that
/// the hardware can prove (model, disk serials, MAC addresses) and the parts whose change is how the
/// rules are got round (a disk swapped or added, a network card added, the board replaced).
///
/// Every field is optional: nil means "unknown" (unreadable, absent, garbage or a placeholder such as
/// "To be filled by O.E.M."), and an unknown value is never compared, so it can never be reported as
/// a change.
public struct HardwareInventory: Sendable, Hashable, Codable {
    public var system: SystemIdentity
    /// Installed memory in bytes (MemTotal, which the kernel's reservations make a little smaller
    /// than the modules' size; compared with a tolerance).
    public var memoryBytes: UInt64?
    public var cpuModel: String?
    /// Whether a TPM is present; nil when it could not be told.
    public var tpm: Bool?
    /// Fixed disks: SATA, NVMe, SCSI, virtio, eMMC. Never USB disks, which are media.
    public var disks: [FixedDisk]
    /// Network cards with hardware behind them (PCI, SDIO, platform); never virtual links, never USB
    /// adapters (those are devices the USB guard judges).
    public var networkCards: [NetworkCard]
    /// PCI USB host controllers: a controller card added is a new way in for media.
    public var usbControllers: [USBController]
    public var os: OperatingSystem?
    /// Lists that could not be read at all (libudev failed): unknown, so never compared. Empty
    /// normally; absent from inventories stored before it existed.
    public var unreadable: [HardwarePart]? = nil

    public init(system: SystemIdentity = SystemIdentity(), memoryBytes: UInt64? = nil, cpuModel: String? = nil,
                tpm: Bool? = nil, disks: [FixedDisk] = [], networkCards: [NetworkCard] = [],
                usbControllers: [USBController] = [], os: OperatingSystem? = nil) {
        self.system = system
        self.memoryBytes = memoryBytes
        self.cpuModel = cpuModel
        self.tpm = tpm
        self.disks = disks
        self.networkCards = networkCards
        self.usbControllers = usbControllers
        self.os = os
    }
}

/// The lists of an inventory, for saying which could not be read.
public enum HardwarePart: String, Sendable, Hashable, Codable {
    case disks = "disks"
    case networkCards = "network-cards"
    case usbControllers = "usb-controllers"
}

/// The machine's own identity from DMI (SMBIOS): a changed product or board serial means the
/// machine, or its main board, is not the one registered.
public struct SystemIdentity: Sendable, Hashable, Codable {
    public var vendor: String?
    public var product: String?
    public var serial: String?
    public var boardSerial: String?
    public var biosVersion: String?

    public init(vendor: String? = nil, product: String? = nil, serial: String? = nil, boardSerial: String? = nil,
                biosVersion: String? = nil) {
        self.vendor = vendor
        self.product = product
        self.serial = serial
        self.boardSerial = boardSerial
        self.biosVersion = biosVersion
    }

    /// "Vendor Product", for forms; nil when neither is known.
    public var model: String? {
        let parts = [vendor, product].compactMap { $0 }
        return parts.isEmpty ? nil : parts.joined(separator: " ")
    }
}

/// How a disk or a card is attached.
public enum HardwareBus: String, Sendable, Hashable, Codable, CaseIterable {
    case sata, nvme, scsi, virtio, mmc, pci, usb, sdio, platform, unknown
}

/// One fixed disk. Its identity is its serial, else its WWN; `slot` (where it sits, the sysfs path of
/// its controller port) lets a disk whose serial cannot be read now still be recognised.
public struct FixedDisk: Sendable, Hashable, Codable {
    /// The kernel's name now (`sda`, `nvme0n1`): for people, never for matching (names move).
    public var name: String
    public var model: String?
    public var serial: String?
    public var wwn: String?
    public var sizeBytes: UInt64?
    public var bus: HardwareBus
    public var slot: String?

    public init(name: String, model: String? = nil, serial: String? = nil, wwn: String? = nil, sizeBytes: UInt64? = nil,
                bus: HardwareBus = .unknown, slot: String? = nil) {
        self.name = name
        self.model = model
        self.serial = serial
        self.wwn = wwn
        self.sizeBytes = sizeBytes
        self.bus = bus
        self.slot = slot
    }
}

/// One network card; its identity is its permanent MAC address (lower case), which a driver's
/// changeable address cannot hide.
public struct NetworkCard: Sendable, Hashable, Codable {
    public var name: String
    public var mac: String?
    public var driver: String?
    public var bus: HardwareBus
    public var wireless: Bool
    public var slot: String?

    public init(name: String, mac: String? = nil, driver: String? = nil, bus: HardwareBus = .unknown,
                wireless: Bool = false, slot: String? = nil) {
        self.name = name
        self.mac = mac
        self.driver = driver
        self.bus = bus
        self.wireless = wireless
        self.slot = slot
    }
}

/// A PCI USB host controller, known by its PCI address and ids.
public struct USBController: Sendable, Hashable, Codable {
    /// The PCI address (`0000:00:14.0`).
    public var slot: String
    public var vendorID: String?
    public var deviceID: String?
    public var driver: String?

    public init(slot: String, vendorID: String? = nil, deviceID: String? = nil, driver: String? = nil) {
        self.slot = slot
        self.vendorID = vendorID
        self.deviceID = deviceID
        self.driver = driver
    }
}

/// The operating system: shown on the register, never compared (updates change it).
public struct OperatingSystem: Sendable, Hashable, Codable {
    public var kernel: String?
    public var distribution: String?

    public init(kernel: String? = nil, distribution: String? = nil) {
        self.kernel = kernel
        self.distribution = distribution
    }
}

/// Turning what firmware and drivers report into a value or "unknown".
public enum HardwareText {
    /// A sysfs or DMI attribute as read: the trailing newline dropped, surrounding blanks trimmed,
    /// odd bytes escaped (`SafeText`), and nil for empty text and the placeholders vendors leave in
    /// their firmware, which identify nothing and would make two machines look alike.
    public static func value(_ bytes: [UInt8]?) -> String? {
        guard var bytes else { return nil }
        // The kernel's newline, the NUL and blank padding firmware strings carry: not the value.
        while let last = bytes.last, last == 0x0A || last == 0x00 || last == 0x20 || last == 0x09 { bytes.removeLast() }
        while let first = bytes.first, first == 0x20 || first == 0x09 { bytes.removeFirst() }
        return value(SafeText.escape(bytes: bytes))
    }

    public static func value(_ text: String?) -> String? {
        guard let text = text?.trimmingWhitespace(), !text.isEmpty, text.count <= 256 else { return nil }
        let key = text.uppercased()
        if placeholders.contains(key) || key.hasPrefix("TO BE FILLED") || key.hasPrefix("DEFAULT STRING") { return nil }
        if Set(key).count == 1, let only = key.first, only == "0" || only == "F" || only == "X" || only == " " { return nil }
        return text
    }

    /// What SMBIOS tables say when nobody filled the field in.
    static let placeholders: Set<String> = [
        "NONE", "N/A", "NA", "NOT SPECIFIED", "NOT APPLICABLE", "NOT AVAILABLE", "NOT PRESENT", "UNKNOWN",
        "SYSTEM SERIAL NUMBER", "SYSTEM PRODUCT NAME", "SYSTEM MANUFACTURER", "SYSTEM VERSION",
        "BASE BOARD SERIAL NUMBER", "CHASSIS SERIAL NUMBER", "BASEBOARD SERIAL NUMBER", "SERIAL NUMBER",
        "O.E.M.", "OEM", "INVALID", "DEFAULT", "0123456789", "123456789", "1234567890", "EMPTY", "NO ASSET TAG",
    ]

    /// A MAC address as `aa:bb:cc:dd:ee:ff`; nil for anything else and for the all-zero address.
    public static func mac(_ text: String?) -> String? {
        guard let text = text?.trimmingWhitespace().lowercased() else { return nil }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 6, parts.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isHexDigit) }) else { return nil }
        return parts.allSatisfy({ $0 == "00" }) ? nil : text
    }
}
