/// An address on a link, as rtnetlink reports it.
public struct LinkAddress: Sendable, Hashable, Codable {
    public var family: AddressFamily
    /// Canonical text (`192.0.2.2`, `2001:db8::2`).
    public var address: String
    public var prefixLength: Int

    public init(family: AddressFamily, address: String, prefixLength: Int) {
        self.family = family
        self.address = address
        self.prefixLength = prefixLength
    }

    /// The parsed address; nil only if the text was built by hand and is malformed.
    public var ip: IPAddress? { IPAddress(parsing: address) }

    /// An address someone (or some service) configured: not loopback and not an IPv6 link-local
    /// address, which the kernel assigns by itself to every link that comes up.
    public var isConfigured: Bool {
        guard let ip else { return true }     // unreadable: count it, fail closed
        return !ip.isLoopback && !ip.isIPv6LinkLocal
    }
}

/// A route that leaves through a link (one next hop of it, for multipath routes).
public struct LinkRoute: Sendable, Hashable, Codable {
    public var family: AddressFamily
    /// The destination prefix, `0.0.0.0/0` or `::/0` for a default route.
    public var destination: String
    public var prefixLength: Int
    /// The next hop, nil for a route straight onto the link.
    public var gateway: String?
    /// Added by the kernel itself (`proto kernel`): the prefix route of an address, or IPv6's
    /// `fe80::/64`. Such routes say nothing beyond the address they follow.
    public var byKernel: Bool

    public init(family: AddressFamily, destination: String, prefixLength: Int, gateway: String? = nil, byKernel: Bool = false) {
        self.family = family
        self.destination = destination
        self.prefixLength = prefixLength
        self.gateway = gateway
        self.byKernel = byKernel
    }

    public var isDefault: Bool { prefixLength == 0 }

    /// A route someone configured to somewhere beyond the link's own addresses.
    public var isConfigured: Bool {
        if isDefault { return true }
        if byKernel { return false }
        guard let ip = IPAddress(parsing: destination) else { return true }
        return !ip.isIPv6LinkLocal && !ip.isLoopback && !(ip.family == .ipv6 && ip.bytes[0] == 0xFF)
    }
}

/// The USB device behind a link (a Wi-Fi dongle, a tethered phone, a USB Ethernet adapter).
public struct LinkUSBIdentity: Sendable, Hashable, Codable {
    /// Sysfs path of the `usb_device`: what the enforcer deauthorizes.
    public var syspath: String
    /// idVendor / idProduct, four lower-case hex digits ("" when unreadable).
    public var vendorID: String
    public var productID: String
    /// Escaped like the USB observation's serial (`SafeText.escape(bytes:)`); nil when absent.
    public var serial: String?
    public var manufacturer: String?
    public var product: String?

    public init(syspath: String, vendorID: String, productID: String, serial: String? = nil,
                manufacturer: String? = nil, product: String? = nil) {
        self.syspath = syspath
        self.vendorID = vendorID
        self.productID = productID
        self.serial = serial
        self.manufacturer = manufacturer
        self.product = product
    }
}

/// RFC 2863 operational state, as the kernel reports it in IFLA_OPERSTATE.
public enum LinkOperState: String, Sendable, Hashable, Codable, CaseIterable {
    case unknown, notPresent = "not-present", down, lowerLayerDown = "lower-layer-down", testing, dormant, up

    /// IF_OPER_* (`linux/if.h`); values a later kernel adds read as unknown.
    public init(kernelValue: UInt8) {
        switch kernelValue {
        case 1: self = .notPresent
        case 2: self = .down
        case 3: self = .lowerLayerDown
        case 4: self = .testing
        case 5: self = .dormant
        case 6: self = .up
        default: self = .unknown
        }
    }
}

/// How far a link has got towards carrying traffic out of the computer: the evidence the
/// 违规外联 rule grades. Each step implies the danger of the ones before it.
public enum LinkEvidence: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// The interface exists (plugged in, created), up or down, without carrier.
    case appeared
    /// It has carrier: a cable, a peer or a radio association is there.
    case carrier
    /// It has a configured address, or a configured route to somewhere.
    case address
    /// It has a default route: everything not local goes out through it.
    case defaultRoute = "default-route"

    var rank: Int { LinkEvidence.allCases.firstIndex(of: self)! }
    public static func < (lhs: LinkEvidence, rhs: LinkEvidence) -> Bool { lhs.rank < rhs.rank }

    /// The severity of an unauthorized link that has got this far.
    public var severity: Severity {
        switch self {
        case .appeared: .low
        case .carrier: .medium
        case .address: .high
        case .defaultRoute: .critical
        }
    }

    public var names: Bilingual {
        switch self {
        case .appeared: Bilingual(zh: "接口出现", en: "appeared")
        case .carrier: Bilingual(zh: "已接通（有载波）", en: "has carrier")
        case .address: Bilingual(zh: "已配置地址", en: "has an address")
        case .defaultRoute: Bilingual(zh: "已配置默认路由", en: "has a default route")
        }
    }
}

/// Everything the guard knows of one network link when it judges it.
///
/// Built by the daemon from rtnetlink (name, flags, addresses, routes) and sysfs/udev (kind,
/// USB identity); judged by `LinkPolicy`, which never touches the system.
public struct LinkObservation: Sendable, Hashable, Codable {
    public var ifindex: Int
    public var name: String
    /// The current hardware address, lower-case colon text; nil for links without one (tun).
    public var mac: String?
    /// The factory address (IFLA_PERM_ADDRESS), when the kernel knows one.
    public var permanentMAC: String?
    public var kind: LinkKind
    /// IFF_UP: administratively up.
    public var up: Bool
    /// IFF_LOWER_UP: up with carrier.
    public var carrier: Bool
    public var operState: LinkOperState
    public var addresses: [LinkAddress]
    public var routes: [LinkRoute]
    /// The USB device behind the link, if there is one.
    public var usb: LinkUSBIdentity?

    public init(ifindex: Int, name: String, mac: String? = nil, permanentMAC: String? = nil, kind: LinkKind,
                up: Bool = false, carrier: Bool = false, operState: LinkOperState = .down,
                addresses: [LinkAddress] = [], routes: [LinkRoute] = [], usb: LinkUSBIdentity? = nil) {
        self.ifindex = ifindex
        self.name = name
        self.mac = mac
        self.permanentMAC = permanentMAC
        self.kind = kind
        self.up = up
        self.carrier = carrier
        self.operState = operState
        self.addresses = addresses
        self.routes = routes
        self.usb = usb
    }

    public var hasDefaultRouteIPv4: Bool { routes.contains { $0.isDefault && $0.family == .ipv4 } }
    public var hasDefaultRouteIPv6: Bool { routes.contains { $0.isDefault && $0.family == .ipv6 } }
    public var hasDefaultRoute: Bool { routes.contains(where: \.isDefault) }

    /// Addresses that count as evidence (see `LinkAddress.isConfigured`).
    public var configuredAddresses: [LinkAddress] { addresses.filter(\.isConfigured) }

    /// The furthest step this link has reached.
    public var evidence: LinkEvidence {
        if hasDefaultRoute { return .defaultRoute }
        if !configuredAddresses.isEmpty || routes.contains(where: \.isConfigured) { return .address }
        if carrier { return .carrier }
        return .appeared
    }
}
