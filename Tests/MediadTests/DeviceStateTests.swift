import AssetCore
@testable import MediadCore
import Testing

/// The Guard's state as values: decided devices, allow-once overrides, children held for their device.
@Suite struct DeviceStateTests {
    static let stick = PresentIdentitiesTests.stick("1-1", serial: "SERIAL0001")

    @Test func aDecidedDeviceIsRememberedReplacedAndForgotten() {
        var table = DeviceTable()
        table.remember(Self.stick, Verdict(decision: .block))
        #expect(table.count == 1)
        #expect(table[Self.stick.syspath]?.verdict.decision == .block)
        table.remember(Self.stick, Verdict(decision: .allow))
        #expect(table.count == 1, "a second verdict replaces the first")
        #expect(table.others(sharing: PresentIdentitiesTests.stick("1-2", serial: "SERIAL0001")) == [Self.stick.syspath])
        let removed = table.remove(Self.stick.syspath)
        #expect(removed?.verdict.decision == .allow)
        #expect(table[Self.stick.syspath] == nil)
        #expect(table.others(sharing: PresentIdentitiesTests.stick("1-2", serial: "SERIAL0001")).isEmpty)
    }

    @Test func aLearntCapacityIsKeptWithTheVerdict() {
        var table = DeviceTable()
        var medium = Medium(number: "U-2026-0001", kind: .usbStick, level: .secret, holder: "P001",
                            identity: HardwareIdentity(vendorID: "0781", productID: "5567", serial: "SERIAL0001"))
        medium.boundComputers = []
        table.remember(Self.stick, Verdict(decision: .allow, medium: medium))
        table.learnt(capacity: 15_376_318_464, for: Self.stick.syspath)
        #expect(table[Self.stick.syspath]?.verdict.medium?.identity?.capacityBytes == 15_376_318_464)
    }

    @Test func anExpiryWithAStaleTokenFindsNothing() throws {
        var overrides = Overrides()
        let until = try #require(Timestamp(parsing: "2026-11-30T10:00:00Z"))
        let first = overrides.grant("/sys/x/1-1", until: until)
        let second = overrides.grant("/sys/x/1-1", until: until)
        #expect(first != second)
        #expect(overrides.expire("/sys/x/1-1", token: first) == nil, "replaced by the second grant")
        #expect(overrides.until("/sys/x/1-1") == until)
        #expect(overrides.expire("/sys/x/1-1", token: second) == until)
        #expect(overrides.until("/sys/x/1-1") == nil)
        let third = overrides.grant("/sys/x/1-1", until: until)
        overrides.end("/sys/x/1-1")   // unplugged, or decided again
        #expect(overrides.expire("/sys/x/1-1", token: third) == nil)
    }

    static func child(_ path: String, _ subsystem: String, _ devtype: String) -> Uevent {
        Uevent(action: .add, syspath: path, subsystem: subsystem, devtype: devtype, properties: [:])
    }

    @Test func childrenWaitForTheirDeviceInArrivalOrder() {
        var held = HeldChildren()
        let device = "/sys/x/usb1/1-1"
        held.hold(Self.child(device + "/1-1:1.0", "usb", "usb_interface"), until: device)
        held.hold(Self.child(device + "/1-1:1.0/host6/target6:0:0/6:0:0:0/block/sdb", "block", "disk"), until: device)
        #expect(held.isHolding(for: device))
        #expect(held.release(device).map(\.subsystem) == ["usb", "block"])
        #expect(held.release(device).isEmpty, "released once")
        held.hold(Self.child("/sys/x/usb1/1-2/1-2:1.0", "usb", "usb_interface"), until: "/sys/x/usb1/1-2")
        held.keep(parents: [device])
        #expect(!held.isHolding(for: "/sys/x/usb1/1-2"), "a parent that is not present takes its children with it")
    }

    @Test func aVerdictIsWrittenBelowTheDirectoryItWasReadFrom() {
        let directory = "/sys/devices/x/usb1/1-1"
        #expect(SysfsAuthorizer.attribute("authorized", of: directory, below: directory) == "authorized")
        #expect(SysfsAuthorizer.attribute("authorized", of: directory + "/1-1:1.0", below: directory) == "1-1:1.0/authorized")
        #expect(SysfsAuthorizer.attribute("authorized", of: "/sys/devices/x/usb1/1-10", below: directory) == nil,
                "1-10 is another device, not below 1-1")
    }
}
