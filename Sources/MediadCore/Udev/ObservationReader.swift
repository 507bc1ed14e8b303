import AssetCore
import HardwareProbe
#if canImport(Glibc)
import Glibc
#endif

/// Why no observation could be built. Both mean "nothing to decide about": the device left before
/// it was read, or the path was not a USB device at all.
enum ObservationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The syspath does not exist (unplugged between the event and the read).
    case deviceGone(String)
    /// It exists but is not `usb`/`usb_device` (an interface, a disk…): use
    /// `USBTopology.enclosingDevice(of:)` first.
    case notAUSBDevice(String)

    var description: String {
        switch self {
        case .deviceGone(let path): "\(path): device gone"
        case .notAUSBDevice(let path): "\(path): not a usb_device"
        }
    }
}

/// Builds an `AssetCore.USBDeviceObservation` from sysfs and udev.
///
/// Missing or malformed attributes never fail the read, because a device that hides its identity
/// must still be observed (and then denied and recorded), not skipped:
/// - `idVendor`/`idProduct` unreadable or not hex → `""` (matches no registration);
/// - `bDeviceClass` unreadable → `0xff` (vendor-specific: the class a guard trusts least);
/// - an interface whose class is unreadable keeps the interface with class/subclass/protocol
///   `0xff`, because dropping it would hide an interface from the policy;
/// - text attributes (serial, manufacturer, product) absent → nil;
/// - block attributes absent → nil fields.
/// Only a device that is gone or is not a `usb_device` throws.
///
/// Device-supplied text (serial, manufacturer, product, filesystem label/UUID/type) is read as raw
/// bytes and passed through `SafeText.escape(bytes:)`, the same canonical form the ledger stores.
///
/// A device as read, with the open sysfs directory it was read from.
///
/// The verdict is written through that directory (`Guard.enforce`), not through the path: if the
/// device is unplugged and another one appears at the same port before the verdict is carried out,
/// the write fails instead of landing on the newcomer, which gets its own event and decision.
struct ObservedDevice: Sendable, Hashable {
    var observation: USBDeviceObservation
    let directory: SysfsDirectory

    static func == (lhs: ObservedDevice, rhs: ObservedDevice) -> Bool {
        lhs.observation == rhs.observation && lhs.directory === rhs.directory
    }

    func hash(into hasher: inout Hasher) { hasher.combine(observation) }
}

/// Sendable and stateless: every value is read from sysfs at the moment of the call, so nothing is
/// served from a cache filled before a `change` event.
///
/// Few file operations per device, because a guard's speed under a burst is its count of sysfs
/// accesses: `uevent` (is it a `usb_device`?), `descriptors` (vendor, product, bcdDevice, class and
/// the declared interfaces, the bytes the kernel derives those attributes from), the three strings,
/// `port/connect_type`, and one `readdir` of the device's directory. The attributes are read one by
/// one only when `descriptors` is missing or not a device descriptor; libudev only when a SCSI host
/// below the device says a disk may exist.
struct ObservationReader: Sendable {
    init() {}

    /// - Parameter announced: the caller has udev's word that `syspath` is a `usb_device` (the
    ///   event said so), so its `uevent` file need not be read to check.
    func observe(syspath: String, announced: Bool = false) throws(ObservationError) -> USBDeviceObservation {
        try read(syspath: syspath, announced: announced).observation
    }

    /// The observation and the open directory it was read from, where its verdict is to be written.
    /// - Parameter properties: the udev properties of the event that announced the device; without
    ///   them the marks of phones and cameras are asked of libudev.
    func read(syspath: String, announced: Bool = false, properties: [String: String]? = nil) throws(ObservationError) -> ObservedDevice {
        let path = Self.canonical(syspath)
        guard let directory = SysfsDirectory(path) else { throw .deviceGone(syspath) }
        if !announced {
            // The uevent file exists for every device directory; its DEVTYPE is what libudev's
            // devtype reads too. A `usb_device` devtype exists only in the usb subsystem.
            guard let uevent = directory.readBytes("uevent") else { throw .deviceGone(syspath) }
            guard Self.devtype(uevent: uevent) == "usb_device" else { throw .notAUSBDevice(syspath) }
        }
        let name = String(path[path.index(after: path.lastIndex(of: "/") ?? path.startIndex)...])
        let descriptors = directory.readBytes("descriptors")
        let declared = descriptors.flatMap(USBDescriptors.device(from:))
        let children = directory.entries().filter { $0.hasPrefix(name + ":") }
        let interfaces = Self.interfaces(directory, name: name, children: children, descriptors: descriptors)

        let observation = USBDeviceObservation(
            syspath: path,
            port: name,
            vendorID: declared.map { Sysfs.hex4($0.vendorID) }
                ?? Sysfs.hex(directory.attributeText("idVendor"), as: UInt16.self).map(Sysfs.hex4) ?? "",
            productID: declared.map { Sysfs.hex4($0.productID) }
                ?? Sysfs.hex(directory.attributeText("idProduct"), as: UInt16.self).map(Sysfs.hex4) ?? "",
            serial: directory.escapedText("serial"),
            manufacturer: directory.escapedText("manufacturer"),
            product: directory.escapedText("product"),
            bcdDevice: declared.map { Sysfs.hex4($0.bcdDevice) }
                ?? Sysfs.hex(directory.attributeText("bcdDevice"), as: UInt16.self).map(Sysfs.hex4),
            deviceClass: declared?.deviceClass ?? Sysfs.hex(directory.attributeText("bDeviceClass")) ?? 0xFF,
            interfaces: interfaces,
            connectType: directory.attributeText("port/connect_type").map { SafeText.escape($0) },
            blocks: Self.blocks(below: directory, children: children),
            recordingMarks: Self.recordingMarks(path, properties: properties, interfaces: interfaces, in: directory)
        )
        return ObservedDevice(observation: observation, directory: directory)
    }

    /// What marks the device as a phone, camera or media player (nil when nothing does): udev's
    /// `ID_MTP_DEVICE`, `ID_MEDIA_PLAYER` and `ID_GPHOTO2` (from the event, or from libudev), and a
    /// vendor-specific interface that exists and names itself `MTP`.
    static func recordingMarks(_ path: String, properties: [String: String]?, interfaces: [USBInterfaceInfo],
                               in directory: SysfsDirectory) -> [String]? {
        // The marks matter only for an interface whose class says nothing (`InterfaceRole.of(_:in:)`):
        // a stick or a keyboard is never looked up, which keeps libudev off the start-up path.
        guard interfaces.contains(where: { InterfaceRole.of($0) == .unknown }) else { return nil }
        var marks: [String] = []
        let lookup: (String) -> String?
        if let properties {
            lookup = { properties[$0] }
        } else if let context = try? UdevContext(), let device = context.device(syspath: path) {
            lookup = { device.property($0) }
        } else {
            lookup = { _ in nil }
        }
        for name in USBDeviceObservation.recordingMarkProperties {
            if let value = lookup(name), !value.isEmpty, value != "0" { marks.append(name) }
        }
        let prefix = directory.path + "/"
        for interface in interfaces where interface.interfaceClass == 0xFF && interface.syspath.hasPrefix(prefix) {
            let child = SysfsDirectory(String(interface.syspath.dropFirst(prefix.count)), in: directory)
            if child?.attributeText("interface") == "MTP" { marks.append("interface MTP") }
        }
        return marks.isEmpty ? nil : marks
    }

    /// A syspath as libudev would name it: no trailing slash.
    static func canonical(_ path: String) -> String {
        var path = Substring(path)
        while path.count > 1, path.hasSuffix("/") { path = path.dropLast() }
        return String(path)
    }

    /// The `DEVTYPE=` line of a `uevent` file.
    static func devtype(uevent: [UInt8]) -> String? {
        for line in uevent.split(separator: UInt8(ascii: "\n")) where line.starts(with: Self.devtypeKey) {
            return String(decoding: line.dropFirst(Self.devtypeKey.count), as: UTF8.self)
        }
        return nil
    }

    private static let devtypeKey = Array("DEVTYPE=".utf8)

    /// The observation of the `usb_device` enclosing `syspath` (itself, or the device above an
    /// interface, disk or network link): what an event on a child should re-read.
    func observeEnclosing(syspath: String) throws(ObservationError) -> USBDeviceObservation {
        guard let device = USBTopology.enclosingDevice(of: syspath) else {
            throw USBTopology.enclosingDevice(byName: syspath) == nil ? .notAUSBDevice(syspath) : .deviceGone(syspath)
        }
        return try observe(syspath: device)
    }

    /// A device-supplied string: raw bytes, one trailing newline dropped, then escaped. The serial
    /// is compared with the ledger, so the bytes must be exactly those of the file.
    static func escapedText(_ syspath: String, _ name: String) -> String? {
        Sysfs.readBytes(syspath + "/" + name).map(SafeText.attribute)
    }

    /// Interfaces as the device's `descriptors` declare them, for the active configuration. With
    /// lockdown on, a new device is not configured, so the kernel has created no interface devices
    /// yet: these are the only interfaces the decision can be made on. Their syspaths are the names
    /// the kernel will give them (`1-1:1.0`), so a later interface event finds its decision.
    static func declaredInterfaces(_ directory: SysfsDirectory, name: String, descriptors: [UInt8]?) -> [USBInterfaceInfo] {
        let path = directory.path
        guard let descriptors else { return [] }
        let all = USBDescriptors.interfaces(from: descriptors)
        let configurations = Set(all.map(\.configuration))
        // The active configuration matters only when the device declares more than one.
        let active = configurations.count > 1 ? directory.attributeText("bConfigurationValue").flatMap { Int($0) } : nil
        let configuration = active.flatMap { configurations.contains($0) ? $0 : nil } ?? all.first?.configuration ?? 1
        return all.filter { $0.configuration == configuration }.map {
            USBInterfaceInfo(number: $0.number, syspath: "\(path)/\(name):\(configuration).\($0.number)",
                             interfaceClass: $0.interfaceClass, subclass: $0.subclass, protocolCode: $0.protocolCode)
        }
    }

    /// The descriptors are what the device declared and what the kernel derives each interface's
    /// attributes from, so their class triples win; an interface device that exists contributes its
    /// syspath. An interface device read while the kernel (or a test) is still writing its attributes
    /// would otherwise look like an unknown class. Interfaces that exist but are not declared (an
    /// unreadable `descriptors`) are kept as read.
    static func merge(_ present: [USBInterfaceInfo], _ declared: [USBInterfaceInfo]) -> [USBInterfaceInfo] {
        var result = declared.map { declaredInterface -> USBInterfaceInfo in
            var merged = declaredInterface
            if let existing = present.first(where: { $0.number == declaredInterface.number }) { merged.syspath = existing.syspath }
            return merged
        }
        let numbers = Set(declared.map(\.number))
        result += present.filter { !numbers.contains($0.number) }
        return result.sorted { ($0.number, $0.syspath) < ($1.number, $1.syspath) }
    }

    /// The declared interfaces, with the syspath of each one that exists. Existing interface
    /// devices are read attribute by attribute only when there are no declared ones to trust: the
    /// kernel names an interface `B-P:C.N` after its configuration and `bInterfaceNumber`, so the
    /// name alone says which declared interface it is.
    static func interfaces(_ directory: SysfsDirectory, name: String, children: [String], descriptors: [UInt8]?) -> [USBInterfaceInfo] {
        let path = directory.path
        let declared = declaredInterfaces(directory, name: name, descriptors: descriptors)
        let numbers = Set(declared.map(\.number))
        var named: [USBInterfaceInfo] = []
        var undeclared: [String] = []
        for child in children {
            if let number = interfaceNumber(fromName: child), numbers.contains(number) {
                named.append(USBInterfaceInfo(number: number, syspath: path + "/" + child,
                                              interfaceClass: 0xFF, subclass: 0xFF, protocolCode: 0xFF))
            } else {
                undeclared.append(child)
            }
        }
        return merge(named + interfaces(directory, children: undeclared), declared)
    }

    /// Interface devices that exist (`1-1:1.0`, from the device directory's listing), by number.
    static func interfaces(_ directory: SysfsDirectory, children: [String]) -> [USBInterfaceInfo] {
        var result: [USBInterfaceInfo] = []
        for name in children {
            let child = SysfsDirectory(name, in: directory)
            let number = Sysfs.hex(child?.attributeText("bInterfaceNumber"), as: UInt8.self).map(Int.init)
                ?? interfaceNumber(fromName: name) ?? -1
            result.append(USBInterfaceInfo(
                number: number,
                syspath: directory.path + "/" + name,
                interfaceClass: Sysfs.hex(child?.attributeText("bInterfaceClass")) ?? 0xFF,
                subclass: Sysfs.hex(child?.attributeText("bInterfaceSubClass")) ?? 0xFF,
                protocolCode: Sysfs.hex(child?.attributeText("bInterfaceProtocol")) ?? 0xFF))
        }
        return result.sorted { ($0.number, $0.syspath) < ($1.number, $1.syspath) }
    }

    /// Whole disks (`block`/`disk`, not partitions) that belong to this device and not to a
    /// device further down (a stick behind a hub belongs to the stick, not the hub).
    static func blocks(below directory: SysfsDirectory, children: [String]) -> [BlockInfo] {
        // A disk hangs below a SCSI host below one of the device's interfaces: no host, no disk, and
        // no enumeration (a device just plugged in under lockdown has no driver bound yet).
        let path = directory.path
        let hasHost = children.contains { name in
            SysfsDirectory(name, in: directory)?.entries().contains { $0.hasPrefix("host") } ?? false
        }
        guard hasHost, let context = try? UdevContext(), let device = context.device(syspath: path) else { return [] }
        var result: [BlockInfo] = []
        for path in descendants(of: device, subsystem: "block") {
            guard let disk = device.context.device(syspath: path), disk.devtype == "disk",
                  disk.parent(subsystem: "usb", devtype: "usb_device")?.syspath == device.syspath
            else { continue }
            let sectors = Sysfs.attributeText(path, "size").flatMap { UInt64($0) }
            let capacity = sectors.flatMap { sectors -> UInt64? in
                let (bytes, overflow) = sectors.multipliedReportingOverflow(by: 512)
                return overflow ? nil : bytes
            }
            let removable: Bool? = switch Sysfs.attributeText(path, "removable") {
            case "1": true
            case "0": false
            default: nil
            }
            result.append(BlockInfo(
                syspath: path,
                devnode: disk.devnode,
                capacityBytes: capacity,
                removable: removable,
                filesystemUUID: escapedProperty(disk, "ID_FS_UUID"),
                filesystemType: escapedProperty(disk, "ID_FS_TYPE"),
                filesystemLabel: escapedProperty(disk, "ID_FS_LABEL")))
        }
        return result.sorted { $0.syspath < $1.syspath }
    }

    /// Syspaths of `device` and everything below it in `subsystem`. Through libudev, because
    /// FileManager's recursive walks bypass umockdev and a hand-written walk would follow links.
    static func descendants(of device: UdevDevice, subsystem: String) -> [String] {
        guard let enumerator = try? UdevEnumerator(context: device.context),
              (try? enumerator.matchParent(device)) != nil,
              (try? enumerator.matchSubsystem(subsystem)) != nil,
              let paths = try? enumerator.scan()
        else { return [] }
        return paths
    }

    /// udev sanitises `ID_FS_*`, but the values come from a filesystem someone else wrote.
    static func escapedProperty(_ device: UdevDevice, _ name: String) -> String? {
        device.property(name).map { SafeText.escape(bytes: Array($0.utf8)) }
    }

    static func parentPath(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }

    /// `1-1:1.3` → 3 (decimal after the last dot), for a missing `bInterfaceNumber`.
    static func interfaceNumber(fromName name: String) -> Int? {
        guard let colon = name.lastIndex(of: ":"),
              let dot = name[colon...].lastIndex(of: ".") else { return nil }
        return Int(name[name.index(after: dot)...])
    }
}
