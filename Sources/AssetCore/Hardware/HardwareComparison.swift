/// The baseline against the present: a pure function, so every case is a unit test.
public enum HardwareComparison {
    /// Memory within this share of the baseline is the same memory: MemTotal moves with kernel
    /// reservations between releases, a module added or taken out moves it by far more.
    static let memoryTolerance = 0.05

    public static func changes(baseline: HardwareInventory, present: HardwareInventory) -> [HardwareChange] {
        var found: [HardwareChange] = []
        found += systemChanges(baseline.system, present.system)
        let unknown = Set((present.unreadable ?? []) + (baseline.unreadable ?? []))
        if !unknown.contains(.disks) { found += diskChanges(baseline.disks, present.disks) }
        if !unknown.contains(.networkCards) { found += cardChanges(baseline.networkCards, present.networkCards) }
        if !unknown.contains(.usbControllers) { found += controllerChanges(baseline.usbControllers, present.usbControllers) }
        if let before = baseline.memoryBytes, let after = present.memoryBytes, before > 0,
           abs(Double(after) - Double(before)) / Double(before) > memoryTolerance {
            found.append(HardwareChange(kind: .memoryChanged, key: "memory:\(after)", before: Capacity.describe(before),
                                        after: Capacity.describe(after)))
        }
        if let before = baseline.system.biosVersion, let after = present.system.biosVersion, before != after {
            found.append(HardwareChange(kind: .firmwareChanged, key: "firmware:\(after)", before: before, after: after))
        }
        if let before = baseline.cpuModel, let after = present.cpuModel, before != after {
            found.append(HardwareChange(kind: .cpuChanged, key: "cpu:\(after)", before: before, after: after))
        }
        if let before = baseline.tpm, let after = present.tpm, before != after {
            found.append(HardwareChange(kind: .tpmChanged, key: "tpm:\(after)", before: before ? "present" : "absent",
                                        after: after ? "present" : "absent"))
        }
        return found
    }

    /// The product or board serial (or the product itself) not the registered one: the machine or
    /// its board was swapped. Only values known on both sides are compared.
    static func systemChanges(_ before: SystemIdentity, _ after: SystemIdentity) -> [HardwareChange] {
        let fields: [(String, String?, String?)] = [
            ("vendor", before.vendor, after.vendor), ("product", before.product, after.product),
            ("serial", before.serial, after.serial), ("board-serial", before.boardSerial, after.boardSerial),
        ]
        let differing = fields.filter { _, old, new in old != nil && new != nil && old != new }
        guard !differing.isEmpty else { return [] }
        let old = differing.map { "\($0.0) \($0.1 ?? "?")" }.joined(separator: ", ")
        let new = differing.map { "\($0.0) \($0.2 ?? "?")" }.joined(separator: ", ")
        return [HardwareChange(kind: .systemChanged, key: "system:" + differing.map { "\($0.0)=\($0.2 ?? "")" }.joined(separator: ";"),
                               before: old, after: new)]
    }

    /// Disks matched by serial, else WWN, else the slot (a disk whose identity cannot be read now,
    /// in the slot of a registered one, is taken for it: unknown is not changed). A registered disk
    /// without a match is replaced when an unmatched disk takes its place, else removed; the
    /// unmatched disks left are added.
    static func diskChanges(_ registered: [FixedDisk], _ present: [FixedDisk]) -> [HardwareChange] {
        var unmatched = present
        var missing: [FixedDisk] = []
        for disk in registered {
            if let index = unmatched.firstIndex(where: { same(disk, $0) }) {
                unmatched.remove(at: index)
            } else {
                missing.append(disk)
            }
        }
        var found: [HardwareChange] = []
        for old in missing {
            // The newcomer in the same slot first, else any newcomer on the same bus.
            let index = unmatched.firstIndex { $0.slot != nil && $0.slot == old.slot }
                ?? unmatched.firstIndex { $0.bus == old.bus }
            if let index {
                let new = unmatched.remove(at: index)
                found.append(HardwareChange(kind: .diskReplaced, key: "disk:\(identity(old))>\(identity(new))",
                                            before: label(old), after: label(new)))
            } else {
                found.append(HardwareChange(kind: .diskRemoved, key: "disk:\(identity(old))>", before: label(old), after: nil))
            }
        }
        for new in unmatched {
            found.append(HardwareChange(kind: .diskAdded, key: "disk:>\(identity(new))", before: nil, after: label(new)))
        }
        return found
    }

    static func same(_ a: FixedDisk, _ b: FixedDisk) -> Bool {
        if let x = a.serial, let y = b.serial { return x == y }
        if let x = a.wwn, let y = b.wwn { return x == y }
        // One side's identity is unknown: the same slot is the same disk, as far as can be told.
        if a.serial == nil && a.wwn == nil || b.serial == nil && b.wwn == nil {
            return a.slot != nil && a.slot == b.slot
        }
        return false
    }

    static func identity(_ disk: FixedDisk) -> String {
        disk.serial.map { "serial=\($0)" } ?? disk.wwn.map { "wwn=\($0)" } ?? "slot=\(disk.slot ?? disk.name)"
    }

    /// A disk as the diff shows it, in no language in particular.
    public static func label(_ disk: FixedDisk) -> String {
        var parts = [disk.name, disk.model ?? "model unknown", "serial \(disk.serial ?? "unknown")"]
        if let wwn = disk.wwn { parts.append("wwn \(wwn)") }
        parts.append(disk.sizeBytes.map(Capacity.describe) ?? "size unknown")
        parts.append(disk.bus.rawValue)
        return parts.joined(separator: ", ")
    }

    public static func label(_ card: NetworkCard) -> String {
        [card.name, "MAC \(card.mac ?? "unknown")", card.wireless ? "wireless" : "wired", card.driver ?? "driver unknown",
         card.bus.rawValue].joined(separator: ", ")
    }

    public static func label(_ controller: USBController) -> String {
        "\(controller.slot) \(controller.vendorID ?? "?"):\(controller.deviceID ?? "?")" + (controller.driver.map { " (\($0))" } ?? "")
    }

    /// Cards matched by permanent MAC, else by slot when one side's MAC is unknown.
    static func cardChanges(_ registered: [NetworkCard], _ present: [NetworkCard]) -> [HardwareChange] {
        func same(_ a: NetworkCard, _ b: NetworkCard) -> Bool {
            if let x = a.mac, let y = b.mac { return x == y }
            return a.slot != nil && a.slot == b.slot
        }
        var unmatched = present
        var found: [HardwareChange] = []
        for card in registered {
            if let index = unmatched.firstIndex(where: { same(card, $0) }) {
                unmatched.remove(at: index)
            } else {
                found.append(HardwareChange(kind: .networkCardRemoved, key: "nic:\(card.mac ?? card.slot ?? card.name)>",
                                            before: label(card), after: nil))
            }
        }
        // An added card is named by where it sits: its MAC may not be readable yet when the first
        // uevent (its PCI function's) arrives, and one card must stay one difference.
        for card in unmatched {
            found.append(HardwareChange(kind: .networkCardAdded, key: "nic:>\(card.slot ?? card.mac ?? card.name)",
                                        before: nil, after: label(card)))
        }
        return found
    }

    static func controllerChanges(_ registered: [USBController], _ present: [USBController]) -> [HardwareChange] {
        let before = Set(registered.map(\.slot))
        let after = Set(present.map(\.slot))
        return registered.filter { !after.contains($0.slot) }.map {
            HardwareChange(kind: .usbControllerRemoved, key: "usb:\($0.slot)>", before: label($0), after: nil)
        } + present.filter { !before.contains($0.slot) }.map {
            HardwareChange(kind: .usbControllerAdded, key: "usb:>\($0.slot)", before: nil, after: label($0))
        }
    }
}
