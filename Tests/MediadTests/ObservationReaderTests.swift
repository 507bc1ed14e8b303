import AssetCore
import Foundation
@testable import MediadCore
import Testing

/// The observation reader on a directory laid out like sysfs, with garbage and missing attributes
/// (as bolt's test-sysfs does for Thunderbolt): a device that hides or garbles its identity is
/// still observed, never skipped, and what it garbles reads as the least trusted value.
@Suite struct ObservationReaderTests {
    /// A device directory `…/usb1/1-1` with `files` (name → bytes) and interface directories.
    static func device(_ files: [String: [UInt8]], interfaces: [String: [String: [UInt8]]] = [:]) throws -> String {
        let root = NSTemporaryDirectory() + "mediad-sysfs-" + UUID().uuidString + "/devices/pci0000:00/0000:00:14.0/usb1/1-1"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        for (name, bytes) in files {
            try #require(FileManager.default.createFile(atPath: root + "/" + name, contents: Data(bytes)))
        }
        for (name, attributes) in interfaces {
            try FileManager.default.createDirectory(atPath: root + "/" + name, withIntermediateDirectories: true)
            for (file, bytes) in attributes {
                try #require(FileManager.default.createFile(atPath: root + "/" + name + "/" + file, contents: Data(bytes)))
            }
        }
        return root
    }

    static func text(_ s: String) -> [UInt8] { Array(s.utf8) }
    static let uevent = text("MAJOR=189\nMINOR=1\nDEVTYPE=usb_device\nDRIVER=usb\n")

    @Test func aWellFormedStickWithoutDescriptorsIsReadAttributeByAttribute() throws {
        let path = try Self.device([
            "uevent": Self.uevent, "idVendor": Self.text("0781\n"), "idProduct": Self.text("5567\n"),
            "serial": Self.text("4C530001230101104353\n"), "manufacturer": Self.text("SanDisk\n"),
            "bDeviceClass": Self.text("00\n"), "bcdDevice": Self.text("0100\n"),
        ], interfaces: ["1-1:1.0": ["bInterfaceNumber": Self.text("00\n"), "bInterfaceClass": Self.text("08\n"),
                                    "bInterfaceSubClass": Self.text("06\n"), "bInterfaceProtocol": Self.text("50\n")]])
        let seen = try ObservationReader().observe(syspath: path)
        #expect(seen.port == "1-1")
        #expect((seen.vendorID, seen.productID, seen.serial) == ("0781", "5567", "4C530001230101104353"))
        #expect(seen.manufacturer == "SanDisk")
        #expect(seen.interfaces.map(\.interfaceClass) == [0x08])
        #expect(seen.canStore)
    }

    @Test func garbledAndMissingAttributesReadAsTheLeastTrusted() throws {
        let path = try Self.device([
            "uevent": Self.uevent, "idVendor": Self.text("zzzz\n"),               // not hex; idProduct missing
            "serial": [0x41, 0x00, 0xFF, 0x0A], "bDeviceClass": Self.text("\n"), // NUL and a byte of no UTF-8
        ], interfaces: ["1-1:1.0": ["bInterfaceClass": Self.text("not a class\n")]])
        let seen = try ObservationReader().observe(syspath: path)
        #expect(seen.vendorID == "" && seen.productID == "", "an identity that cannot be read matches no registration")
        #expect(seen.serial == "A\\x00\\xFF", "odd bytes kept, escaped as the ledger stores them")
        #expect(seen.deviceClass == 0xFF, "an unreadable class is vendor-specific, the class trusted least")
        #expect(seen.interfaces.count == 1, "an interface whose class cannot be read is kept, not hidden")
        #expect(seen.interfaces.first?.interfaceClass == 0xFF)
        #expect(seen.interfaces.first?.number == 0, "its number from its name when bInterfaceNumber is missing")
        #expect(seen.manufacturer == nil && seen.product == nil)
    }

    @Test func aPathThatIsNoUSBDeviceOrIsGoneIsSaidSo() throws {
        let interface = try Self.device(["uevent": Self.text("DEVTYPE=usb_interface\n")])
        #expect(throws: ObservationError.notAUSBDevice(interface)) { try ObservationReader().observe(syspath: interface) }
        let gone = interface + "-unplugged"
        #expect(throws: ObservationError.deviceGone(gone)) { try ObservationReader().observe(syspath: gone) }
    }
}
