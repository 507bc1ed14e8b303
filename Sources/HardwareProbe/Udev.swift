import CUdev
#if canImport(Glibc)
import Glibc
#endif

/// A libudev call failed. libudev reports failures as NULL or a negative errno; this keeps the
/// operation and the errno text so a log line says what went wrong without a debugger.
public struct UdevError: Error, Sendable, Equatable, CustomStringConvertible {
    public var operation: String
    public var code: Int32

    public init(_ operation: String, code: Int32 = errno) {
        self.operation = operation
        // libudev returns -errno from some calls and sets errno for others: store it positive.
        self.code = code < 0 ? -code : code
    }

    public var description: String { "\(operation): \(UdevError.text(for: code))" }

    /// `strerror` text for an errno value (`strerror_r` has two incompatible prototypes on glibc).
    public static func text(for code: Int32) -> String {
        guard code != 0, let text = strerror(code) else { return "errno \(code)" }
        return String(cString: text)
    }
}

/// Owns one `struct udev *`.
///
/// Not Sendable: libudev objects may not be used from two threads at once. Each reader creates its
/// own context (cheap) instead of sharing one, which is what makes the readers themselves Sendable.
public final class UdevContext {
    public let raw: OpaquePointer

    public init() throws(UdevError) {
        guard let raw = udev_new() else { throw UdevError("udev_new") }
        self.raw = raw
    }

    deinit { udev_unref(raw) }

    /// The device at `syspath`, or nil when it does not exist (e.g. already unplugged).
    public func device(syspath: String) -> UdevDevice? {
        guard let raw = udev_device_new_from_syspath(raw, syspath) else { return nil }
        return UdevDevice(owning: raw, context: self)
    }
}

/// Owns one reference to a `struct udev_device *`.
///
/// Keeps its context alive: libudev devices point at their context without holding a reference.
/// Values are re-read from a fresh device, never cached here, because libudev caches sysattrs per
/// device object and a stale cache would hide a change.
public final class UdevDevice {
    public let raw: OpaquePointer
    public let context: UdevContext

    /// Takes over a reference the caller already owns (from `udev_device_new_*` or a monitor).
    public init(owning raw: OpaquePointer, context: UdevContext) {
        self.raw = raw
        self.context = context
    }

    /// Adds a reference of its own: for devices libudev lends (parents are owned by their child).
    public convenience init(borrowing raw: OpaquePointer, context: UdevContext) {
        self.init(owning: udev_device_ref(raw), context: context)
    }

    deinit { udev_device_unref(raw) }

    public var syspath: String { udevString(udev_device_get_syspath(raw)) ?? "" }
    public var sysname: String { udevString(udev_device_get_sysname(raw)) ?? "" }
    public var subsystem: String? { udevString(udev_device_get_subsystem(raw)) }
    public var devtype: String? { udevString(udev_device_get_devtype(raw)) }
    /// Only set on devices received from a monitor.
    public var action: String? { udevString(udev_device_get_action(raw)) }
    public var devnode: String? { udevString(udev_device_get_devnode(raw)) }

    /// One udev property (`ID_FS_UUID`, `DEVTYPE`…), nil when absent.
    public func property(_ name: String) -> String? {
        udevString(udev_device_get_property_value(raw, name))
    }

    /// All udev properties. Invalid UTF-8 is repaired (U+FFFD); read raw sysfs bytes where exact
    /// bytes matter (serials).
    public var properties: [String: String] {
        var result: [String: String] = [:]
        var entry = udev_device_get_properties_list_entry(raw)
        while let current = entry {
            if let name = udevString(udev_list_entry_get_name(current)) {
                result[name] = udevString(udev_list_entry_get_value(current)) ?? ""
            }
            entry = udev_list_entry_get_next(current)
        }
        return result
    }

    /// A sysfs attribute through libudev (trailing newline removed, value cached by libudev for the
    /// life of this object). Use `Sysfs.readBytes` when the raw bytes matter.
    public func sysattr(_ name: String) -> String? {
        udevString(udev_device_get_sysattr_value(raw, name))
    }

    /// The nearest ancestor with this subsystem (and devtype, when given).
    public func parent(subsystem: String, devtype: String? = nil) -> UdevDevice? {
        let found: OpaquePointer? = if let devtype {
            udev_device_get_parent_with_subsystem_devtype(raw, subsystem, devtype)
        } else {
            udev_device_get_parent_with_subsystem_devtype(raw, subsystem, nil)
        }
        guard let found else { return nil }
        return UdevDevice(borrowing: found, context: context)
    }

    /// The direct parent in the sysfs tree.
    public var parent: UdevDevice? {
        guard let found = udev_device_get_parent(raw) else { return nil }
        return UdevDevice(borrowing: found, context: context)
    }

    public var isUSBDevice: Bool { subsystem == "usb" && devtype == "usb_device" }
}

/// Owns one `struct udev_enumerate *`: a one-shot scan of the devices present now.
public final class UdevEnumerator {
    public let raw: OpaquePointer
    public let context: UdevContext

    public init(context: UdevContext) throws(UdevError) {
        guard let raw = udev_enumerate_new(context.raw) else { throw UdevError("udev_enumerate_new") }
        self.raw = raw
        self.context = context
    }

    deinit { udev_enumerate_unref(raw) }

    public func matchSubsystem(_ subsystem: String) throws(UdevError) {
        try check(udev_enumerate_add_match_subsystem(raw, subsystem), "match subsystem \(subsystem)")
    }

    public func matchProperty(_ name: String, _ value: String) throws(UdevError) {
        try check(udev_enumerate_add_match_property(raw, name, value), "match property \(name)")
    }

    /// Limits the scan to `parent` and everything below it (the parent itself is included).
    public func matchParent(_ parent: UdevDevice) throws(UdevError) {
        try check(udev_enumerate_add_match_parent(raw, parent.raw), "match parent \(parent.syspath)")
    }

    /// Syspaths of the matching devices, in libudev's order.
    public func scan() throws(UdevError) -> [String] {
        try check(udev_enumerate_scan_devices(raw), "udev_enumerate_scan_devices")
        var paths: [String] = []
        var entry = udev_enumerate_get_list_entry(raw)
        while let current = entry {
            if let path = udevString(udev_list_entry_get_name(current)) { paths.append(path) }
            entry = udev_list_entry_get_next(current)
        }
        return paths
    }

    private func check(_ result: Int32, _ operation: String) throws(UdevError) {
        if result < 0 { throw UdevError(operation, code: result) }
    }
}

/// Copies a C string libudev owns (valid only until the next call on the same object).
@inline(__always)
public func udevString(_ pointer: UnsafePointer<CChar>?) -> String? {
    guard let pointer else { return nil }
    return String(cString: pointer)
}
