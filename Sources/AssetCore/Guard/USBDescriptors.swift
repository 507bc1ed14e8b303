/// Reads interface descriptors out of a device's `descriptors` sysfs file.
///
/// With lockdown on, a new device is not configured, so the kernel has not created its interface
/// devices yet; the raw descriptors are the only place its interface classes can be learnt before
/// the decision (USBGuard does the same). Pure and bounds-checked: the bytes come from the device.
public enum USBDescriptors {
    public struct Interface: Sendable, Hashable {
        public var configuration: Int
        public var number: Int
        public var interfaceClass: UInt8
        public var subclass: UInt8
        public var protocolCode: UInt8
    }

    /// The fields of the 18-byte device descriptor a decision uses.
    public struct Device: Sendable, Hashable {
        public var deviceClass: UInt8
        public var vendorID: UInt16
        public var productID: UInt16
        public var bcdDevice: UInt16
    }

    /// The device descriptor at the start of `descriptors`, nil unless it is a whole one
    /// (bLength 18, bDescriptorType 1). The kernel derives `idVendor`, `idProduct`, `bcdDevice` and
    /// `bDeviceClass` from these very bytes, so one read answers four attribute reads.
    public static func device(from bytes: [UInt8]) -> Device? {
        guard bytes.count >= 18, bytes[0] == 18, bytes[1] == 0x01 else { return nil }
        func word(_ at: Int) -> UInt16 { UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8 }
        return Device(deviceClass: bytes[4], vendorID: word(8), productID: word(10), bcdDevice: word(12))
    }

    /// Interfaces of every configuration, alternate settings folded (first seen wins).
    public static func interfaces(from bytes: [UInt8]) -> [Interface] {
        var result: [Interface] = []
        var configuration = 0
        var index = 0
        while index + 2 <= bytes.count {
            let length = Int(bytes[index])
            let type = bytes[index + 1]
            guard length >= 2, index + length <= bytes.count else { break }
            switch type {
            case 0x02 where length >= 6:
                configuration = Int(bytes[index + 5])
            case 0x04 where length >= 9:
                let number = Int(bytes[index + 2])
                if !result.contains(where: { $0.configuration == configuration && $0.number == number }) {
                    result.append(Interface(configuration: configuration, number: number, interfaceClass: bytes[index + 5],
                                            subclass: bytes[index + 6], protocolCode: bytes[index + 7]))
                }
            default:
                break
            }
            index += length
        }
        return result
    }
}
