/// Where USB devices are in sysfs: enumeration of the present ones and the way from any child
/// (interface, SCSI host, disk, network link) up to the `usb_device` that owns it.
///
/// Stateless and Sendable: every call opens its own libudev context, so callers on any actor or
/// thread may use it without sharing libudev objects.
enum USBTopology {
    /// Syspaths of every present USB device (`usb`/`usb_device`, root hubs included), parents
    /// before children, so a caller that authorizes in order never meets a device before the hub
    /// it hangs from.
    static func presentDevices() throws(UdevError) -> [String] {
        let context = try UdevContext()
        let enumerator = try UdevEnumerator(context: context)
        try enumerator.matchSubsystem("usb")
        try enumerator.matchProperty("DEVTYPE", "usb_device")
        var paths: [String] = []
        for path in try enumerator.scan() {
            // The property match is enough in practice; check again so a device whose uevent
            // lies about DEVTYPE in a later libudev cannot slip interfaces into the list.
            guard let device = context.device(syspath: path), device.isUSBDevice else { continue }
            paths.append(path)
        }
        return parentsFirst(paths)
    }

    /// Root hubs only (`usbN`): the devices whose `authorized_default` decides new arrivals.
    static func rootHubs() throws(UdevError) -> [String] {
        try presentDevices().filter { isRootHub($0) }
    }

    /// Sorts by depth, then path. A parent's syspath is a prefix of its child's, so it is shallower
    /// and comes first; the path order makes the result deterministic.
    static func parentsFirst(_ paths: [String]) -> [String] {
        func depth(_ path: String) -> Int {
            path.utf8.reduce(0) { $1 == UInt8(ascii: "/") ? $0 + 1 : $0 }
        }
        let keyed: [(depth: Int, path: String)] = paths.map { (depth($0), $0) }
        return keyed.sorted { $0.depth != $1.depth ? $0.depth < $1.depth : $0.path < $1.path }.map(\.path)
    }

    /// The `usb_device` that `syspath` is or sits below, asking libudev (which follows the real
    /// parent links). nil when the path does not exist any more or is not below a USB device
    /// (a loop device, a PCI network card). For a removed device use `enclosingDevice(byName:)`.
    static func enclosingDevice(of syspath: String) -> String? {
        guard let context = try? UdevContext(),
              let device = context.device(syspath: syspath) else { return nil }
        if device.isUSBDevice { return device.syspath }
        return device.parent(subsystem: "usb", devtype: "usb_device")?.syspath
    }

    /// The same answer from the path alone, for `remove` events whose sysfs entries are gone:
    /// the deepest component named like a USB device (`usb1`, `1-1`, `1-1.4.2`). Interface names
    /// (`1-1:1.0`) and everything below them do not match.
    static func enclosingDevice(byName syspath: String) -> String? {
        let components = syspath.split(separator: "/", omittingEmptySubsequences: false)
        guard let index = components.lastIndex(where: { isUSBDeviceName($0) }) else { return nil }
        return components[...index].joined(separator: "/")
    }

    /// `usbN` (root hub) or `B-P[.P…]` (bus, then port numbers), as the kernel names USB devices.
    static func isUSBDeviceName(_ name: Substring) -> Bool {
        if name.hasPrefix("usb") {
            let rest = name.dropFirst(3)
            return !rest.isEmpty && rest.allSatisfy(\.isASCIIDigit)
        }
        guard let dash = name.firstIndex(of: "-") else { return false }
        let bus = name[..<dash]
        let ports = name[name.index(after: dash)...].split(separator: ".", omittingEmptySubsequences: false)
        return !bus.isEmpty && bus.allSatisfy(\.isASCIIDigit)
            && !ports.isEmpty && ports.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) }
    }

    static func isRootHub(_ syspath: String) -> Bool {
        sysname(syspath).hasPrefix("usb")
    }

    /// Last path component: the kernel's name for the device, which for USB is its port path.
    static func sysname(_ syspath: String) -> String {
        syspath.split(separator: "/").last.map(String.init) ?? syspath
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
