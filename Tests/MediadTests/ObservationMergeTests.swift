import AssetCore
@testable import MediadCore
import Testing

/// The observation merge: what the descriptors declare against what sysfs shows, with garbage and
/// missing attributes (as bolt's test-sysfs does for Thunderbolt).
@Suite struct ObservationMergeTests {
    static let base = "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-1"

    static func interface(_ number: Int, _ cls: UInt8, path: String? = nil) -> USBInterfaceInfo {
        USBInterfaceInfo(number: number, syspath: path ?? "\(base)/1-1:1.\(number)", interfaceClass: cls, subclass: 0, protocolCode: 0)
    }

    @Test func declaredClassesWinAndExistingInterfacesLendTheirPath() {
        // sysfs read the interface while its attributes were half written: class 0xff.
        let present = [Self.interface(0, 0xFF, path: Self.base + "/1-1:1.0")]
        let declared = [Self.interface(0, 0x08), Self.interface(1, 0x03)]
        let merged = ObservationReader.merge(present, declared)
        #expect(merged.map(\.interfaceClass) == [0x08, 0x03], "the descriptors' class, not the half-written one")
        #expect(merged.map(\.number) == [0, 1])
    }

    @Test func interfacesThatExistButAreNotDeclaredAreKept() {
        // An unreadable `descriptors`: nothing declared, every present interface is judged as read.
        let present = [Self.interface(2, 0xE0), Self.interface(0, 0x08)]
        let merged = ObservationReader.merge(present, [])
        #expect(merged.map(\.number) == [0, 2], "sorted, none hidden from the policy")
        #expect(merged.map(\.interfaceClass) == [0x08, 0xE0])
    }

    @Test(arguments: [("1-1:1.3", 3), ("1-1.4:2.0", 0), ("1-1:1.10", 10), ("1-1", nil), ("1-1:1.", nil), ("1-1:1.x", nil)] as [(String, Int?)])
    func theInterfaceNumberFromItsName(_ name: String, _ number: Int?) {
        #expect(ObservationReader.interfaceNumber(fromName: name) == number, "\(name)")
    }

    @Test func theDevtypeLineOfAUeventFile() {
        #expect(ObservationReader.devtype(uevent: Array("MAJOR=189\nDEVTYPE=usb_device\nDRIVER=usb\n".utf8)) == "usb_device")
        #expect(ObservationReader.devtype(uevent: Array("MAJOR=189\nDRIVER=usb\n".utf8)) == nil)
        #expect(ObservationReader.devtype(uevent: [0xFF, 0x00, 0x0A]) == nil, "garbage is no devtype")
        #expect(ObservationReader.canonical("/sys/devices/x/1-1//") == "/sys/devices/x/1-1")
    }
}
