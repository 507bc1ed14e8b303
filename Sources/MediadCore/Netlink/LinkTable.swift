import AssetCore
#if canImport(Glibc)
import Glibc
#endif

/// The current state of every link, folded from rtnetlink messages: the one place that knows what
/// the kernel has said so far. Pure state (no I/O), so the rules of folding are unit-testable.
///
/// Rules the kernel imposes, each of which a naive table gets wrong:
/// - A deleted link takes its addresses and routes with it; the kernel sends no RTM_DELADDR or
///   RTM_DELROUTE for them.
/// - IPv4 routes through a link that goes down, and routes that depended on an address that was
///   deleted, vanish without an RTM_DELROUTE. The table cannot know which; it says so
///   (`routesMayBeStale`) and the caller re-dumps the routes.
/// - Bridge ports get extra RTM_NEWLINK/RTM_DELLINK with family AF_BRIDGE; a DELLINK of that
///   family means "left the bridge", not "deleted". Only AF_UNSPEC link messages are applied.
/// - Applying a message twice (seen in a dump and in the stream) changes nothing.
struct LinkTable: Sendable {
    /// What applying messages did.
    struct Effect: Sendable, Equatable {
        /// Links whose state may have changed (including deleted ones).
        var touched: Set<Int32> = []
        /// Links that were deleted.
        var deleted: Set<Int32> = []
        /// Routes may have disappeared silently: dump them again (`replaceRoutes`).
        var routesMayBeStale = false

        mutating func merge(_ other: Effect) {
            touched.formUnion(other.touched)
            deleted.formUnion(other.deleted)
            routesMayBeStale = routesMayBeStale || other.routesMayBeStale
        }
    }

    /// What makes two route messages the same route, whatever their flags (the kernel sets
    /// `linkdown` on a route without telling anyone).
    struct RouteKey: Hashable, Sendable {
        var family: UInt8
        var table: UInt32
        var destinationLength: UInt8
        var destination: [UInt8]
        var tos: UInt8
        var priority: UInt32
        var nexthops: [RouteNexthop]

        init(_ route: RouteMessage) {
            family = route.family
            table = route.table
            destinationLength = route.destinationLength
            destination = route.destination ?? []
            tos = route.tos
            priority = route.priority ?? 0
            nexthops = route.nexthops
        }

        /// The same destination and metric, whatever the next hops: what NLM_F_REPLACE replaces.
        func sameSlot(as other: RouteKey) -> Bool {
            family == other.family && table == other.table && destinationLength == other.destinationLength
                && destination == other.destination && tos == other.tos && priority == other.priority
        }
    }

    struct AddressKey: Hashable, Sendable {
        var family: UInt8
        var bytes: [UInt8]
        var prefixLength: UInt8
    }

    private(set) var links: [Int32: LinkMessage] = [:]
    private(set) var addresses: [Int32: Set<AddressKey>] = [:]
    private(set) var routes: [RouteKey: RouteMessage] = [:]

    init() {}

    var ifindexes: [Int32] { links.keys.sorted() }

    /// Forgets everything and loads a full dump (links, addresses, routes).
    mutating func load(_ dump: [NetlinkMessage]) -> Effect {
        var effect = Effect(touched: Set(links.keys))
        links = [:]
        addresses = [:]
        routes = [:]
        for message in dump { effect.merge(apply(message)) }
        effect.deleted = effect.touched.subtracting(links.keys)
        effect.routesMayBeStale = false
        return effect
    }

    /// Replaces every route with a fresh route dump.
    mutating func replaceRoutes(_ dump: [NetlinkMessage]) -> Effect {
        var effect = Effect()
        for route in routes.values { effect.touched.formUnion(route.nexthops.map(\.ifindex)) }
        routes = [:]
        for case .newRoute(let route, _) in dump {
            effect.merge(apply(.newRoute(route, NetlinkHeader(length: 0, type: RTM.newRoute, flags: 0, sequence: 0, portID: 0))))
        }
        effect.routesMayBeStale = false
        return effect
    }

    mutating func apply(_ message: NetlinkMessage) -> Effect {
        var effect = Effect()
        switch message {
        case .newLink(let link, _):
            guard link.family == UInt8(AF_UNSPEC) else { break }
            if let old = links[link.ifindex], old.isUp, !link.isUp { effect.routesMayBeStale = true }
            links[link.ifindex] = link
            effect.touched.insert(link.ifindex)
        case .deleteLink(let link, _):
            guard link.family == UInt8(AF_UNSPEC) else { break }
            removeLink(link.ifindex)
            effect.touched.insert(link.ifindex)
            effect.deleted.insert(link.ifindex)
        case .newAddress(let address, _):
            guard let key = Self.addressKey(address) else { break }
            addresses[address.ifindex, default: []].insert(key)
            effect.touched.insert(address.ifindex)
        case .deleteAddress(let address, _):
            guard let key = Self.addressKey(address) else { break }
            addresses[address.ifindex]?.remove(key)
            effect.touched.insert(address.ifindex)
            effect.routesMayBeStale = true
        case .newRoute(let route, let header):
            guard Self.isKept(route) else { break }
            let key = RouteKey(route)
            if header.flags & NL.fReplace != 0 {
                for (other, old) in routes where other.sameSlot(as: key) {
                    effect.touched.formUnion(old.nexthops.map(\.ifindex))
                    routes[other] = nil
                }
            }
            routes[key] = route
            effect.touched.formUnion(route.nexthops.map(\.ifindex))
        case .deleteRoute(let route, _):
            guard Self.isKept(route) else { break }
            if routes.removeValue(forKey: RouteKey(route)) == nil { effect.routesMayBeStale = true }
            effect.touched.formUnion(route.nexthops.map(\.ifindex))
        case .done, .error, .other:
            break
        }
        return effect
    }

    private mutating func removeLink(_ ifindex: Int32) {
        links[ifindex] = nil
        addresses[ifindex] = nil
        for (key, route) in routes where route.nexthops.contains(where: { $0.ifindex == ifindex }) {
            var remaining = route
            remaining.nexthops.removeAll { $0.ifindex == ifindex }
            routes[key] = remaining.nexthops.isEmpty ? nil : remaining
        }
    }

    /// Unicast IPv4/IPv6 routes outside the local table: the ones that can carry traffic out.
    /// Local and broadcast routes, cache clones and other families (MPLS…) are not kept.
    static func isKept(_ route: RouteMessage) -> Bool {
        (route.family == UInt8(AF_INET) || route.family == UInt8(AF_INET6))
            && route.type == RTM.typeUnicast && route.table != RTM.tableLocal && route.flags & RTM.flagCloned == 0
    }

    static func addressKey(_ address: AddressMessage) -> AddressKey? {
        guard family(address.family) != nil else { return nil }
        return AddressKey(family: address.family, bytes: address.address, prefixLength: address.prefixLength)
    }

    static func family(_ value: UInt8) -> AddressFamily? {
        switch Int32(value) {
        case AF_INET: .ipv4
        case AF_INET6: .ipv6
        default: nil
        }
    }

    /// The link as the policy sees it, with what sysfs/udev said of it (nil when unknown).
    func observation(_ ifindex: Int32, identity: LinkIdentity?) -> LinkObservation? {
        guard let link = links[ifindex] else { return nil }
        let name = link.name ?? "if\(ifindex)"
        let clues = LinkClues(
            name: name, hardwareType: link.hardwareType, loopbackFlag: link.flags & IFLA.flagLoopback != 0,
            devtype: identity?.devtype, driver: identity?.driver, hasWirelessSysfs: identity?.hasWirelessSysfs ?? false,
            infoKind: link.infoKind, isUSB: identity?.usb != nil || link.parentBus == "usb",
            hasDevice: identity?.hasDevice ?? (link.parentDevice != nil))
        return LinkObservation(
            ifindex: Int(ifindex), name: name, mac: link.address.map(Self.mac), permanentMAC: link.permanentAddress.map(Self.mac),
            kind: LinkKind.classify(clues), up: link.isUp, carrier: link.hasCarrier,
            operState: link.operState.map(LinkOperState.init(kernelValue:)) ?? .unknown,
            addresses: linkAddresses(ifindex), routes: linkRoutes(ifindex), usb: identity?.usb)
    }

    private func linkAddresses(_ ifindex: Int32) -> [LinkAddress] {
        (addresses[ifindex] ?? []).compactMap { key -> LinkAddress? in
            guard let family = Self.family(key.family), let ip = IPAddress(family: family, bytes: key.bytes) else { return nil }
            return LinkAddress(family: family, address: ip.description, prefixLength: Int(key.prefixLength))
        }.sorted { ($0.family.rawValue, $0.address, $0.prefixLength) < ($1.family.rawValue, $1.address, $1.prefixLength) }
    }

    private func linkRoutes(_ ifindex: Int32) -> [LinkRoute] {
        var result: Set<LinkRoute> = []
        for route in routes.values {
            guard let family = Self.family(route.family) else { continue }
            let destination = IPAddress(family: family, bytes: route.destination ?? [UInt8](repeating: 0, count: family.byteCount))
            for hop in route.nexthops where hop.ifindex == ifindex {
                let gatewayFamily = hop.gatewayFamily.flatMap(Self.family) ?? family
                let gateway = hop.gateway.flatMap { IPAddress(family: gatewayFamily, bytes: $0)?.description }
                result.insert(LinkRoute(family: family, destination: destination?.description ?? "?",
                                        prefixLength: Int(route.destinationLength), gateway: gateway,
                                        byKernel: route.protocolCode == RTM.protocolKernel))
            }
        }
        return result.sorted { ($0.family.rawValue, $0.prefixLength, $0.destination, $0.gateway ?? "") < ($1.family.rawValue, $1.prefixLength, $1.destination, $1.gateway ?? "") }
    }

    /// `aa:bb:cc:dd:ee:ff`; any length (InfiniBand has 20 bytes, tunnels 4).
    static func mac(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        return bytes.map { String([digits[Int($0 >> 4)], digits[Int($0 & 0xF)]]) }.joined(separator: ":")
    }
}
