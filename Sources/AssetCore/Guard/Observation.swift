/// A USB interface as sysfs describes it: the unit the kernel authorizes one by one, which is how a
/// composite device (a stick that is also a keyboard) is allowed in part.
public struct USBInterfaceInfo: Sendable, Hashable, Codable {
    /// `bInterfaceNumber`.
    public var number: Int
    /// Sysfs path of the interface, e.g. `/sys/devices/.../1-1/1-1:1.0`.
    public var syspath: String
    public var interfaceClass: UInt8
    public var subclass: UInt8
    public var protocolCode: UInt8

    public init(number: Int, syspath: String, interfaceClass: UInt8, subclass: UInt8, protocolCode: UInt8) {
        self.number = number
        self.syspath = syspath
        self.interfaceClass = interfaceClass
        self.subclass = subclass
        self.protocolCode = protocolCode
    }
}

/// A block device below a USB device (the disk a stick presents), with what udev reports of it.
public struct BlockInfo: Sendable, Hashable, Codable {
    public var syspath: String
    public var devnode: String?
    /// `size` (512-byte sectors) × 512.
    public var capacityBytes: UInt64?
    public var removable: Bool?
    public var filesystemUUID: String?
    public var filesystemType: String?
    public var filesystemLabel: String?

    public init(syspath: String, devnode: String? = nil, capacityBytes: UInt64? = nil, removable: Bool? = nil,
                filesystemUUID: String? = nil, filesystemType: String? = nil, filesystemLabel: String? = nil) {
        self.syspath = syspath
        self.devnode = devnode
        self.capacityBytes = capacityBytes
        self.removable = removable
        self.filesystemUUID = filesystemUUID
        self.filesystemType = filesystemType
        self.filesystemLabel = filesystemLabel
    }
}

/// Everything the guard knows of one USB device (`DEVTYPE=usb_device`) when it decides.
///
/// Built by the daemon from sysfs and udev; judged by `Policy`, which never touches the system.
public struct USBDeviceObservation: Sendable, Hashable, Codable {
    /// Sysfs path, e.g. `/sys/devices/pci0000:00/0000:00:14.0/usb1/1-1`.
    public var syspath: String
    /// Port path (the sysfs name, `1-1.4`): stable for a socket, unlike device numbers.
    public var port: String
    /// idVendor / idProduct, four lower-case hex digits.
    public var vendorID: String
    public var productID: String
    /// The `serial` attribute with its trailing newline removed and every byte that is not printable
    /// UTF-8 escaped (`SafeText.escape(bytes:)`): the same canonical text is stored in the ledger, so a
    /// serial with odd bytes still matches its registration. nil when the device has no serial.
    public var serial: String?
    public var manufacturer: String?
    public var product: String?
    /// bcdDevice, four hex digits.
    public var bcdDevice: String?
    /// bDeviceClass (0 = defined per interface, 9 = hub).
    public var deviceClass: UInt8
    public var interfaces: [USBInterfaceInfo]
    /// `port/connect_type`: hotplug, hardwired, unknown.
    public var connectType: String?
    /// Block devices found below the device so far (often none yet at the first decision).
    public var blocks: [BlockInfo]
    /// What says this device is a phone, camera or media player whatever class its interfaces
    /// declare: udev's marks (`ID_MTP_DEVICE`, `ID_MEDIA_PLAYER`, `ID_GPHOTO2`, set from libmtp's and
    /// libgphoto2's device lists) and an interface named `MTP`. Most Android phones offer MTP on a
    /// vendor-specific interface (class 0xff), which alone would read as an unknown device. nil when
    /// nothing marks it (and in observations stored before this field existed).
    public var recordingMarks: [String]?

    public init(syspath: String, port: String, vendorID: String, productID: String, serial: String? = nil,
                manufacturer: String? = nil, product: String? = nil, bcdDevice: String? = nil,
                deviceClass: UInt8, interfaces: [USBInterfaceInfo] = [], connectType: String? = nil,
                blocks: [BlockInfo] = [], recordingMarks: [String]? = nil) {
        self.syspath = syspath
        self.port = port
        self.vendorID = vendorID
        self.productID = productID
        self.serial = serial
        self.manufacturer = manufacturer
        self.product = product
        self.bcdDevice = bcdDevice
        self.deviceClass = deviceClass
        self.interfaces = interfaces
        self.connectType = connectType
        self.blocks = blocks
        self.recordingMarks = recordingMarks
    }

    /// The capacity of the device's disk, once the disk has appeared (a size of 0 is no disk yet:
    /// a card reader without a card).
    public var capacityBytes: UInt64? {
        blocks.lazy.compactMap(\.capacityBytes).first { $0 > 0 }
    }

    /// Whether any interface stores or records: what the ledger's rules for media apply to.
    public var canStore: Bool {
        interfaces.contains { [.storage, .recording].contains(InterfaceRole.of($0, in: self)) }
    }

    /// Whether udev or the device itself says it is a phone, camera or media player.
    public var isMarkedRecording: Bool { !(recordingMarks?.isEmpty ?? true) }

    /// The udev properties that mark a phone, camera or media player, as set by libmtp's and
    /// libgphoto2's rules on the `usb_device`.
    public static let recordingMarkProperties = ["ID_MTP_DEVICE", "ID_MEDIA_PLAYER", "ID_GPHOTO2"]

    /// Vendor, product and serial: what a clone copies. nil without a serial, which identifies nothing.
    public var identityKey: String? {
        guard let serial, !serial.trimmingWhitespace().isEmpty else { return nil }
        return "\(vendorID):\(productID):\(serial)"
    }

    /// A root hub (`usbN`) belongs to the host controller, not to anyone who plugged something in.
    public var isRootHub: Bool { port.hasPrefix("usb") }
}
