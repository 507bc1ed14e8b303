import AssetCore

/// Reads what this computer is made of (`HardwareInventory`) from the machine: libudev for the
/// devices, plain open/read for their attributes, /proc and uname for the rest.
///
/// Everything goes through calls that umockdev redirects (libudev, open, readlink, opendir), never
/// `FileManager`'s walkers, which read the real /sys: that is what lets the integration tests give
/// the binary a machine of their choosing. A value that cannot be read, or reads as garbage or a
/// firmware placeholder, is nil, because the inventory is compared with a registered one and an
/// invented value would be reported as a change.
public enum HardwareProbe {
    /// Reads the inventory now. Never throws, never crashes on garbage: what cannot be read is nil ("unknown").
    /// - Parameter removed: the syspath of a device whose remove uevent has just arrived, left out
    ///   with everything below it. The kernel announces a removal before it deletes the device's
    ///   directory, so a check run at once could still find the disk there and record nothing;
    ///   no second uevent would follow (test_hardware caught it once the guard ran at real-time
    ///   priority, ahead of the removal).
    public static func read(without removed: String? = nil) -> HardwareInventory {
        var scan = ProbeScan()
        scan.removed = removed
        var inventory = HardwareInventory(
            system: SystemProbe.identity(),
            memoryBytes: SystemProbe.memoryBytes(),
            cpuModel: SystemProbe.cpuModel(),
            tpm: SystemProbe.tpm(&scan),
            disks: DiskProbe.disks(&scan),
            networkCards: NetworkProbe.cards(&scan),
            usbControllers: SystemProbe.usbControllers(&scan),
            os: SystemProbe.operatingSystem())
        // A list libudev could not enumerate is unknown, not empty: never "every disk removed".
        let parts: [String: HardwarePart] = ["block": .disks, "net": .networkCards, "pci": .usbControllers]
        let unreadable = scan.failed.compactMap { parts[$0] }.sorted { $0.rawValue < $1.rawValue }
        inventory.unreadable = unreadable.isEmpty ? nil : unreadable
        if scan.failed.contains("tpm") { inventory.tpm = nil }
        return inventory
    }

    /// Whether a uevent (subsystem, devtype, syspath, action name) may change the inventory: a fixed (non-USB, non-virtual) disk, a non-virtual non-USB net device, a PCI device, DMI, TPM. USB sticks' disks, partitions, loop/ram/zram/dm/md/sr devices, virtual net devices must return false (the daemon calls this for every uevent, cheaply: string checks only, no I/O).
    ///
    /// It errs on the side of true where only I/O could tell (a removable SD card's disk), since a
    /// needless re-read costs little and a missed one hides a change.
    public static func concerns(subsystem: String?, devtype: String?, syspath: String) -> Bool {
        switch subsystem {
        case "block": devtype == "disk" && HardwareRules.mayBeFixedDisk(syspath: syspath)
        case "net": HardwareRules.mayBeNetworkCard(syspath: syspath)
        case "pci", "dmi", "tpm": true
        default: false
        }
    }
}

/// The path and name rules that both `read` and `concerns` apply, kept in one place so the two can
/// never disagree about what counts as hardware.
enum HardwareRules {
    /// Block devices that are not disks of this computer: loop files, RAM disks, device-mapper and
    /// software RAID volumes (built on disks that are listed themselves), optical drives, floppies,
    /// network block devices.
    static let nonDiskPrefixes = ["loop", "ram", "zram", "dm-", "md", "sr", "fd", "nbd"]

    static func mayBeFixedDisk(syspath: String) -> Bool {
        let name = lastComponent(syspath)
        if nonDiskPrefixes.contains(where: name.hasPrefix) { return false }
        // Media: a disk behind USB is judged by the guard, never part of the computer.
        if syspath.contains("/usb") { return false }
        // Virtual block devices have no hardware behind them, except the NVMe multipath head
        // (nvme0n1 of a dual-ported drive), which is the drive users see.
        if syspath.hasPrefix("/sys/devices/virtual/") && !syspath.hasPrefix("/sys/devices/virtual/nvme-subsystem/") {
            return false
        }
        return !isNVMePath(name) && !isMMCSubdevice(name)
    }

    static func mayBeNetworkCard(syspath: String) -> Bool {
        !syspath.hasPrefix("/sys/devices/virtual/") && !syspath.contains("/usb")
    }

    /// `nvme0c0n1`: one controller's hidden path to a multipath namespace, listed under its head.
    static func isNVMePath(_ name: String) -> Bool {
        guard name.hasPrefix("nvme") else { return false }
        let rest = name.dropFirst(4).drop(while: \.isNumber)
        return rest.first == "c" && rest.dropFirst().first?.isNumber == true
    }

    /// `mmcblk0boot0`, `mmcblk0rpmb`: an eMMC's boot and replay-protected areas, parts of `mmcblk0`.
    static func isMMCSubdevice(_ name: String) -> Bool {
        guard name.hasPrefix("mmcblk") else { return false }
        let rest = name.dropFirst(6).drop(while: \.isNumber)
        return rest.hasPrefix("boot") || rest.hasPrefix("rpmb")
    }

    static func lastComponent(_ path: String) -> String {
        String(path.split(separator: "/", omittingEmptySubsequences: true).last ?? "")
    }

    /// The path without its last component (`/a/b/c` → `/a/b`).
    static func parentPath(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return "/" }
        return String(path[..<slash])
    }
}
