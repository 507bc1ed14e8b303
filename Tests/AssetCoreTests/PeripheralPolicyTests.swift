@testable import AssetCore
import Testing

/// 专人管理 (001) on a classified computer: printers, scanners and cameras must be registered
/// peripherals of this computer. Expected outcomes by hand: unregistered printer → one
/// unregistered-peripheral violation, logged (allowed) by default, blocked when configured.
@Suite struct PeripheralPolicyTests {
    static let today = Day(parsing: "2026-11-22")!
    static let host = Computer(assetNumber: "PC-001", level: .secret, network: .standalone, isThisHost: true)

    static func device(vendor: String = "04b8", product: String = "0005", serial: String? = "L4160X123", classes: [UInt8]) -> USBDeviceObservation {
        USBDeviceObservation(
            syspath: "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-2", port: "1-2", vendorID: vendor, productID: product,
            serial: serial, manufacturer: "EPSON", product: "L4160", deviceClass: 0,
            interfaces: classes.enumerated().map { index, cls in
                USBInterfaceInfo(number: index, syspath: "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.\(index)",
                                 interfaceClass: cls, subclass: 1, protocolCode: 2)
            })
    }

    static func registered(_ kind: PeripheralKind, on computer: String = "PC-001") -> Peripheral {
        Peripheral(number: "PR-2026-0001", kind: kind, vendorID: "04b8", productID: "0005", serial: "L4160X123",
                   computer: computer, holder: "P001", registeredAt: Fixture.now)
    }

    func decide(_ device: USBDeviceObservation, host: Computer? = Self.host, peripheral: Peripheral? = nil,
                config: GuardConfig = GuardConfig()) -> Verdict {
        Policy.decide(device, facts: PolicyFacts(host: host, medium: nil, holder: nil, today: Self.today, peripheral: peripheral),
                      config: config)
    }

    @Test func anUnregisteredPrinterIsLoggedByDefault() {
        let verdict = decide(Self.device(classes: [0x07]))
        #expect(verdict.violations.map(\.type) == [.unregisteredPeripheral])
        #expect(verdict.violations.first?.severity == .medium)
        #expect(verdict.decision == .allow)
        #expect(ViolationOutcome.of(.unregisteredPeripheral, audited: false, config: GuardConfig()) == .logged)
    }

    @Test func blockIsTheUnitsChoice() {
        var config = GuardConfig()
        config.actions[.unregisteredPeripheral] = .block
        #expect(decide(Self.device(classes: [0x07]), config: config).decision == .block)
    }

    @Test func aRegisteredPrinterOfThisComputerIsQuiet() {
        let verdict = decide(Self.device(classes: [0x07]), peripheral: Self.registered(.printer))
        #expect(verdict.violations.isEmpty && verdict.decision == .allow)
    }

    @Test func aPrinterOfAnotherComputerIsNotThisOnes() {
        let verdict = decide(Self.device(classes: [0x07]), peripheral: Self.registered(.printer, on: "PC-002"))
        #expect(verdict.violations.map(\.type) == [.unregisteredPeripheral])
        #expect(verdict.violations.first?.reason.en.contains("PC-002") == true)
    }

    @Test func anUnclassifiedComputerNeedsNoRegistration() {
        let office = Computer(assetNumber: "PC-009", level: .internal, network: .internal, isThisHost: true)
        #expect(decide(Self.device(classes: [0x07]), host: office).violations.isEmpty)
    }

    /// A camera records: unregistered, it stays under the stricter rule for recording devices
    /// (blocked); registered as this computer's camera, it is allowed.
    @Test func camerasAreAllowedOnlyWhenRegisteredHere() {
        let webcam = Self.device(classes: [0x0E, 0x0E])
        #expect(decide(webcam).violations.map(\.type) == [.unregisteredStorageCapable])
        #expect(decide(webcam).decision == .block)
        let allowed = decide(webcam, peripheral: Self.registered(.camera))
        #expect(allowed.violations.isEmpty && allowed.decision == .allow)
        // A registered printer's identity does not make a camera of it.
        #expect(decide(webcam, peripheral: Self.registered(.printer)).decision == .block)
    }

    @Test func aRegisteredScannerSpeaksItsVendorProtocol() {
        let scanner = Self.device(classes: [0xFF])
        #expect(decide(scanner).violations.map(\.type) == [.unknownDevice])
        #expect(decide(scanner, peripheral: Self.registered(.scanner)).decision == .allow)
    }
}
