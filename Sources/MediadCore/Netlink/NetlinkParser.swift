#if canImport(Glibc)
import Glibc
#endif

/// Reads rtnetlink datagrams (`nlmsghdr`, `ifinfomsg`, `ifaddrmsg`, `rtmsg`, `rtattr`).
///
/// The kernel is the only sender mediad accepts, but every length is still treated as hostile:
/// each read is bounds-checked against the datagram and against the enclosing message or
/// attribute, lengths that do not even cover their own header are rejected, and nothing is read
/// through a pointer that outlives the check. A datagram that fails is reported whole
/// (`MalformedNetlink`), never half-applied: the caller then re-dumps, as after an overflow.
enum NetlinkParser {
    static func parse(_ bytes: [UInt8]) throws(MalformedNetlink) -> [NetlinkMessage] {
        let view = ByteView(bytes)
        var messages: [NetlinkMessage] = []
        var offset = 0
        while offset < bytes.count {
            guard let length = view.u32(offset).map(Int.init), let type = view.u16(offset + 4),
                  let flags = view.u16(offset + 6), let sequence = view.u32(offset + 8),
                  let port = view.u32(offset + 12) else {
                throw MalformedNetlink(reason: "truncated header", offset: offset)
            }
            guard length >= NL.headerSize, length <= bytes.count - offset else {
                throw MalformedNetlink(reason: "length \(length) outside 16…\(bytes.count - offset)", offset: offset)
            }
            let header = NetlinkHeader(length: length, type: type, flags: flags, sequence: sequence, portID: port)
            let body = (offset + NL.headerSize)..<(offset + length)
            messages.append(try message(header, body: body, in: view))
            offset += NL.align(length)
        }
        return messages
    }

    static func message(_ header: NetlinkHeader, body: Range<Int>, in view: ByteView) throws(MalformedNetlink) -> NetlinkMessage {
        switch header.type {
        case RTM.newLink, RTM.delLink:
            let link = try self.link(body, view)
            return header.type == RTM.newLink ? .newLink(link, header) : .deleteLink(link, header)
        case RTM.newAddr, RTM.delAddr:
            let address = try self.address(body, view)
            return header.type == RTM.newAddr ? .newAddress(address, header) : .deleteAddress(address, header)
        case RTM.newRoute, RTM.delRoute:
            let route = try self.route(body, view)
            return header.type == RTM.newRoute ? .newRoute(route, header) : .deleteRoute(route, header)
        case NL.done:
            return .done(header)
        case NL.error:
            return try error(header, body: body, view)
        default:
            return .other(header)
        }
    }

    static func link(_ body: Range<Int>, _ view: ByteView) throws(MalformedNetlink) -> LinkMessage {
        guard body.count >= IFLA.infoMessageSize, let family = view.u8(body.lowerBound),
              let type = view.u16(body.lowerBound + 2), let index = view.i32(body.lowerBound + 4),
              let flags = view.u32(body.lowerBound + 8) else {
            throw MalformedNetlink(reason: "short ifinfomsg", offset: body.lowerBound)
        }
        var link = LinkMessage(family: family, ifindex: index, hardwareType: type, flags: flags)
        let attributes = try Attributes(view, (body.lowerBound + IFLA.infoMessageSize)..<body.upperBound)
        link.name = attributes.string(IFLA.name)
        link.address = attributes.bytes(IFLA.address)
        link.permanentAddress = attributes.bytes(IFLA.permanentAddress)
        link.operState = attributes.range(IFLA.operState).flatMap { view.u8($0.lowerBound) }
        link.parentDevice = attributes.string(IFLA.parentDeviceName)
        link.parentBus = attributes.string(IFLA.parentBusName)
        if let info = attributes.range(IFLA.linkInfo) {
            link.infoKind = try Attributes(view, info).string(IFLA.infoKind)
        }
        return link
    }

    static func address(_ body: Range<Int>, _ view: ByteView) throws(MalformedNetlink) -> AddressMessage {
        guard body.count >= IFA.messageSize, let family = view.u8(body.lowerBound),
              let prefix = view.u8(body.lowerBound + 1), let index = view.u32(body.lowerBound + 4) else {
            throw MalformedNetlink(reason: "short ifaddrmsg", offset: body.lowerBound)
        }
        let attributes = try Attributes(view, (body.lowerBound + IFA.messageSize)..<body.upperBound)
        let bytes = attributes.bytes(IFA.local) ?? attributes.bytes(IFA.address) ?? []
        return AddressMessage(family: family, prefixLength: prefix, ifindex: Int32(bitPattern: index), address: bytes)
    }

    static func route(_ body: Range<Int>, _ view: ByteView) throws(MalformedNetlink) -> RouteMessage {
        let base = body.lowerBound
        guard body.count >= RTLayout.messageSize, let family = view.u8(base), let destinationLength = view.u8(base + 1),
              let tos = view.u8(base + 3), let table = view.u8(base + 4), let protocolCode = view.u8(base + 5),
              let type = view.u8(base + 7), let flags = view.u32(base + 8) else {
            throw MalformedNetlink(reason: "short rtmsg", offset: base)
        }
        let attributes = try Attributes(view, (base + RTLayout.messageSize)..<body.upperBound)
        var route = RouteMessage(family: family, destinationLength: destinationLength, tos: tos,
                                 table: attributes.range(RTM.attrTable).flatMap { view.u32($0.lowerBound) } ?? UInt32(table),
                                 protocolCode: protocolCode, type: type, flags: flags,
                                 destination: attributes.bytes(RTM.attrDestination),
                                 priority: attributes.range(RTM.attrPriority).flatMap { view.u32($0.lowerBound) },
                                 nexthops: [])
        if let multipath = attributes.range(RTM.attrMultipath) {
            route.nexthops = try nexthops(multipath, family: family, view)
        } else if let oif = attributes.range(RTM.attrOutputInterface).flatMap({ view.i32($0.lowerBound) }) {
            let (gatewayFamily, gateway) = try self.gateway(attributes, family: family, view)
            route.nexthops = [RouteNexthop(ifindex: oif, gatewayFamily: gatewayFamily, gateway: gateway)]
        }
        return route
    }

    /// RTA_MULTIPATH: `rtnexthop` records (8 bytes, then their own attributes), each padded to 4.
    static func nexthops(_ range: Range<Int>, family: UInt8, _ view: ByteView) throws(MalformedNetlink) -> [RouteNexthop] {
        var result: [RouteNexthop] = []
        var offset = range.lowerBound
        while offset + RTLayout.nexthopSize <= range.upperBound {
            guard let length = view.u16(offset).map(Int.init), let index = view.i32(offset + 4),
                  length >= RTLayout.nexthopSize, length <= range.upperBound - offset else {
                throw MalformedNetlink(reason: "bad rtnexthop length", offset: offset)
            }
            let attributes = try Attributes(view, (offset + RTLayout.nexthopSize)..<(offset + length))
            let (gatewayFamily, gateway) = try self.gateway(attributes, family: family, view)
            result.append(RouteNexthop(ifindex: index, gatewayFamily: gatewayFamily, gateway: gateway))
            offset += NL.align(length)
        }
        return result
    }

    /// RTA_GATEWAY (same family as the route) or RTA_VIA (an IPv4 route through an IPv6 router).
    static func gateway(_ attributes: Attributes, family: UInt8, _ view: ByteView) throws(MalformedNetlink) -> (UInt8?, [UInt8]?) {
        if let gateway = attributes.bytes(RTM.attrGateway) { return (family, gateway) }
        guard let via = attributes.range(RTM.attrVia) else { return (nil, nil) }
        guard via.count >= 2, let viaFamily = view.u16(via.lowerBound) else {
            throw MalformedNetlink(reason: "short RTA_VIA", offset: via.lowerBound)
        }
        return (UInt8(truncatingIfNeeded: viaFamily), view.slice((via.lowerBound + 2)..<via.upperBound))
    }

    /// NLMSG_ERROR: the errno, then the request's header (and, unless capped, its body), then the
    /// extended-ack attributes.
    static func error(_ header: NetlinkHeader, body: Range<Int>, _ view: ByteView) throws(MalformedNetlink) -> NetlinkMessage {
        guard body.count >= 4 + NL.headerSize, let code = view.i32(body.lowerBound) else {
            throw MalformedNetlink(reason: "short NLMSG_ERROR", offset: body.lowerBound)
        }
        var text: String?
        let request = body.lowerBound + 4
        if header.flags & NL.fAckTLVs != 0, let requestLength = view.u32(request).map(Int.init) {
            let echoed = header.flags & NL.fCapped != 0 ? NL.headerSize : NL.align(requestLength)
            let start = request + echoed
            if echoed >= NL.headerSize, start <= body.upperBound {
                text = try Attributes(view, start..<body.upperBound).string(NL.errAttrMessage)
            }
        }
        return .error(code: code, text: text, header)
    }
}

/// The attributes (`rtattr`) in a region, by type; the first of each type wins.
struct Attributes {
    private var ranges: [UInt16: Range<Int>] = [:]
    private let view: ByteView

    init(_ view: ByteView, _ region: Range<Int>) throws(MalformedNetlink) {
        self.view = view
        var offset = region.lowerBound
        while offset + 4 <= region.upperBound {
            guard let length = view.u16(offset).map(Int.init), let rawType = view.u16(offset + 2),
                  length >= 4, length <= region.upperBound - offset else {
                throw MalformedNetlink(reason: "bad rtattr length", offset: offset)
            }
            let type = rawType & NL.attrTypeMask
            if ranges[type] == nil { ranges[type] = (offset + 4)..<(offset + length) }
            offset += NL.align(length)
        }
    }

    func range(_ type: UInt16) -> Range<Int>? { ranges[type] }

    func bytes(_ type: UInt16) -> [UInt8]? { ranges[type].map { view.slice($0) } }

    /// A NUL-terminated string attribute (IFLA_IFNAME, IFLA_INFO_KIND). Invalid UTF-8 is repaired;
    /// names are escaped where they are shown.
    func string(_ type: UInt16) -> String? {
        guard let bytes = bytes(type) else { return nil }
        let text = bytes.prefix { $0 != 0 }
        return String(decoding: text, as: UTF8.self)
    }
}

/// Bounds-checked little reads from a datagram: nil instead of a read past the end.
struct ByteView {
    let bytes: [UInt8]
    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func u8(_ offset: Int) -> UInt8? { offset >= 0 && offset < bytes.count ? bytes[offset] : nil }
    func u16(_ offset: Int) -> UInt16? { load(offset, UInt16.self) }
    func u32(_ offset: Int) -> UInt32? { load(offset, UInt32.self) }
    func i32(_ offset: Int) -> Int32? { load(offset, Int32.self) }

    func slice(_ range: Range<Int>) -> [UInt8] {
        let clamped = range.clamped(to: 0..<bytes.count)
        return Array(bytes[clamped])
    }

    /// Host byte order, as netlink headers and integer attributes are.
    private func load<T: FixedWidthInteger>(_ offset: Int, _ type: T.Type) -> T? {
        guard offset >= 0, offset <= bytes.count - MemoryLayout<T>.size else { return nil }
        return bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: T.self) }
    }
}
