import AssetCore
import HardwareProbe
import CUdev

/// What sysfs and udev say about a link: the facts `LinkKind.classify` needs beyond rtnetlink's,
/// and the USB device behind it.
struct LinkIdentity: Sendable, Hashable {
    /// The interface name this was read for: a rename means reading again.
    var name: String
    var syspath: String?
    var devtype: String?
    var driver: String?
    var hasWirelessSysfs = false
    /// `device` exists: hardware (PCI, USB, SDIO…) sits behind the link.
    var hasDevice = false
    var usb: LinkUSBIdentity?
}

/// Reads a link's identity from /sys/class/net/NAME through libudev.
///
/// libudev follows the real parent chain (net device → USB interface → `usb_device`), the same
/// way `USBTopology` does for disks, and it works under umockdev, whose fake sysfs only open/
/// read/readlink/stat reach (not FileManager's enumerators). Stateless and Sendable: each read
/// uses a fresh libudev context. A link that has no sysfs entry (gone already, or in another
/// mount of /sys) gets an identity with only its name: rtnetlink's facts still classify it.
struct LinkIdentityReader: Sendable {
    init() {}

    func read(name: String) -> LinkIdentity {
        var identity = LinkIdentity(name: name)
        // The kernel forbids "/" in names and "." / ".." as names; refuse them anyway rather than
        // build a path from them.
        guard !name.isEmpty, !name.contains("/"), name != ".", name != "..",
              let context = try? UdevContext(),
              let raw = udev_device_new_from_subsystem_sysname(context.raw, "net", name) else { return identity }
        let device = UdevDevice(owning: raw, context: context)
        let path = device.syspath
        identity.syspath = path
        identity.devtype = device.devtype ?? device.property("DEVTYPE")
        identity.hasWirelessSysfs = Sysfs.exists(path + "/wireless") || Sysfs.exists(path + "/phy80211")
        identity.hasDevice = Sysfs.exists(path + "/device")
        if let parent = device.parent {
            identity.hasDevice = true
            identity.driver = udevString(udev_device_get_driver(parent.raw)) ?? parent.property("DRIVER")
        }
        identity.driver = identity.driver ?? device.property("ID_NET_DRIVER")
        if let usb = device.parent(subsystem: "usb", devtype: "usb_device") {
            identity.usb = Self.usbIdentity(usb.syspath)
        }
        return identity
    }

    /// The USB device's IDs and strings, read and escaped as `ObservationReader` reads them, so
    /// a link's device can be matched with the ledger and with the USB guard's records.
    static func usbIdentity(_ path: String) -> LinkUSBIdentity {
        LinkUSBIdentity(
            syspath: path,
            vendorID: Sysfs.hex(Sysfs.attributeText(path, "idVendor"), as: UInt16.self).map(Sysfs.hex4) ?? "",
            productID: Sysfs.hex(Sysfs.attributeText(path, "idProduct"), as: UInt16.self).map(Sysfs.hex4) ?? "",
            serial: ObservationReader.escapedText(path, "serial"),
            manufacturer: ObservationReader.escapedText(path, "manufacturer"),
            product: ObservationReader.escapedText(path, "product"))
    }
}
