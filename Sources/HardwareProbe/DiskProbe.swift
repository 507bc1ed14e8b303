import AssetCore

/// The fixed disks: whole disks (never partitions) of the block subsystem that are hardware of
/// this computer, not media plugged into it.
enum DiskProbe {
    static func disks(_ scan: inout ProbeScan) -> [FixedDisk] {
        scan.devices(subsystem: "block")
            .filter { $0.devtype == "disk" && HardwareRules.mayBeFixedDisk(syspath: $0.syspath) }
            .compactMap(disk)
            .sorted { $0.name < $1.name }
    }

    /// One disk, or nil when what only I/O tells says it is a medium after all: a USB bus in the
    /// udev database (a path that hides it), or removable media (an SD card in a built-in reader).
    static func disk(_ device: UdevDevice) -> FixedDisk? {
        let idBus = device.property("ID_BUS")
        if idBus == "usb" || device.attributeText("removable") == "1" { return nil }
        let syspath = device.syspath
        return FixedDisk(
            name: device.sysname,
            model: ProbeFile.firstValue([
                // ID_MODEL has udev's underscores for spaces; ID_MODEL_ENC is the model as the disk
                // reports it, with \xNN escapes.
                { device.propertyBytes("ID_MODEL_ENC").map(DiskProbe.unescapeUdev) }, { device.propertyBytes("ID_MODEL") },
                { device.attribute("device/model") }, { device.parent?.attribute("model") },
            ]),
            serial: ProbeFile.firstValue([
                { device.propertyBytes("ID_SERIAL_SHORT") },
                // The NVMe controller holds the serial; `device` is the kernel's link to it, and
                // libudev's parent the same device when a tree has no such link.
                { device.attribute("device/serial") },
                { device.parent?.attribute("serial") },
                { device.attribute("serial") },
            ]),
            wwn: ProbeFile.firstValue([
                { device.propertyBytes("ID_WWN_WITH_EXTENSION") }, { device.propertyBytes("ID_WWN") },
                { device.attribute("wwid") }, { device.attribute("device/wwid") },
            ]),
            sizeBytes: sizeBytes(device.attributeText("size")),
            bus: bus(idBus: idBus, syspath: syspath),
            slot: slot(syspath))
    }

    /// `size` counts 512-byte sectors whatever the disk's own sector size; 0 (no medium, a
    /// controller that failed) and anything unparsable are unknown.
    static func sizeBytes(_ sectors: String?) -> UInt64? {
        guard let sectors, let count = UInt64(sectors), count > 0 else { return nil }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: 512)
        return overflow ? nil : bytes
    }

    /// udev's ID_BUS when it names a bus of ours, else what the path says.
    static func bus(idBus: String?, syspath: String) -> HardwareBus {
        switch idBus {
        case "ata": return .sata
        case "nvme": return .nvme
        case "scsi": return .scsi
        case "virtio": return .virtio
        case "mmc": return .mmc
        default: break
        }
        if syspath.contains("/nvme/") || syspath.contains("/nvme-subsystem/") { return .nvme }
        if syspath.contains("/ata") { return .sata }
        if syspath.contains("virtio") { return .virtio }
        if syspath.contains("mmc") { return .mmc }
        return .unknown
    }

    /// Where the disk sits: the path of the device it hangs from (the SCSI device on its ATA port,
    /// the NVMe controller, the MMC card), which stays the same when the kernel's name moves.
    static func slot(_ syspath: String) -> String? {
        let slot = if let block = syspath.firstRange(of: "/block/") {
            String(syspath[..<block.lowerBound])
        } else {
            HardwareRules.parentPath(syspath)
        }
        return slot.count > 1 ? slot : nil
    }

    /// udev's `\xNN` escapes (ID_MODEL_ENC) back to bytes; the padding blanks are trimmed later.
    static func unescapeUdev(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\\"), index + 3 < bytes.count, bytes[index + 1] == UInt8(ascii: "x"),
               let value = UInt8(String(decoding: bytes[index + 2...index + 3], as: UTF8.self), radix: 16) {
                out.append(value)
                index += 4
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return out
    }
}
