import AssetCore
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
    case udev(UdevError)

    var description: String {
        switch self {
        case .deviceGone(let path): "\(path): device gone"
        case .notAUSBDevice(let path): "\(path): not a usb_device"
        case .udev(let error): error.description
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
/// Sendable and stateless: each read uses a fresh libudev context, so values are never served
/// from a cache filled before a `change` event.
struct ObservationReader: Sendable {
    init() {}

    func observe(syspath: String) throws(ObservationError) -> USBDeviceObservation {
        let context: UdevContext
        do { context = try UdevContext() } catch { throw .udev(error) }
        guard let device = context.device(syspath: syspath) else { throw .deviceGone(syspath) }
        guard device.isUSBDevice else { throw .notAUSBDevice(syspath) }
        let path = device.syspath

        return USBDeviceObservation(
            syspath: path,
            port: device.sysname,
            vendorID: Sysfs.hex(Sysfs.attributeText(path, "idVendor"), as: UInt16.self).map(Sysfs.hex4) ?? "",
            productID: Sysfs.hex(Sysfs.attributeText(path, "idProduct"), as: UInt16.self).map(Sysfs.hex4) ?? "",
            serial: Self.escapedText(path, "serial"),
            manufacturer: Self.escapedText(path, "manufacturer"),
            product: Self.escapedText(path, "product"),
            bcdDevice: Sysfs.hex(Sysfs.attributeText(path, "bcdDevice"), as: UInt16.self).map(Sysfs.hex4),
            deviceClass: Sysfs.hex(Sysfs.attributeText(path, "bDeviceClass")) ?? 0xFF,
            interfaces: Self.merge(Self.interfaces(of: device), Self.declaredInterfaces(path, name: device.sysname)),
            connectType: Sysfs.attributeText(path, "port/connect_type").map { SafeText.escape($0) },
            blocks: Self.blocks(below: device)
        )
    }

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
        Sysfs.attributeBytes(syspath, name).map { SafeText.escape(bytes: $0) }
    }

    /// Direct `usb_interface` children, by interface number.
    /// Interfaces as the device's `descriptors` declare them, for the active configuration. With
    /// lockdown on, a new device is not configured, so the kernel has created no interface devices
    /// yet: these are the only interfaces the decision can be made on. Their syspaths are the names
    /// the kernel will give them (`1-1:1.0`), so a later interface event finds its decision.
    static func declaredInterfaces(_ path: String, name: String) -> [USBInterfaceInfo] {
        guard let bytes = Sysfs.attributeBytes(path, "descriptors") else { return [] }
        let all = USBDescriptors.interfaces(from: bytes)
        let active = Sysfs.attributeText(path, "bConfigurationValue").flatMap { Int($0) }
        let configuration = active.flatMap { wanted in all.contains { $0.configuration == wanted } ? wanted : nil }
            ?? all.first?.configuration ?? 1
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

    static func interfaces(of device: UdevDevice) -> [USBInterfaceInfo] {
        // The device's own directory holds its interfaces (`1-1:1.0`): one readdir, instead of a
        // libudev enumeration that builds a device object for every directory below the device.
        let prefix = device.sysname + ":"
        var result: [USBInterfaceInfo] = []
        for name in entries(device.syspath) where name.hasPrefix(prefix) {
            let path = device.syspath + "/" + name
            let number = Sysfs.hex(Sysfs.attributeText(path, "bInterfaceNumber"), as: UInt8.self).map(Int.init)
                ?? interfaceNumber(fromName: name) ?? -1
            result.append(USBInterfaceInfo(
                number: number,
                syspath: path,
                interfaceClass: Sysfs.hex(Sysfs.attributeText(path, "bInterfaceClass")) ?? 0xFF,
                subclass: Sysfs.hex(Sysfs.attributeText(path, "bInterfaceSubClass")) ?? 0xFF,
                protocolCode: Sysfs.hex(Sysfs.attributeText(path, "bInterfaceProtocol")) ?? 0xFF))
        }
        return result.sorted { ($0.number, $0.syspath) < ($1.number, $1.syspath) }
    }

    /// Names in a sysfs directory, through opendir/readdir (which umockdev redirects).
    static func entries(_ path: String) -> [String] {
        guard let directory = opendir(path) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Whole disks (`block`/`disk`, not partitions) that belong to this device and not to a
    /// device further down (a stick behind a hub belongs to the stick, not the hub).
    static func blocks(below device: UdevDevice) -> [BlockInfo] {
        // A disk hangs below a SCSI host below one of the device's interfaces: no host, no disk, and
        // no enumeration (a device just plugged in under lockdown has no driver bound yet).
        let prefix = device.sysname + ":"
        let hasHost = entries(device.syspath).contains { name in
            name.hasPrefix(prefix) && entries(device.syspath + "/" + name).contains { $0.hasPrefix("host") }
        }
        guard hasHost else { return [] }
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
