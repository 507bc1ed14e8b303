@testable import AssetCore
import Testing

@Suite struct NetworkKindTests {
    static func kind(_ name: String = "x0", type: UInt16? = ARPHRD.ether, loopback: Bool = false, devtype: String? = nil,
                     driver: String? = nil, wireless: Bool = false, infoKind: String? = nil, usb: Bool = false,
                     device: Bool = false) -> LinkKind {
        LinkKind.classify(LinkClues(name: name, hardwareType: type, loopbackFlag: loopback, devtype: devtype, driver: driver,
                                    hasWirelessSysfs: wireless, infoKind: infoKind, isUSB: usb, hasDevice: device))
    }

    @Test func loopbackOnlyByWhatTheKernelSays() {
        #expect(Self.kind("lo", type: ARPHRD.loopback) == .loopback)
        #expect(Self.kind("lo", type: nil, loopback: true) == .loopback)
        // A name is never enough to be exempt.
        #expect(Self.kind("lo", type: ARPHRD.ether) == .virtual)
        #expect(Self.kind("lo", type: ARPHRD.ether, infoKind: "dummy") == .virtual)
    }

    @Test func radios() {
        #expect(Self.kind("wlp2s0", devtype: "wlan", driver: "iwlwifi", device: true) == .wireless)
        #expect(Self.kind("eth7", wireless: true, device: true) == .wireless, "phy80211 in sysfs, whatever the name")
        #expect(Self.kind("mon0", type: ARPHRD.ieee80211Radiotap) == .wireless)
        #expect(Self.kind("wwan0", devtype: "wwan", driver: "qmi_wwan") == .wwan)
        #expect(Self.kind("usb1", driver: "qmi_wwan", usb: true) == .wwan)
        #expect(Self.kind("rmnet0", type: ARPHRD.rawIP) == .wwan)
        #expect(Self.kind("ppp0", type: ARPHRD.ppp, infoKind: nil) == .wwan, "dial-up")
        #expect(Self.kind("bnep0", devtype: "bluetooth") == .bluetooth)
        #expect(Self.kind("pan1", driver: "bnep") == .bluetooth)
        #expect(Self.kind("bt0", type: ARPHRD.sixLoWPAN) == .bluetooth)
        #expect(Self.kind("bnep0", infoKind: "bridge") == .bluetooth, "the name makes it stricter")
    }

    @Test func tethering() {
        for driver in ["rndis_host", "cdc_ether", "cdc_ncm", "ipheth", "cdc_eem", "RNDIS_HOST"] {
            #expect(Self.kind("usb0", driver: driver, usb: true, device: true) == .tethering, "\(driver)")
        }
        #expect(Self.kind("enx001122334455", driver: "r8152", usb: true, device: true) == .wired, "a USB Ethernet adapter")
    }

    @Test func softwareLinks() {
        for info in ["veth", "bridge", "tun", "dummy", "vlan", "macvlan", "wireguard"] {
            #expect(Self.kind("v0", infoKind: info) == .virtual, "\(info)")
        }
        #expect(Self.kind("tun0", type: ARPHRD.none) == .virtual)
        // A tap named like a Wi-Fi dongle is judged as one; a veth named like a phone is not.
        #expect(Self.kind("wlx001122334455", infoKind: "tun") == .wireless)
        #expect(Self.kind("wwan0", infoKind: "tun") == .wwan)
        #expect(Self.kind("usb0", infoKind: "veth") == .virtual)
    }

    @Test func wiredAndUnknown() {
        #expect(Self.kind("enp3s0", driver: "e1000e", device: true) == .wired)
        #expect(Self.kind("eth9") == .virtual, "Ethernet with no device behind it and no info kind")
        #expect(Self.kind("ib0", type: 32) == .unknown)
        #expect(Self.kind("x", type: nil) == .unknown)
        #expect(LinkKind.allCases.filter(\.isRadioOrTethering) == [.wireless, .wwan, .bluetooth, .tethering])
        for kind in LinkKind.allCases { #expect(!kind.name(.zh).isEmpty && !kind.name(.en).isEmpty) }
    }

    @Test func operStates() {
        #expect((0...7).map { LinkOperState(kernelValue: UInt8($0)) } ==
                [.unknown, .notPresent, .down, .lowerLayerDown, .testing, .dormant, .up, .unknown])
    }
}
