@testable import AssetCore
import Testing

/// The baseline against the present, case by case. Expected kinds and severities come from the
/// issue's table (a disk replaced or removed, or the machine's identity changed: critical; a disk
/// or network card added: high; memory or firmware changed: logged), not from the code.
@Suite struct HardwareComparisonTests {
    static let ssd = FixedDisk(name: "sda", model: "Samsung SSD 870", serial: "S6PNNX0T123456", wwn: "0x5002538f00000001",
                               sizeBytes: 500_107_862_016, bus: .sata, slot: "pci0000:00/0000:00:17.0/ata1")
    static let nvme = FixedDisk(name: "nvme0n1", model: "WDC PC SN730", serial: "20083E800123", sizeBytes: 512_110_190_592,
                                bus: .nvme, slot: "pci0000:00/0000:00:1d.0/nvme/nvme0")
    static let wired = NetworkCard(name: "enp0s31f6", mac: "8c:16:45:00:00:01", driver: "e1000e", bus: .pci, slot: "0000:00:1f.6")
    static let base = HardwareInventory(
        system: SystemIdentity(vendor: "LENOVO", product: "20L7S0Q300", serial: "PF1ABCDE", boardSerial: "L1HF8AB0001",
                               biosVersion: "N22ET37W (1.14 )"),
        memoryBytes: 16_000_000_000, cpuModel: "Intel(R) Core(TM) i5-8350U", tpm: true,
        disks: [ssd, nvme], networkCards: [wired], usbControllers: [USBController(slot: "0000:00:14.0", vendorID: "8086", deviceID: "9d2f")])

    func changes(_ edit: (inout HardwareInventory) -> Void) -> [(HardwareChangeKind, Severity?)] {
        var present = Self.base
        edit(&present)
        return HardwareComparison.changes(baseline: Self.base, present: present).map { ($0.kind, $0.severity) }
    }

    @Test func theSameHardwareIsNoChange() {
        #expect(changes { _ in }.isEmpty)
        // Names move between boots (sda ↔ sdb); the serial is what counts.
        #expect(changes { $0.disks[0].name = "sdb"; $0.disks.reverse() }.isEmpty)
    }

    @Test func eachChangeHasTheGradeTheRulesGiveIt() {
        let table: [(String, (inout HardwareInventory) -> Void, [(HardwareChangeKind, Severity?)])] = [
            ("SSD swapped for another", { $0.disks[0].serial = "S6PNNX0T999999"; $0.disks[0].wwn = "0x5002538f00000099" },
             [(.diskReplaced, .critical)]),
            ("NVMe taken out", { $0.disks.remove(at: 1) }, [(.diskRemoved, .critical)]),
            ("a second SATA disk", { $0.disks.append(FixedDisk(name: "sdb", serial: "WD-WCC4N0000001", bus: .sata)) },
             [(.diskAdded, .high)]),
            ("a Wi-Fi card", { $0.networkCards.append(NetworkCard(name: "wlp2s0", mac: "a4:34:d9:00:00:02", wireless: true)) },
             [(.networkCardAdded, .high)]),
            ("the wired card taken out", { $0.networkCards = [] }, [(.networkCardRemoved, nil)]),
            ("the board swapped", { $0.system.boardSerial = "L1HF8AB0999" }, [(.systemChanged, .critical)]),
            ("the whole machine", { $0.system.serial = "PF9ZZZZZ"; $0.system.boardSerial = "L1HF8AB0999" },
             [(.systemChanged, .critical)]),
            ("a USB controller card", { $0.usbControllers.append(USBController(slot: "0000:03:00.0")) },
             [(.usbControllerAdded, .high)]),
            ("memory doubled", { $0.memoryBytes = 32_000_000_000 }, [(.memoryChanged, nil)]),
            ("BIOS updated", { $0.system.biosVersion = "N22ET40W (1.17 )" }, [(.firmwareChanged, nil)]),
            ("TPM gone", { $0.tpm = false }, [(.tpmChanged, nil)]),
        ]
        for (what, edit, expected) in table {
            let found = changes(edit)
            #expect(found.map(\.0) == expected.map(\.0), "\(what)")
            #expect(found.map(\.1) == expected.map(\.1), "\(what)")
        }
    }

    /// Unknown is never "changed": an unreadable serial, a firmware placeholder, memory within a
    /// kernel's reservations.
    @Test func unknownValuesAreNeverAChange() {
        #expect(changes { $0.disks[0].serial = nil; $0.disks[0].wwn = nil }.isEmpty)
        #expect(changes { $0.system = SystemIdentity() }.isEmpty)
        #expect(changes { $0.memoryBytes = 15_800_000_000 }.isEmpty)
        #expect(changes { $0.memoryBytes = nil; $0.cpuModel = nil; $0.tpm = nil }.isEmpty)
        #expect(changes { $0.networkCards[0].mac = nil }.isEmpty)
        // libudev could not enumerate: the lists are unknown, not every disk and card removed.
        #expect(changes { $0.disks = []; $0.networkCards = []; $0.usbControllers = []
                          $0.unreadable = [.disks, .networkCards, .usbControllers] }.isEmpty)
        for placeholder in ["To be filled by O.E.M.", "Default string", "System Serial Number", "0000000000", "  ", ""] {
            #expect(HardwareText.value(placeholder) == nil, "\(placeholder)")
        }
        #expect(HardwareText.value(Array("PF1ABCDE\n".utf8)) == "PF1ABCDE")
        #expect(HardwareText.value([0x50, 0xFF, 0x01]) == "P\\xFF\\x01")
        #expect(HardwareText.mac("00:00:00:00:00:00") == nil)
        #expect(HardwareText.mac("8C:16:45:00:00:01") == "8c:16:45:00:00:01")
        #expect(HardwareText.mac("garbage") == nil)
    }

    @Test func aReplacementSaysBeforeAndAfter() throws {
        var present = Self.base
        present.disks[0] = FixedDisk(name: "sda", model: "Kingston A400", serial: "50026B7782AAAAAA", sizeBytes: 480_103_981_056,
                                     bus: .sata, slot: Self.ssd.slot)
        let change = try #require(HardwareComparison.changes(baseline: Self.base, present: present).first)
        #expect(change.before?.contains("S6PNNX0T123456") == true)
        #expect(change.after?.contains("50026B7782AAAAAA") == true)
        #expect(change.summary.en.hasPrefix("fixed disk replaced: registered sda, Samsung SSD 870"))
        #expect(change.summary.zh.hasPrefix("硬盘被更换：登记为"))
    }
}
