@testable import MediadCore
import Testing

/// Where USB devices are, from their names and paths alone (the kernel's naming, Documentation/usb).
@Suite struct USBTopologyTests {
    @Test(arguments: [
        ("usb1", true), ("usb12", true), ("1-1", true), ("2-1.4", true), ("3-1.4.2", true),
        ("1-1:1.0", false), ("usb", false), ("usbx", false), ("1-", false), ("-1", false), ("1-1..2", false),
        ("host6", false), ("sdb", false), ("1-a", false),
    ])
    func namesOfUSBDevices(_ name: String, _ isDevice: Bool) {
        #expect(USBTopology.isUSBDeviceName(Substring(name)) == isDevice, "\(name)")
    }

    @Test func theEnclosingDeviceOfARemovedChildFromItsPathAlone() {
        let stick = "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-1/1-1.4"
        #expect(USBTopology.enclosingDevice(byName: stick + "/1-1.4:1.0/host6/target6:0:0/6:0:0:0/block/sdb") == stick)
        #expect(USBTopology.enclosingDevice(byName: stick + "/1-1.4:1.0") == stick)
        #expect(USBTopology.enclosingDevice(byName: stick) == stick)
        #expect(USBTopology.enclosingDevice(byName: "/sys/devices/virtual/net/lo") == nil)
    }

    @Test func parentsComeBeforeChildren() {
        let paths = ["/sys/d/usb1/1-1/1-1.2", "/sys/d/usb2", "/sys/d/usb1/1-1", "/sys/d/usb1"]
        #expect(USBTopology.parentsFirst(paths) == ["/sys/d/usb1", "/sys/d/usb2", "/sys/d/usb1/1-1", "/sys/d/usb1/1-1/1-1.2"])
    }

    @Test func linksOfTheBusDirectoryResolve() {
        #expect(USBTopology.resolve("../../../devices/pci0000:00/0000:00:14.0/usb1", from: "/sys/bus/usb/devices")
                == "/sys/devices/pci0000:00/0000:00:14.0/usb1")
        #expect(USBTopology.resolve("/sys/devices/x/./y", from: "/ignored") == "/sys/devices/x/y")
        #expect(USBTopology.isRootHub("/sys/devices/pci0000:00/0000:00:14.0/usb3"))
        #expect(!USBTopology.isRootHub("/sys/devices/pci0000:00/0000:00:14.0/usb3/3-1"))
        #expect(USBTopology.sysname("/sys/devices/x/usb1/1-1.4/") == "1-1.4")
        #expect(USBTopology.sysname("usb2") == "usb2")
    }
}
