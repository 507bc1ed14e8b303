/// What the hardware says it is: how the daemon recognises a registered medium when it is plugged in.
///
/// Real serials are unreliable (GLPI's agent breaks on sticks whose serial is "001"; cheap sticks share
/// placeholder serials), so the identity also carries the capacity in bytes, which a clone rarely
/// matches, and the filesystem UUIDs seen at registration.
public struct HardwareIdentity: Sendable, Hashable, Codable {
    /// USB idVendor, four lower-case hex digits.
    public var vendorID: String
    /// USB idProduct, four lower-case hex digits.
    public var productID: String
    /// The device's serial string exactly as reported; may hold any characters (show it escaped).
    public var serial: String
    public var capacityBytes: UInt64?
    public var filesystemUUIDs: [String]

    public init(vendorID: String, productID: String, serial: String, capacityBytes: UInt64? = nil,
                filesystemUUIDs: [String] = []) {
        self.vendorID = vendorID
        self.productID = productID
        self.serial = serial
        self.capacityBytes = capacityBytes
        self.filesystemUUIDs = filesystemUUIDs
    }

    /// Normalises a USB id as typed (`0781`, `0x0781`, `781`) to four lower-case hex digits.
    public static func normaliseUSBID(_ text: String) -> String? {
        var digits = text.trimmingWhitespace().lowercased()
        if digits.hasPrefix("0x") { digits.removeFirst(2) }
        guard (1...4).contains(digits.count), digits.allSatisfy({ $0.isHexDigit }) else { return nil }
        return String(repeating: "0", count: 4 - digits.count) + digits
    }

    /// Why a serial cannot tell one device from another, or nil when it looks like a real serial.
    public static func weakness(ofSerial serial: String) -> Bilingual? {
        let trimmed = serial.trimmingWhitespace()
        if trimmed.isEmpty {
            return Bilingual(zh: "序列号为空", en: "the serial is empty")
        }
        let upper = trimmed.uppercased()
        if Set(upper).count == 1 {
            return Bilingual(zh: "序列号全为同一字符（\(upper.first!)）", en: "the serial is one repeated character (\(upper.first!))")
        }
        if placeholderSerials.contains(upper) {
            return Bilingual(zh: "序列号是常见的占位值", en: "the serial is a known placeholder that many devices share")
        }
        if upper.count < 6 {
            return Bilingual(zh: "序列号过短（少于6个字符）", en: "the serial is shorter than 6 characters")
        }
        return nil
    }

    /// Serials that whole production runs of cheap devices share.
    static let placeholderSerials: Set<String> = [
        "0123456789ABCDEF", "0123456789", "123456789", "1234567890", "123456789ABC",
        "000000000001", "0000000000000001", "00000000000000000001", "1234567890ABCDEF",
        "ABCDEF0123456789", "FEDCBA9876543210", "0000000000000000000000000000000000000001",
        "DEMO", "SERIAL", "NONE", "UNKNOWN", "DEFAULT", "USB", "USB2.0", "AAAAAAAAAAAA",
    ]
}

/// Sizes as people type them: `15376318464`, `16GB` (decimal, as printed on the package), `14.3GiB`.
public enum Capacity {
    public static func parse(_ text: String) -> UInt64? {
        let trimmed = text.trimmingWhitespace().uppercased().replacingOccurrences(of: " ", with: "")
        if let bytes = UInt64(trimmed) { return bytes }
        let units: [(String, Double)] = [
            ("TIB", 1_099_511_627_776), ("GIB", 1_073_741_824), ("MIB", 1_048_576), ("KIB", 1024),
            ("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("KB", 1e3),
            ("T", 1e12), ("G", 1e9), ("M", 1e6), ("K", 1e3), ("B", 1),
        ]
        for (suffix, factor) in units where trimmed.hasSuffix(suffix) {
            guard let number = Double(trimmed.dropLast(suffix.count)), number >= 0,
                  number * factor < 1.8e19 else { return nil }
            return UInt64((number * factor).rounded())
        }
        return nil
    }

    /// `15.4 GB`: decimal units, as the capacity is printed on the stick.
    public static func describe(_ bytes: UInt64) -> String {
        let units = ["B", "KB", "MB", "GB", "TB", "PB"]
        var value = Double(bytes)
        var index = 0
        while value >= 1000, index < units.count - 1 {
            value /= 1000
            index += 1
        }
        if index == 0 { return "\(bytes) B" }
        let tenths = (value * 10).rounded() / 10
        let text = tenths == tenths.rounded() ? String(Int(tenths)) : String(tenths)
        return "\(text) \(units[index])"
    }
}
