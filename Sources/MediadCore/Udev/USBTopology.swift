import HardwareProbe
#if canImport(Glibc)
import Glibc
#endif

/// Where USB devices are in sysfs: enumeration of the present ones and the way from any child
/// (interface, SCSI host, disk, network link) up to the `usb_device` that owns it.
///
/// Stateless and Sendable: every call opens its own libudev context, so callers on any actor or
/// thread may use it without sharing libudev objects.
enum USBTopology {
    /// Where the kernel lists every USB device and interface, as links into /sys/devices.
    static let busDirectory = "/sys/bus/usb/devices"

    /// Syspaths of every present USB device (`usb`/`usb_device`, root hubs included), parents
    /// before children, so a caller that authorizes in order never meets a device before the hub
    /// it hangs from.
    ///
    /// One `readdir` of the bus directory and one `readlink` per device, not a libudev enumeration
    /// (which builds a device object, with its uevent read, for every device and interface): at
    /// start-up with hundreds of devices present, the enumeration was most of the time to READY.
    /// Interfaces are told apart by name (`1-1:1.0` has a colon; devices are `usbN` or `B-P.P…`).
    static func presentDevices() throws(UdevError) -> [String] {
        parentsFirst(try busEntries { isUSBDeviceName(Substring($0)) })
    }

    /// Root hubs only (`usbN`): the devices whose `authorized_default` decides new arrivals.
    static func rootHubs() throws(UdevError) -> [String] {
        parentsFirst(try busEntries { $0.hasPrefix("usb") && isUSBDeviceName(Substring($0)) })
    }

    /// The syspaths behind the bus directory's links whose names pass `wanted`. No bus directory
    /// means no USB at all (an empty list); any other failure to list it is an error, because a
    /// guard that cannot see the devices must not report that there are none.
    static func busEntries(_ wanted: (String) -> Bool) throws(UdevError) -> [String] {
        guard let directory = opendir(busDirectory) else {
            if errno == ENOENT { return [] }
            throw UdevError("opendir \(busDirectory)")
        }
        defer { closedir(directory) }
        return Sysfs.names(directory).filter(wanted).compactMap { name in
            linkTarget(busDirectory + "/" + name).map { resolve($0, from: busDirectory) }
        }
    }

    static func linkTarget(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// A link target made absolute against the link's directory, `.` and `..` folded
    /// (`../../../devices/pci0000:00/…/usb1` from /sys/bus/usb/devices → /sys/devices/pci0000:00/…/usb1).
    static func resolve(_ target: String, from directory: String) -> String {
        var parts = target.hasPrefix("/") ? [] : directory.split(separator: "/").map(String.init)
        for part in target.split(separator: "/") {
            switch part {
            case ".": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(String(part))
            }
        }
        return "/" + parts.joined(separator: "/")
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
        // Called for every uevent (is it a root hub?): the last component, without splitting the path.
        var name = Substring(syspath)
        while name.hasSuffix("/") { name = name.dropLast() }
        guard let slash = name.lastIndex(of: "/") else { return String(name) }
        return String(name[name.index(after: slash)...])
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
