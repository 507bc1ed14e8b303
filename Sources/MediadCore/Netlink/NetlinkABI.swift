/// The rtnetlink numbers mediad uses, from the kernel's UAPI headers (`linux/netlink.h`,
/// `linux/rtnetlink.h`, `linux/if_link.h`, `linux/if_addr.h`, `linux/if.h`).
///
/// Declared here rather than imported: Swift's Glibc module does not include the netlink headers,
/// and a C shim that does breaks the release build once it also pulls in `<sys/socket.h>`
/// (swift-linux.md). These values are a stable kernel ABI; each group names its header.
/// Message layouts are read byte by byte (`NetlinkParser`), so no C struct is needed either.
enum NL {
    // linux/netlink.h
    static let familyRoute: Int32 = 0          // NETLINK_ROUTE
    static let solNetlink: Int32 = 270         // SOL_NETLINK
    static let optCapAck: Int32 = 10           // NETLINK_CAP_ACK
    static let optExtAck: Int32 = 11           // NETLINK_EXT_ACK
    static let headerSize = 16                 // struct nlmsghdr
    static let error: UInt16 = 2               // NLMSG_ERROR
    static let done: UInt16 = 3                // NLMSG_DONE
    static let fRequest: UInt16 = 0x01         // NLM_F_REQUEST
    static let fAck: UInt16 = 0x04             // NLM_F_ACK
    static let fDumpInterrupted: UInt16 = 0x10 // NLM_F_DUMP_INTR
    static let fReplace: UInt16 = 0x100        // NLM_F_REPLACE (on RTM_NEWROUTE)
    static let fDump: UInt16 = 0x300           // NLM_F_ROOT | NLM_F_MATCH
    static let fCapped: UInt16 = 0x100         // NLM_F_CAPPED (on NLMSG_ERROR)
    static let fAckTLVs: UInt16 = 0x200        // NLM_F_ACK_TLVS (on NLMSG_ERROR)
    static let errAttrMessage: UInt16 = 1      // NLMSGERR_ATTR_MSG
    static let attrTypeMask: UInt16 = 0x3FFF   // NLA_TYPE_MASK: drops NLA_F_NESTED, NLA_F_NET_BYTEORDER

    /// NLMSG_ALIGN / RTA_ALIGN: everything in netlink is padded to 4 bytes.
    static func align(_ length: Int) -> Int { (length + 3) & ~3 }
}

/// linux/rtnetlink.h: message types, multicast groups, route fields.
enum RTM {
    static let newLink: UInt16 = 16
    static let delLink: UInt16 = 17
    static let getLink: UInt16 = 18
    static let newAddr: UInt16 = 20
    static let delAddr: UInt16 = 21
    static let getAddr: UInt16 = 22
    static let newRoute: UInt16 = 24
    static let delRoute: UInt16 = 25
    static let getRoute: UInt16 = 26

    // RTMGRP_* (the legacy bit masks for sockaddr_nl.nl_groups)
    static let groupLink: UInt32 = 0x1
    static let groupIPv4Address: UInt32 = 0x10
    static let groupIPv4Route: UInt32 = 0x40
    static let groupIPv6Address: UInt32 = 0x100
    static let groupIPv6Route: UInt32 = 0x400
    static let allGroups = groupLink | groupIPv4Address | groupIPv4Route | groupIPv6Address | groupIPv6Route

    // struct rtmsg fields
    static let tableLocal: UInt32 = 255        // RT_TABLE_LOCAL
    static let typeUnicast: UInt8 = 1          // RTN_UNICAST
    static let protocolKernel: UInt8 = 2       // RTPROT_KERNEL
    static let flagCloned: UInt32 = 0x200      // RTM_F_CLONED (route cache entries)

    // RTA_* (route attributes)
    static let attrDestination: UInt16 = 1
    static let attrOutputInterface: UInt16 = 4
    static let attrGateway: UInt16 = 5
    static let attrPriority: UInt16 = 6
    static let attrMultipath: UInt16 = 9
    static let attrTable: UInt16 = 15
    static let attrVia: UInt16 = 18
}

/// linux/if_link.h and linux/if.h: link attributes and flags.
enum IFLA {
    static let infoMessageSize = 16            // struct ifinfomsg
    static let address: UInt16 = 1
    static let name: UInt16 = 3
    static let operState: UInt16 = 16
    static let linkInfo: UInt16 = 18
    static let extMask: UInt16 = 29
    static let permanentAddress: UInt16 = 54
    static let parentDeviceName: UInt16 = 56
    static let parentBusName: UInt16 = 57
    static let infoKind: UInt16 = 1            // IFLA_INFO_KIND, nested in IFLA_LINKINFO
    static let filterSkipStats: UInt32 = 1 << 3 // RTEXT_FILTER_SKIP_STATS

    // IFF_* (ifi_flags)
    static let flagUp: UInt32 = 0x1
    static let flagLoopback: UInt32 = 0x8
    static let flagLowerUp: UInt32 = 0x10000
}

/// linux/if_addr.h: address attributes.
enum IFA {
    static let messageSize = 8                 // struct ifaddrmsg
    static let address: UInt16 = 1
    static let local: UInt16 = 2
}

/// struct rtmsg is 12 bytes; struct rtnexthop 8; struct rtvia a 2-byte family then the address.
enum RTLayout {
    static let messageSize = 12
    static let nexthopSize = 8
}
