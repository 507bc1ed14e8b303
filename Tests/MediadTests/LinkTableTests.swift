@testable import MediadCore
import Testing

/// The link table folds rtnetlink messages as the kernel means them (the rules in LinkTable.swift's
/// comment, each one a thing a naive table gets wrong). Family and type numbers from the kernel's
/// headers: AF_UNSPEC 0, AF_INET 2, AF_BRIDGE 7; RTN_UNICAST 1; main table 254; RTPROT_BOOT 3.
@Suite struct LinkTableTests {
    static let header = NetlinkHeader(length: 0, type: 0, flags: 0, sequence: 0, portID: 0)
    static let upWithCarrier: UInt32 = 0x1 | 0x10000

    static func link(_ index: Int32, _ name: String, flags: UInt32 = upWithCarrier, family: UInt8 = 0) -> LinkMessage {
        var link = LinkMessage(family: family, ifindex: index, hardwareType: 1, flags: flags)
        link.name = name
        link.address = [0x02, 0, 0, 0, 0, UInt8(index)]
        return link
    }

    static func address(_ index: Int32, _ bytes: [UInt8], prefix: UInt8 = 24) -> AddressMessage {
        AddressMessage(family: 2, prefixLength: prefix, ifindex: index, address: bytes)
    }

    static func defaultRoute(via index: Int32, gateway: [UInt8] = [192, 0, 2, 1]) -> RouteMessage {
        RouteMessage(family: 2, destinationLength: 0, tos: 0, table: 254, protocolCode: 3, type: 1, flags: 0,
                     destination: nil, priority: nil,
                     nexthops: [RouteNexthop(ifindex: index, gatewayFamily: 2, gateway: gateway)])
    }

    @Test func aTetheredPhoneStepByStep() throws {
        var table = LinkTable()
        _ = table.apply(.newLink(Self.link(5, "usb0", flags: 0x1), Self.header))      // up, no carrier
        #expect(try #require(table.observation(5, identity: nil)).carrier == false)
        _ = table.apply(.newLink(Self.link(5, "usb0"), Self.header))
        _ = table.apply(.newAddress(Self.address(5, [192, 0, 2, 2]), Self.header))
        let effect = table.apply(.newRoute(Self.defaultRoute(via: 5), Self.header))
        #expect(effect.touched == [5])
        let seen = try #require(table.observation(5, identity: nil))
        #expect(seen.name == "usb0" && seen.up && seen.carrier)
        #expect(seen.mac == "02:00:00:00:00:05")
        #expect(seen.addresses.map(\.address) == ["192.0.2.2"])
        #expect(seen.hasDefaultRouteIPv4)
    }

    @Test func aDeletedLinkTakesItsAddressesAndRoutesWithIt() throws {
        var table = LinkTable()
        _ = table.apply(.newLink(Self.link(5, "usb0"), Self.header))
        _ = table.apply(.newAddress(Self.address(5, [192, 0, 2, 2]), Self.header))
        _ = table.apply(.newRoute(Self.defaultRoute(via: 5), Self.header))
        let effect = table.apply(.deleteLink(Self.link(5, "usb0"), Self.header))
        #expect(effect.deleted == [5])
        #expect(table.observation(5, identity: nil) == nil)
        // The same index reused by a new link starts clean.
        _ = table.apply(.newLink(Self.link(5, "eth9"), Self.header))
        let again = try #require(table.observation(5, identity: nil))
        #expect(again.addresses.isEmpty && again.routes.isEmpty)
    }

    @Test func aBridgePortLeavingItsBridgeIsNotADeletion() {
        var table = LinkTable()
        _ = table.apply(.newLink(Self.link(3, "eth0"), Self.header))
        let effect = table.apply(.deleteLink(Self.link(3, "eth0", family: 7), Self.header))   // AF_BRIDGE
        #expect(effect.deleted.isEmpty)
        #expect(table.observation(3, identity: nil) != nil)
    }

    @Test func aLinkGoingDownMayHaveLostItsRoutesSilently() {
        var table = LinkTable()
        _ = table.apply(.newLink(Self.link(3, "eth0"), Self.header))
        #expect(table.apply(.newLink(Self.link(3, "eth0", flags: 0), Self.header)).routesMayBeStale)
    }

    @Test func aMessageSeenTwiceChangesNothing() throws {
        var table = LinkTable()
        let messages: [NetlinkMessage] = [.newLink(Self.link(5, "usb0"), Self.header),
                                          .newAddress(Self.address(5, [192, 0, 2, 2]), Self.header),
                                          .newRoute(Self.defaultRoute(via: 5), Self.header)]
        for message in messages + messages { _ = table.apply(message) }
        let seen = try #require(table.observation(5, identity: nil))
        #expect(seen.addresses.count == 1)
        #expect(seen.routes.count == 1)
    }
}
