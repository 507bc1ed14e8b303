#if canImport(Glibc)
import Glibc
#endif

/// `struct nlmsghdr`, read out of a datagram.
struct NetlinkHeader: Sendable, Hashable {
    var length: Int
    var type: UInt16
    var flags: UInt16
    var sequence: UInt32
    /// The sender's port: 0 for the kernel.
    var portID: UInt32
}

/// RTM_NEWLINK / RTM_DELLINK: one link (`ifinfomsg` and the attributes mediad reads).
struct LinkMessage: Sendable, Hashable {
    /// `ifi_family`: AF_UNSPEC for real link messages; AF_BRIDGE for a bridge port's extra ones.
    var family: UInt8
    var ifindex: Int32
    /// ARPHRD_*.
    var hardwareType: UInt16
    /// IFF_*.
    var flags: UInt32
    var name: String?
    var address: [UInt8]?
    var permanentAddress: [UInt8]?
    var operState: UInt8?
    var infoKind: String?
    /// The device behind the link as the kernel names it (`1-1:1.0`) and its bus (`usb`), on
    /// kernels that send IFLA_PARENT_DEV_*.
    var parentDevice: String?
    var parentBus: String?

    var isUp: Bool { flags & IFLA.flagUp != 0 }
    var hasCarrier: Bool { flags & IFLA.flagLowerUp != 0 }
}

/// RTM_NEWADDR / RTM_DELADDR.
struct AddressMessage: Sendable, Hashable {
    /// AF_INET or AF_INET6 (others are kept so the table can ignore them).
    var family: UInt8
    var prefixLength: UInt8
    var ifindex: Int32
    /// IFA_LOCAL when present (the address of this end), else IFA_ADDRESS.
    var address: [UInt8]
}

/// One way out of a route: the link and, for a route through a router, its address.
struct RouteNexthop: Sendable, Hashable {
    var ifindex: Int32
    var gatewayFamily: UInt8?
    var gateway: [UInt8]?
}

/// RTM_NEWROUTE / RTM_DELROUTE.
struct RouteMessage: Sendable, Hashable {
    var family: UInt8
    var destinationLength: UInt8
    var tos: UInt8
    /// RTA_TABLE when present (tables above 255), else `rtm_table`.
    var table: UInt32
    var protocolCode: UInt8
    var type: UInt8
    var flags: UInt32
    var destination: [UInt8]?
    var priority: UInt32?
    /// RTA_OIF and RTA_GATEWAY/RTA_VIA, or each entry of RTA_MULTIPATH.
    var nexthops: [RouteNexthop]
}

/// One parsed netlink message.
enum NetlinkMessage: Sendable, Hashable {
    case newLink(LinkMessage, NetlinkHeader)
    case deleteLink(LinkMessage, NetlinkHeader)
    case newAddress(AddressMessage, NetlinkHeader)
    case deleteAddress(AddressMessage, NetlinkHeader)
    case newRoute(RouteMessage, NetlinkHeader)
    case deleteRoute(RouteMessage, NetlinkHeader)
    /// NLMSG_DONE: the end of a dump.
    case done(NetlinkHeader)
    /// NLMSG_ERROR: `code` is 0 for an acknowledgement, else a negative errno; `text` is the
    /// kernel's extended-ack message, when it sent one.
    case error(code: Int32, text: String?, NetlinkHeader)
    /// NLMSG_NOOP, NLMSG_OVERRUN or a type mediad does not read.
    case other(NetlinkHeader)

    var header: NetlinkHeader {
        switch self {
        case .newLink(_, let h), .deleteLink(_, let h), .newAddress(_, let h), .deleteAddress(_, let h),
             .newRoute(_, let h), .deleteRoute(_, let h), .done(let h), .error(_, _, let h), .other(let h): h
        }
    }
}

/// A datagram that cannot be read as netlink: what was wrong and where.
struct MalformedNetlink: Error, Sendable, Equatable, CustomStringConvertible {
    var reason: String
    var offset: Int
    var description: String { "malformed netlink message at byte \(offset): \(reason)" }
}
