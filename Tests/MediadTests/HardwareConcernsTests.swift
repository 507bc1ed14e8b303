import HardwareProbe
import Testing

/// Which uevents make the daemon read the hardware inventory again (`HardwareProbe.concerns`): every
/// change of the computer's own hardware, and none of the traffic of media and virtual devices,
/// which would otherwise cost a full read per USB stick partition or container's veth.
@Suite struct HardwareConcernsTests {
    static func concerns(_ subsystem: String?, _ devtype: String?, _ syspath: String) -> Bool {
        HardwareProbe.concerns(subsystem: subsystem, devtype: devtype, syspath: syspath)
    }

    @Test func fixedDisksConcernTheInventory() {
        #expect(Self.concerns("block", "disk", "/sys/devices/pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0/block/sda"))
        #expect(Self.concerns("block", "disk", "/sys/devices/pci0000:00/0000:00:1d.0/0000:3d:00.0/nvme/nvme0/nvme0n1"))
        #expect(Self.concerns("block", "disk", "/sys/devices/pci0000:00/0000:00:02.0/virtio1/block/vda"))
        #expect(Self.concerns("block", "disk", "/sys/devices/platform/fe330000.mmc/mmc_host/mmc0/mmc0:0001/block/mmcblk0"))
        // A dual-ported NVMe drive's namespace, as users see it, lives under the virtual subsystem.
        #expect(Self.concerns("block", "disk", "/sys/devices/virtual/nvme-subsystem/nvme-subsys0/nvme0n1"))
    }

    @Test func mediaPartitionsAndVirtualBlockDevicesDoNot() {
        // A USB stick's disk: a medium the guard judges, not part of the computer.
        #expect(!Self.concerns("block", "disk", "/sys/devices/pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0/host6/target6:0:0/6:0:0:0/block/sdb"))
        #expect(!Self.concerns("block", "partition", "/sys/devices/pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0/block/sda/sda1"))
        #expect(!Self.concerns("block", nil, "/sys/devices/pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0/block/sda"))
        for name in ["loop0", "ram0", "zram0", "dm-0", "md127", "nbd3"] {
            #expect(!Self.concerns("block", "disk", "/sys/devices/virtual/block/\(name)"), "\(name)")
        }
        // Optical and floppy drives sit on real controllers: only their names tell.
        #expect(!Self.concerns("block", "disk", "/sys/devices/pci0000:00/0000:00:17.0/ata2/host1/target1:0:0/1:0:0:0/block/sr0"))
        #expect(!Self.concerns("block", "disk", "/sys/devices/platform/floppy.0/block/fd0"))
        // Parts of a disk that is listed itself: an NVMe path of a multipath namespace, eMMC boot areas.
        #expect(!Self.concerns("block", "disk", "/sys/devices/pci0000:00/0000:00:1d.0/0000:3d:00.0/nvme/nvme0/nvme0c0n1"))
        #expect(!Self.concerns("block", "disk", "/sys/devices/platform/fe330000.mmc/mmc_host/mmc0/mmc0:0001/block/mmcblk0boot0"))
    }

    @Test func networkCardsButNotVirtualOrUSBLinks() {
        #expect(Self.concerns("net", nil, "/sys/devices/pci0000:00/0000:00:1f.6/net/enp0s31f6"))
        #expect(Self.concerns("net", "wlan", "/sys/devices/pci0000:00/0000:00:14.3/net/wlp0s20f3"))
        #expect(Self.concerns("net", nil, "/sys/devices/platform/soc/fe300000.mmcnr/mmc_host/mmc1/mmc1:0001/mmc1:0001:1/net/wlan0"))
        #expect(!Self.concerns("net", nil, "/sys/devices/virtual/net/veth0"))
        #expect(!Self.concerns("net", nil, "/sys/devices/virtual/net/lo"))
        #expect(!Self.concerns("net", "wlan", "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.0/net/wlx001122334455"))
    }

    @Test func pciDMIAndTPMAlwaysDoAndTheRestNever() {
        #expect(Self.concerns("pci", nil, "/sys/devices/pci0000:00/0000:00:14.0"))
        #expect(Self.concerns("dmi", nil, "/sys/devices/virtual/dmi/id"))
        #expect(Self.concerns("tpm", nil, "/sys/devices/platform/MSFT0101:00/tpm/tpm0"))
        #expect(!Self.concerns("usb", "usb_device", "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-1"))
        #expect(!Self.concerns("scsi", "scsi_device", "/sys/devices/pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0"))
        #expect(!Self.concerns("input", nil, "/sys/devices/platform/i8042/serio0/input/input3"))
        #expect(!Self.concerns(nil, nil, "/sys/devices/pci0000:00/0000:00:1f.6"))
    }
}
