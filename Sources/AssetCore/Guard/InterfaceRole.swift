/// What a USB interface can do, as far as the rules care, from its class triple.
public enum InterfaceRole: String, Sendable, Hashable, Codable {
    /// Mass storage (08): a medium that must be in the ledger.
    case storage
    /// Still image (PTP/MTP phones, cameras), video and audio: can record or store.
    case recording
    /// CDC, RNDIS, wireless controllers (Bluetooth): can connect the computer to a network.
    case network
    /// Printers (07): they put the computer's data on paper, so on a classified computer they must be
    /// registered peripherals of it (专人管理).
    case printing
    /// Hubs, keyboards and mice, smart cards (UKey): harmless on their own.
    case benign
    /// Anything else, including vendor-specific classes: blocked and recorded.
    case unknown

    public static func of(interfaceClass: UInt8, subclass: UInt8, protocolCode: UInt8) -> InterfaceRole {
        switch interfaceClass {
        case 0x08: .storage
        case 0x06, 0x0E, 0x01, 0x10: .recording
        case 0x02, 0x0A, 0xE0: .network
        case 0xEF where subclass == 0x04: .network          // RNDIS over the miscellaneous class
        case 0x07: .printing
        case 0x03, 0x09, 0x0B: .benign
        default: .unknown
        }
    }

    public static func of(_ interface: USBInterfaceInfo) -> InterfaceRole {
        of(interfaceClass: interface.interfaceClass, subclass: interface.subclass, protocolCode: interface.protocolCode)
    }

    /// The role of an interface of `device`: an interface of unknown class on a device that udev
    /// (or the device) marks as a phone, camera or media player records (MTP on class 0xff).
    public static func of(_ interface: USBInterfaceInfo, in device: USBDeviceObservation) -> InterfaceRole {
        let role = of(interface)
        return role == .unknown && device.isMarkedRecording ? .recording : role
    }
}
