import CUdev
#if canImport(Glibc)
import Glibc
#endif

/// One libudev context for one inventory read (a small copy of MediadCore's `UdevContext`, which
/// this library cannot see). Not Sendable, like every libudev object: `HardwareProbe.read` makes
/// its own and drops it when done.
///
/// libudev failing to start is not an error here: the lists it would have filled stay empty and
/// the rest of the inventory is still read.
final class ProbeContext {
    let raw: OpaquePointer?
    /// Subsystems whose scan failed: their lists are empty because nothing could be read, not
    /// because nothing is there, and the inventory says so (`HardwareInventory.unreadable`).
    private(set) var failed: Set<String> = []

    init() { raw = udev_new() }

    deinit { if let raw { udev_unref(raw) } }

    /// The devices of one subsystem present now, in libudev's order (sorted by path); empty when
    /// the scan fails.
    func devices(subsystem: String) -> [ProbeDevice] {
        guard let raw, let enumerator = udev_enumerate_new(raw) else {
            failed.insert(subsystem)
            return []
        }
        defer { udev_enumerate_unref(enumerator) }
        guard udev_enumerate_add_match_subsystem(enumerator, subsystem) >= 0,
              udev_enumerate_scan_devices(enumerator) >= 0 else {
            failed.insert(subsystem)
            return []
        }
        var found: [ProbeDevice] = []
        var entry = udev_enumerate_get_list_entry(enumerator)
        while let current = entry {
            if let path = udev_list_entry_get_name(current),
               let device = udev_device_new_from_syspath(raw, path) {
                found.append(ProbeDevice(owning: device, context: self))
            }
            entry = udev_list_entry_get_next(current)
        }
        return found
    }
}

/// One `struct udev_device *`: its names and udev properties through libudev, its attributes as
/// raw bytes from the files (libudev's copy of an attribute is a C string it has already trimmed
/// and cached, and a serial's exact bytes matter).
final class ProbeDevice {
    let raw: OpaquePointer
    /// libudev devices point at their context without holding a reference to it.
    let context: ProbeContext

    init(owning raw: OpaquePointer, context: ProbeContext) {
        self.raw = raw
        self.context = context
    }

    deinit { udev_device_unref(raw) }

    var syspath: String { string(udev_device_get_syspath(raw)) ?? "" }
    var sysname: String { string(udev_device_get_sysname(raw)) ?? "" }
    var devtype: String? { string(udev_device_get_devtype(raw)) }
    /// The basename of the `driver` link, read by libudev.
    var driver: String? { string(udev_device_get_driver(raw)) }

    /// A udev property's bytes, exactly as udev stored them; nil when absent.
    func propertyBytes(_ name: String) -> [UInt8]? {
        guard let value = udev_device_get_property_value(raw, name) else { return nil }
        return Array(UnsafeBufferPointer(start: UnsafeRawPointer(value).assumingMemoryBound(to: UInt8.self),
                                         count: strlen(value)))
    }

    func property(_ name: String) -> String? {
        string(udev_device_get_property_value(raw, name))
    }

    /// The attribute file `name` below the device (`size`, `device/serial`), raw; nil when absent
    /// or unreadable.
    func attribute(_ name: String) -> [UInt8]? {
        ProbeFile.attribute(syspath + "/" + name)
    }

    /// An attribute as trimmed text, for numbers and keywords.
    func attributeText(_ name: String) -> String? {
        attribute(name).map(ProbeFile.text)
    }

    /// The device above this one in the sysfs tree (a disk's controller, a card's PCI function).
    var parent: ProbeDevice? {
        guard let found = udev_device_get_parent(raw) else { return nil }
        return ProbeDevice(owning: udev_device_ref(found), context: context)
    }

    private func string(_ pointer: UnsafePointer<CChar>?) -> String? {
        pointer.map { String(cString: $0) }
    }
}
