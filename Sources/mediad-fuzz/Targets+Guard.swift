import AssetCore
import MediadCore

/// What the guard reads from the kernel and from devices: rtnetlink datagrams and USB descriptors.
extension FuzzTarget {
    /// `NetlinkParser.parse`: one datagram, as the rtnetlink socket delivers it.
    static let netlink = FuzzTarget(name: "netlink", summary: "rtnetlink datagrams (NetlinkParser)") { bytes in
        consume(FuzzEntryPoints.netlink(bytes))
    }

    /// `USBDescriptors`: a device's `descriptors` file, which the device itself wrote.
    static let usbDescriptors = FuzzTarget(name: "usb-descriptors", summary: "a device's descriptors file (USBDescriptors)") { bytes in
        consume(USBDescriptors.device(from: bytes))
        let interfaces = USBDescriptors.interfaces(from: bytes)
        // Folded: never two of one number in one configuration.
        FuzzCheck.require(Set(interfaces.map { "\($0.configuration).\($0.number)" }).count == interfaces.count,
                          "an interface listed twice")
    }
}
