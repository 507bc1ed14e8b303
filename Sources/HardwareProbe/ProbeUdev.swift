import CUdev
#if canImport(Glibc)
import Glibc
#endif

/// One inventory read's libudev scans (`UdevContext`, `UdevEnumerator`), remembering which failed.
///
/// libudev failing is not an error here: the lists it would have filled stay empty, the inventory
/// marks them unreadable (`HardwareInventory.unreadable`), and the rest is still read.
struct ProbeScan {
    private let context = try? UdevContext()
    /// Subsystems whose scan failed: their lists are empty because nothing could be read, not
    /// because nothing is there.
    private(set) var failed: Set<String> = []
    /// A device whose removal was announced, left out with everything below it (see
    /// `HardwareProbe.read(without:)`).
    var removed: String?

    /// The devices of one subsystem present now, in libudev's order (sorted by path); empty, and
    /// the subsystem noted as failed, when the scan fails.
    mutating func devices(subsystem: String) -> [UdevDevice] {
        do {
            guard let context else { throw UdevError("udev_new") }
            let enumerator = try UdevEnumerator(context: context)
            try enumerator.matchSubsystem(subsystem)
            let removed = self.removed
            return try enumerator.scan()
                .filter { path in removed.map { path != $0 && !path.hasPrefix($0 + "/") } ?? true }
                .compactMap(context.device(syspath:))
        } catch {
            failed.insert(subsystem)
            return []
        }
    }
}

/// What the inventory reads of a device beyond MediadCore's needs: attributes as raw bytes from
/// the files (libudev's copy is a C string it has already trimmed and cached, and a serial's exact
/// bytes matter), a property's exact bytes, the driver.
extension UdevDevice {
    /// A udev property's bytes, exactly as udev stored them; nil when absent.
    func propertyBytes(_ name: String) -> [UInt8]? {
        guard let value = udev_device_get_property_value(raw, name) else { return nil }
        return Array(UnsafeBufferPointer(start: UnsafeRawPointer(value).assumingMemoryBound(to: UInt8.self),
                                         count: strlen(value)))
    }

    /// The basename of the `driver` link, read by libudev.
    var driver: String? { udevString(udev_device_get_driver(raw)) }

    /// The attribute file `name` below the device (`size`, `device/serial`), raw, without the
    /// kernel's newline; nil when absent or unreadable.
    func attribute(_ name: String) -> [UInt8]? {
        guard var value = Sysfs.readBytes(syspath + "/" + name, limit: ProbeFile.attributeLimit) else { return nil }
        if value.last == UInt8(ascii: "\n") { value.removeLast() }
        return value
    }

    /// An attribute as trimmed text, for numbers and keywords.
    func attributeText(_ name: String) -> String? {
        attribute(name).map(Sysfs.text)
    }
}
