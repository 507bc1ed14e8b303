/// What kind of network link an interface is, as far as the rules care.
///
/// The kind decides one rule on its own: a wireless, WWAN, Bluetooth or tethering link is a path
/// out of the building that no cable shows, so it is a violation on a classified computer whatever
/// else is true (domain.md, violation 7; seed 003: wireless modules are removed from classified
/// computers).
public enum LinkKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// `lo`: never leaves the computer.
    case loopback
    /// An Ethernet port or a USB Ethernet adapter.
    case wired
    /// Wi-Fi (802.11).
    case wireless
    /// A mobile-broadband modem (4G/5G, GPRS) or a dial-up (PPP) link.
    case wwan
    /// Bluetooth networking (PAN/BNEP, 6LoWPAN).
    case bluetooth
    /// A phone sharing its connection over USB (RNDIS, CDC Ethernet/NCM/EEM, Apple ipheth).
    case tethering
    /// Made by software: veth, bridge, tun/tap, dummy, VLAN, tunnels.
    case virtual
    case unknown

    /// The kinds that are a violation merely by being present on a classified computer.
    public var isRadioOrTethering: Bool {
        switch self {
        case .wireless, .wwan, .bluetooth, .tethering: true
        case .loopback, .wired, .virtual, .unknown: false
        }
    }

    public var names: Bilingual {
        switch self {
        case .loopback: Bilingual(zh: "回环接口", en: "loopback")
        case .wired: Bilingual(zh: "有线网卡", en: "wired")
        case .wireless: Bilingual(zh: "无线网卡（Wi-Fi）", en: "wireless (Wi-Fi)")
        case .wwan: Bilingual(zh: "移动网络（4G/5G）或拨号", en: "mobile broadband (WWAN) or dial-up")
        case .bluetooth: Bilingual(zh: "蓝牙网络", en: "Bluetooth")
        case .tethering: Bilingual(zh: "手机 USB 共享网络", en: "phone tethering")
        case .virtual: Bilingual(zh: "虚拟网卡", en: "virtual")
        case .unknown: Bilingual(zh: "未知类型", en: "unknown")
        }
    }

    public func name(_ language: Language) -> String { names.text(language) }

    /// Classifies a link from what the daemon can learn about it. Pure: the caller reads netlink,
    /// sysfs and udev and passes the facts in.
    ///
    /// Strong evidence (what the driver and the kernel say) is tried first, in the order radio,
    /// tethering, software. A name can only make the kind stricter: `wlan0`/`wlx…`, `wwan0`/`ww…`
    /// and `bnep0` are the names the kernel and udev give radios, so a link called that is judged
    /// as one even when it claims to be a tap; no name ever makes a link loopback.
    public static func classify(_ clues: LinkClues) -> LinkKind {
        if clues.hardwareType == ARPHRD.loopback || clues.loopbackFlag { return .loopback }
        let devtype = clues.devtype?.lowercased()
        let driver = clues.driver?.lowercased()
        let type = clues.hardwareType

        if devtype == "wlan" || clues.hasWirelessSysfs || ARPHRD.wireless.contains(type ?? 0) { return .wireless }
        if devtype == "wwan" || ARPHRD.wwan.contains(type ?? 0) || driver.map(wwanDrivers.contains) == true { return .wwan }
        if devtype == "bluetooth" || type == ARPHRD.sixLoWPAN || driver == "bnep" { return .bluetooth }
        if driver.map(tetheringDrivers.contains) == true { return .tethering }
        if let byName = kind(byName: clues.name) { return byName }
        if let infoKind = clues.infoKind, !infoKind.isEmpty { return .virtual }
        if type == ARPHRD.none { return .virtual }          // tun (no link-layer header)
        if clues.isUSB { return .wired }                     // a USB Ethernet adapter
        if type == ARPHRD.ether { return clues.hasDevice ? .wired : .virtual }
        return .unknown
    }

    /// The radio kinds a name alone betrays (systemd's predictable names and the kernel's own).
    static func kind(byName name: String) -> LinkKind? {
        if name.hasPrefix("wl") { return .wireless }
        if name.hasPrefix("ww") { return .wwan }
        if name.hasPrefix("bnep") || name.hasPrefix("bt-pan") { return .bluetooth }
        return nil
    }

    /// Drivers of USB modems (QMI, MBIM, Huawei NCM, Sierra) whose links carry no `wwan` DEVTYPE on
    /// older kernels.
    static let wwanDrivers: Set<String> = ["qmi_wwan", "cdc_mbim", "huawei_cdc_ncm", "sierra_net", "cdc_ncm_mbim"]
    /// Drivers phones use to share their connection. cdc_ether and cdc_ncm also drive some USB
    /// Ethernet adapters; on a classified computer both are a way out, so the stricter kind wins.
    static let tetheringDrivers: Set<String> = ["rndis_host", "cdc_ether", "cdc_ncm", "cdc_eem", "ipheth", "cdc_subset"]
}

/// Everything `LinkKind.classify` looks at, each optional because each source can be missing
/// (sysfs is read after the link may already be gone; udev properties need udevd).
public struct LinkClues: Sendable, Hashable, Codable {
    public var name: String
    /// ARPHRD_* from `ifi_type` (1 Ethernet, 772 loopback, 801–803 802.11, 512 PPP, 519 raw IP…).
    public var hardwareType: UInt16?
    /// IFF_LOOPBACK in the link's flags.
    public var loopbackFlag: Bool
    /// udev's DEVTYPE of the net device: `wlan`, `wwan`, `bluetooth`, `bridge`, `vlan`…
    public var devtype: String?
    /// The driver bound to the device behind the link (`rndis_host`, `r8152`, `iwlwifi`…).
    public var driver: String?
    /// `/sys/class/net/NAME/wireless` or `phy80211` exists.
    public var hasWirelessSysfs: Bool
    /// IFLA_INFO_KIND: `veth`, `bridge`, `tun`, `dummy`, `vlan`, `macvlan`… (software links only).
    public var infoKind: String?
    /// A USB device sits behind the link.
    public var isUSB: Bool
    /// The link has a hardware device behind it (`/sys/class/net/NAME/device` exists).
    public var hasDevice: Bool

    public init(name: String, hardwareType: UInt16? = nil, loopbackFlag: Bool = false, devtype: String? = nil,
                driver: String? = nil, hasWirelessSysfs: Bool = false, infoKind: String? = nil,
                isUSB: Bool = false, hasDevice: Bool = false) {
        self.name = name
        self.hardwareType = hardwareType
        self.loopbackFlag = loopbackFlag
        self.devtype = devtype
        self.driver = driver
        self.hasWirelessSysfs = hasWirelessSysfs
        self.infoKind = infoKind
        self.isUSB = isUSB
        self.hasDevice = hasDevice
    }
}

/// The ARPHRD_* values (`linux/if_arp.h`) the classifier needs; a stable kernel ABI.
public enum ARPHRD {
    public static let ether: UInt16 = 1
    public static let ppp: UInt16 = 512
    public static let rawIP: UInt16 = 519
    public static let loopback: UInt16 = 772
    public static let ieee80211: UInt16 = 801
    public static let ieee80211Prism: UInt16 = 802
    public static let ieee80211Radiotap: UInt16 = 803
    public static let sixLoWPAN: UInt16 = 825
    public static let none: UInt16 = 0xFFFE

    static let wireless: Set<UInt16> = [ieee80211, ieee80211Prism, ieee80211Radiotap]
    static let wwan: Set<UInt16> = [ppp, rawIP]
}
