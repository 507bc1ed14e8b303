import AssetCore
#if canImport(Glibc)
import Glibc
#endif

/// The network cards: net devices with hardware behind them. Virtual links (bridges, tunnels,
/// veth, VLANs) are not hardware, and USB adapters are devices the USB guard judges.
enum NetworkProbe {
    static func cards(_ scan: inout ProbeScan) -> [NetworkCard] {
        scan.devices(subsystem: "net")
            .filter { HardwareRules.mayBeNetworkCard(syspath: $0.syspath) && $0.property("ID_BUS") != "usb" }
            .map(card)
            .sorted { $0.name < $1.name }
    }

    static func card(_ device: UdevDevice) -> NetworkCard {
        let syspath = device.syspath
        let parent = device.parent
        return NetworkCard(
            name: device.sysname,
            mac: mac(device),
            driver: ProbeFile.linkBasename(syspath + "/device/driver") ?? parent?.driver
                ?? HardwareText.value(device.property("ID_NET_DRIVER")),
            bus: bus(syspath),
            wireless: Sysfs.exists(syspath + "/wireless") || Sysfs.exists(syspath + "/phy80211")
                || device.devtype == "wlan",
            slot: parent?.syspath)
    }

    /// The card's own address. `address` is it only while `addr_assign_type` says permanent (0):
    /// a random, stolen or set address (1, 2, 3) is exactly what would hide a swapped card, so then
    /// only the permanent address the driver reports will do, or nothing.
    static func mac(_ device: UdevDevice) -> String? {
        let assignment = device.attributeText("addr_assign_type")
        if assignment == nil || assignment == "0" {
            return HardwareText.mac(device.attributeText("address"))
        }
        return permanentAddress(interface: device.sysname)
    }

    /// sdio before pci: an SDIO Wi-Fi chip sits on an MMC host that may itself be a PCI device.
    static func bus(_ syspath: String) -> HardwareBus {
        if syspath.contains("sdio") || syspath.contains("mmc") { return .sdio }
        if syspath.contains("/pci") { return .pci }
        return .platform
    }

    /// The permanent hardware address from the driver (`ethtool -P`, ETHTOOL_GPERMADDR through
    /// SIOCETHTOOL); nil when the interface is not in this namespace, the driver does not know it,
    /// or it is all zeros.
    static func permanentAddress(interface name: String) -> String? {
        let nameBytes = Array(name.utf8)
        guard !nameBytes.isEmpty, nameBytes.count < ifNameSize else { return nil }
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        // struct ethtool_perm_addr { __u32 cmd; __u32 size; __u8 data[]; } with room for
        // MAX_ADDR_LEN (32) bytes; struct ifreq is the name, then a union holding `ifr_data`.
        var request = [UInt8](repeating: 0, count: 8 + 32)
        var interfaceRequest = [UInt8](repeating: 0, count: 40)
        return request.withUnsafeMutableBytes { command -> String? in
            command.storeBytes(of: ethtoolGetPermanentAddress, toByteOffset: 0, as: UInt32.self)
            command.storeBytes(of: UInt32(32), toByteOffset: 4, as: UInt32.self)
            return interfaceRequest.withUnsafeMutableBytes { ifr -> String? in
                ifr.copyBytes(from: nameBytes)
                ifr.storeBytes(of: command.baseAddress, toByteOffset: ifNameSize, as: UnsafeMutableRawPointer?.self)
                guard let pointer = ifr.baseAddress, ioctl(fd, siocEthtool, pointer) == 0,
                      command.load(fromByteOffset: 4, as: UInt32.self) == 6 else { return nil }
                let text = command[8..<14].map { byte in
                    let digits = String(byte, radix: 16)
                    return digits.count < 2 ? "0" + digits : digits
                }.joined(separator: ":")
                return HardwareText.mac(text)
            }
        }
    }

    /// IFNAMSIZ: the name field of `struct ifreq`, where its union starts.
    static let ifNameSize = 16
    static let siocEthtool: UInt = 0x8946
    static let ethtoolGetPermanentAddress: UInt32 = 0x20
}
