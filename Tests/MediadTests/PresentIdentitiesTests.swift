import AssetCore
@testable import MediadCore
import Testing

/// How the Guard finds a second device with an identity already present (rule 6, clones).
@Suite struct PresentIdentitiesTests {
    static func stick(_ port: String, serial: String?, interfaces: [(UInt8, UInt8, UInt8)] = [(8, 6, 0x50)]) -> USBDeviceObservation {
        let path = "/sys/devices/pci0000:00/0000:00:14.0/usb1/" + port
        return USBDeviceObservation(
            syspath: path, port: port, vendorID: "0781", productID: "5567", serial: serial, deviceClass: 0,
            interfaces: interfaces.enumerated().map { index, c in
                USBInterfaceInfo(number: index, syspath: "\(path)/\(port):1.\(index)", interfaceClass: c.0, subclass: c.1, protocolCode: c.2)
            })
    }

    @Test func aSecondStickWithTheSameIdentityIsFound() {
        var present = PresentIdentities()
        present.update(Self.stick("1-1", serial: "ABC123456"))
        #expect(present.others(sharing: Self.stick("1-2", serial: "ABC123456")) == [Self.stick("1-1", serial: "ABC123456").syspath])
        #expect(present.others(sharing: Self.stick("1-1", serial: "ABC123456")).isEmpty, "a device is not its own twin")
        #expect(present.others(sharing: Self.stick("1-2", serial: "OTHER0001")).isEmpty)
    }

    @Test func devicesWithoutASerialOrThatCannotStoreHaveNoIdentity() {
        var present = PresentIdentities()
        present.update(Self.stick("1-1", serial: nil))
        present.update(Self.stick("1-3", serial: "KBD0000001", interfaces: [(3, 1, 1)]))
        #expect(present.others(sharing: Self.stick("1-2", serial: nil)).isEmpty)
        #expect(present.others(sharing: Self.stick("1-4", serial: "KBD0000001", interfaces: [(3, 1, 1)])).isEmpty,
                "two identical keyboards are not clones of a medium")
    }

    @Test func aRemovedOrChangedDeviceIsForgotten() {
        var present = PresentIdentities()
        present.update(Self.stick("1-1", serial: "ABC123456"))
        present.remove(Self.stick("1-1", serial: "ABC123456").syspath)
        #expect(present.others(sharing: Self.stick("1-2", serial: "ABC123456")).isEmpty)
        present.update(Self.stick("1-1", serial: "ABC123456"))
        present.update(Self.stick("1-1", serial: "NEWSERIAL1"))   // its identity changed
        #expect(present.others(sharing: Self.stick("1-2", serial: "ABC123456")).isEmpty)
        #expect(present.others(sharing: Self.stick("1-2", serial: "NEWSERIAL1")).count == 1)
    }
}
