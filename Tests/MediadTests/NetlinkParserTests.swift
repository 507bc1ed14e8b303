@testable import MediadCore
import Testing

/// rtnetlink datagrams built byte by byte from the kernel's ABI (linux/netlink.h, rtnetlink.h,
/// if_link.h, if_addr.h), not from the parser's constants: what a hostile or broken kernel
/// message does to the parser.
@Suite struct NetlinkParserTests {
    // The numbers as the kernel headers give them.
    static let rtmNewLink: UInt16 = 16, rtmNewAddr: UInt16 = 20, nlmsgDone: UInt16 = 3
    static let iflaAddress: UInt16 = 1, iflaIfname: UInt16 = 3, iflaOperstate: UInt16 = 16
    static let ifaAddress: UInt16 = 1, ifaLocal: UInt16 = 2
    static let iffUp: UInt32 = 0x1, iffLowerUp: UInt32 = 0x10000

    static func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
    static func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * $0)) & 0xFF) } }
    static func padded(_ bytes: [UInt8]) -> [UInt8] { bytes + [UInt8](repeating: 0, count: (4 - bytes.count % 4) % 4) }

    /// `struct rtattr` with its payload, padded to 4.
    static func attribute(_ type: UInt16, _ payload: [UInt8], length: UInt16? = nil) -> [UInt8] {
        padded(le16(length ?? UInt16(4 + payload.count)) + le16(type) + payload)
    }

    /// `struct nlmsghdr` + body, padded to 4; `length` overrides nlmsg_len.
    static func message(_ type: UInt16, _ body: [UInt8], length: UInt32? = nil) -> [UInt8] {
        padded(le32(length ?? UInt32(16 + body.count)) + le16(type) + le16(0) + le32(1) + le32(0) + body)
    }

    /// `struct ifinfomsg`: family, pad, type, index, flags, change.
    static func ifinfo(index: Int32, flags: UInt32) -> [UInt8] {
        [0, 0] + le16(1) + le32(UInt32(bitPattern: index)) + le32(flags) + le32(0xFFFF_FFFF)
    }

    // The case a test expects, or nil: with #require a wrong case fails the test instead of passing it.
    static func newLink(_ message: NetlinkMessage?) -> LinkMessage? {
        if case .newLink(let link, _)? = message { return link }
        return nil
    }

    static func newAddress(_ message: NetlinkMessage) -> AddressMessage? {
        if case .newAddress(let address, _) = message { return address }
        return nil
    }

    static func isDone(_ message: NetlinkMessage) -> Bool {
        if case .done = message { return true }
        return false
    }

    @Test func aLinkWithItsNameAddressAndFlags() throws {
        let body = Self.ifinfo(index: 7, flags: Self.iffUp | Self.iffLowerUp)
            + Self.attribute(Self.iflaIfname, Array("usb0".utf8) + [0])
            + Self.attribute(Self.iflaAddress, [0x02, 0, 0, 0, 0, 0x01])
            + Self.attribute(999, [1, 2, 3])                       // unknown: ignored
            + Self.attribute(Self.iflaOperstate, [6])              // IF_OPER_UP
        let messages = try NetlinkParser.parse(Self.message(Self.rtmNewLink, body))
        #expect(messages.count == 1)
        let link = try #require(Self.newLink(messages.first), "not a new link: \(messages)")
        #expect(link.ifindex == 7)
        #expect(link.name == "usb0")
        #expect(link.address == [0x02, 0, 0, 0, 0, 0x01])
        #expect(link.isUp && link.hasCarrier)
        #expect(link.operState == 6)
    }

    @Test func twoMessagesInOneDatagramAndTheDoneMarker() throws {
        let address = Self.message(Self.rtmNewAddr, [2, 24, 0, 0] + Self.le32(3)
                                   + Self.attribute(Self.ifaAddress, [192, 0, 2, 2]) + Self.attribute(Self.ifaLocal, [192, 0, 2, 9]))
        let messages = try NetlinkParser.parse(address + Self.message(Self.nlmsgDone, Self.le32(0)))
        #expect(messages.count == 2)
        let parsed = try #require(Self.newAddress(messages[0]), "not an address: \(messages[0])")
        #expect(parsed.ifindex == 3 && parsed.prefixLength == 24)
        #expect(parsed.address == [192, 0, 2, 9], "IFA_LOCAL is the interface's own address")
        #expect(Self.isDone(messages[1]), "not done: \(messages[1])")
    }

    /// Every length the kernel could get wrong, each refused whole (the caller then dumps again).
    @Test(arguments: [
        ("a header cut short", Array(Self.message(16, Self.ifinfo(index: 1, flags: 0)).prefix(10))),
        ("nlmsg_len zero", Self.message(16, Self.ifinfo(index: 1, flags: 0), length: 0)),
        ("nlmsg_len below the header", Self.message(16, Self.ifinfo(index: 1, flags: 0), length: 15)),
        ("nlmsg_len past the datagram", Self.message(16, Self.ifinfo(index: 1, flags: 0), length: 4096)),
        ("an ifinfomsg cut short", Self.message(16, [0, 0, 1, 0])),
        ("an attribute of length zero", Self.message(16, Self.ifinfo(index: 1, flags: 0) + Self.attribute(3, [], length: 0))),
        ("an attribute past its message", Self.message(16, Self.ifinfo(index: 1, flags: 0) + Self.attribute(3, [65, 0], length: 200))),
        ("an ifaddrmsg cut short", Self.message(20, [2, 24])),
    ])
    func malformedDatagramsAreRefusedWhole(_ name: String, _ bytes: [UInt8]) {
        #expect(throws: MalformedNetlink.self, "\(name)") { try NetlinkParser.parse(bytes) }
    }

    @Test func anEmptyDatagramHoldsNoMessage() throws {
        #expect(try NetlinkParser.parse([]).isEmpty)
    }
}
