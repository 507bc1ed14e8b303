#if canImport(Glibc)
import Glibc
#endif

/// The few requests mediad sends to the kernel, built as bytes.
enum NetlinkRequest {
    /// What a dump asks for.
    enum Dump: String, Sendable, CaseIterable {
        case links, addresses, routes
    }

    /// RTM_GETLINK / GETADDR / GETROUTE with NLM_F_DUMP, for every family.
    static func dump(_ what: Dump, sequence: UInt32) -> [UInt8] {
        switch what {
        case .links:
            // ifinfomsg (AF_UNSPEC, all zero) plus IFLA_EXT_MASK asking the kernel to skip the
            // statistics, which are most of each message and of no use here.
            var body = [UInt8](repeating: 0, count: IFLA.infoMessageSize)
            body += attribute(IFLA.extMask, bytes(of: IFLA.filterSkipStats))
            return message(type: RTM.getLink, flags: NL.fRequest | NL.fDump, sequence: sequence, body: body)
        case .addresses:
            return message(type: RTM.getAddr, flags: NL.fRequest | NL.fDump, sequence: sequence,
                           body: [UInt8](repeating: 0, count: IFA.messageSize))
        case .routes:
            return message(type: RTM.getRoute, flags: NL.fRequest | NL.fDump, sequence: sequence,
                           body: [UInt8](repeating: 0, count: RTLayout.messageSize))
        }
    }

    /// RTM_NEWLINK on an existing link with IFF_UP cleared in `ifi_change` (and in `ifi_flags`):
    /// `ip link set dev X down`, acknowledged.
    static func setLinkDown(ifindex: Int32, sequence: UInt32) -> [UInt8] {
        var body: [UInt8] = [UInt8(AF_UNSPEC), 0, 0, 0]           // family, pad, type (ignored)
        body += bytes(of: ifindex)
        body += bytes(of: UInt32(0))                               // ifi_flags: IFF_UP clear
        body += bytes(of: IFLA.flagUp)                             // ifi_change: only IFF_UP
        return message(type: RTM.newLink, flags: NL.fRequest | NL.fAck, sequence: sequence, body: body)
    }

    static func message(type: UInt16, flags: UInt16, sequence: UInt32, body: [UInt8]) -> [UInt8] {
        let length = UInt32(NL.headerSize + body.count)
        var out = bytes(of: length) + bytes(of: type) + bytes(of: flags) + bytes(of: sequence) + bytes(of: UInt32(0))
        out += body
        return out
    }

    static func attribute(_ type: UInt16, _ payload: [UInt8]) -> [UInt8] {
        let length = 4 + payload.count
        var out = bytes(of: UInt16(length)) + bytes(of: type) + payload
        out += [UInt8](repeating: 0, count: NL.align(length) - length)
        return out
    }

    /// Host byte order, as netlink wants its integers.
    static func bytes<T: FixedWidthInteger>(of value: T) -> [UInt8] {
        withUnsafeBytes(of: value) { Array($0) }
    }
}
