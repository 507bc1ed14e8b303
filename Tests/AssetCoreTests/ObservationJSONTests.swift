@testable import AssetCore
import Foundation
import Testing

@Suite struct ObservationJSONTests {
    func roundTrip(_ device: USBDeviceObservation) throws -> USBDeviceObservation {
        try JSONDecoder().decode(USBDeviceObservation.self, from: Data(ObservationJSON.encode(device).utf8))
    }

    @Test func aPlainStickReadsBackAsItWasWritten() throws {
        let device = PolicyTests.stick(capacity: 15_376_318_464)
        #expect(try roundTrip(device) == device)
    }

    @Test func everyOptionalAbsentAndEveryByteThatNeedsEscaping() throws {
        var device = USBDeviceObservation(syspath: "/sys/devices/x/1-9", port: "1-9", vendorID: "", productID: "5567",
                                          deviceClass: 0xFF)
        #expect(try roundTrip(device) == device)
        device.serial = "quote\" back\\slash \u{1} tab\t newline\n 密级 \\xff"
        device.manufacturer = "/slash/ and \u{7F} and \u{2028}"
        device.blocks = [BlockInfo(syspath: "/sys/block/sdb", devnode: "/dev/sdb", capacityBytes: UInt64.max, removable: false,
                                   filesystemUUID: "1234-ABCD", filesystemType: "vfat", filesystemLabel: "标签")]
        device.interfaces = [USBInterfaceInfo(number: -1, syspath: "/sys/devices/x/1-9/1-9:1.0", interfaceClass: 255,
                                              subclass: 0, protocolCode: 80)]
        #expect(try roundTrip(device) == device)
        device.recordingMarks = ["ID_MTP_DEVICE", "interface \"MTP\""]
        #expect(try roundTrip(device) == device)
        device.recordingMarks = []
        #expect(try roundTrip(device) == device)
    }

    /// The observation escapes a string byte for byte as JSONEncoder does (and as the listings do).
    @Test func stringsAreEscapedAsTheEncoderEscapesThem() throws {
        var device = PolicyTests.stick()
        let serial = "q\"b\\s\u{8}\t\n\u{C}\r\u{1}\u{1F}/密"
        device.serial = serial
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let expected = String(decoding: try encoder.encode(serial), as: UTF8.self)
        #expect(ObservationJSON.encode(device).contains("\"serial\":" + expected), "\(expected)")
    }

    /// Events stored before `recordingMarks` existed still read back.
    @Test func anObservationStoredByTheLastReleaseReadsBack() throws {
        let stored = #"{"syspath":"/sys/x/1-1","port":"1-1","vendorID":"0781","productID":"5567","deviceClass":0,"interfaces":[],"blocks":[]}"#
        let device = try JSONDecoder().decode(USBDeviceObservation.self, from: Data(stored.utf8))
        #expect(device.recordingMarks == nil)
        #expect(device.port == "1-1")
    }
}
