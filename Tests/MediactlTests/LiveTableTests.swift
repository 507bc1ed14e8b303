import AssetCore
@testable import mediactl
import Testing

/// `devices` and `links`, the tables printed from the running daemon's reply, byte for byte: the
/// expected text is written out by hand, so the alignment (Chinese two columns), the escaping of a
/// hostile serial and the trailing spaces before an empty last cell are all pinned.
@Suite struct LiveTableTests {
    /// The table as `mediactl` writes it to standard output.
    static func text(_ table: SmallTable) throws -> String {
        final class Bytes { var all: [UInt8] = [] }
        let bytes = Bytes()
        var output = ReportOutput { block in bytes.all.append(contentsOf: block) }
        try table.writeTable(to: &output)
        try output.flush()
        return String(decoding: bytes.all, as: UTF8.self)
    }

    static let devices = [
        AttachedDevice(observation: USBDeviceObservation(syspath: "/sys/devices/usb1/1-1", port: "1-1", vendorID: "0781",
                                                         productID: "5567", serial: "4C53\u{1B}[2J", manufacturer: "SanDisk",
                                                         product: "Cruzer", deviceClass: 0),
                       decision: .block, audited: false, mediumNumber: nil, violations: [.unregisteredMedium], allowedUntil: nil),
        AttachedDevice(observation: USBDeviceObservation(syspath: "/sys/devices/usb1/1-1.4", port: "1-1.4", vendorID: "090c",
                                                         productID: "1000", serial: "AA\\BB", manufacturer: "银灿",
                                                         deviceClass: 0),
                       decision: .allow, audited: true, mediumNumber: "U-2026-0001", violations: [],
                       allowedUntil: Timestamp(parsing: "2026-11-22T09:30:00Z")),
    ]

    @Test func devicesInEnglish() throws {
        #expect(try Self.text(Render(language: .en).devices(Self.devices)) == """
            PORT   DEVICE                    SERIAL       VERDICT        MEDIUM       VIOLATIONS           ALLOWED UNTIL
            -----  ------------------------  -----------  -------------  -----------  -------------------  --------------------
            1-1    0781:5567 SanDisk Cruzer  4C53\\x1B[2J  block                       unregistered-medium  \("")
            1-1.4  090c:1000 银灿            AA\\\\BB       allow (audit)  U-2026-0001                       2026-11-22T09:30:00Z

            """)
    }

    @Test func devicesInChinese() throws {
        #expect(try Self.text(Render(language: .zh).devices(Self.devices)) == """
            端口   设备                      序列号       裁决          介质         违规                 临时放行至
            -----  ------------------------  -----------  ------------  -----------  -------------------  --------------------
            1-1    0781:5567 SanDisk Cruzer  4C53\\x1B[2J  阻断                       unregistered-medium  \("")
            1-1.4  090c:1000 银灿            AA\\\\BB       允许（审计）  U-2026-0001                       2026-11-22T09:30:00Z

            """)
    }

    static let links = [
        LinkState(link: LinkObservation(ifindex: 1, name: "lo", kind: .loopback, up: true, carrier: true,
                                        addresses: [LinkAddress(family: .ipv4, address: "127.0.0.1", prefixLength: 8)]),
                  verdict: LinkVerdict(decision: .allow, evidence: .carrier)),
        LinkState(link: LinkObservation(ifindex: 7, name: "usb0", mac: "02:00:00:00:00:01", kind: .tethering, up: true,
                                        carrier: true,
                                        addresses: [LinkAddress(family: .ipv4, address: "192.168.42.2", prefixLength: 24)],
                                        routes: [LinkRoute(family: .ipv4, destination: "0.0.0.0", prefixLength: 0,
                                                           gateway: "192.168.42.1")],
                                        usb: LinkUSBIdentity(syspath: "/sys/devices/usb1/1-2", vendorID: "18d1",
                                                             productID: "4ee7", serial: "PHONE\tX")),
                  verdict: LinkVerdict(decision: .cut,
                                       violations: [LinkViolation(type: .unauthorizedLink, severity: .critical,
                                                                  reason: Bilingual(zh: "违规外联", en: "link")),
                                                    LinkViolation(type: .wirelessDevice, severity: .high,
                                                                  reason: Bilingual(zh: "无线", en: "wireless"))],
                                       evidence: .defaultRoute, audited: true)),
        LinkState(link: LinkObservation(ifindex: 9, name: "enp3s0", kind: .wired), verdict: nil),
    ]

    @Test func linksInEnglish() throws {
        #expect(try Self.text(Render(language: .en).links(Self.links)) == """
            LINK    KIND       MAC                USB DEVICE            STATE                       ADDRESSES        VERDICT      VIOLATIONS
            ------  ---------  -----------------  --------------------  --------------------------  ---------------  -----------  -------------------------------------------------
            lo      loopback                                            up, carrier                                  allow        \("")
            usb0    tethering  02:00:00:00:00:01  18d1:4ee7 PHONE\\x09X  up, carrier, default route  192.168.42.2/24  cut (audit)  unauthorized-link(critical),wireless-device(high)
            enp3s0  wired                                               down                                                      \("")

            """)
    }

    @Test func linksInChinese() throws {
        #expect(try Self.text(Render(language: .zh).links(Self.links)) == """
            接口    类型       MAC                USB设备               状态                  地址             裁决          违规
            ------  ---------  -----------------  --------------------  --------------------  ---------------  ------------  -------------------------------------------------
            lo      loopback                                            up，有载波                             允许          \("")
            usb0    tethering  02:00:00:00:00:01  18d1:4ee7 PHONE\\x09X  up，有载波，默认路由  192.168.42.2/24  切断（审计）  unauthorized-link(critical),wireless-device(high)
            enp3s0  wired                                               down                                                 \("")

            """)
    }
}
