import GRDB

/// One device of a judged group: what was seen, what the policy said, and the event that records it.
public struct Judgement: Sendable {
    public var device: USBDeviceObservation
    public var kind: GuardEventKind
    public var verdict: Verdict
    public var event: GuardEvent
}

extension GuardRecorder {
    /// Reads the facts, applies the policy and records the verdicts of a group of devices in one
    /// write transaction.
    ///
    /// Why one transaction: a commit (a WAL append and its lock) costs more than everything else
    /// the ledger does for a device, so a burst of hot-plugs judged one by one spends most of its
    /// time committing. The group keeps the rule that matters: nothing is enforced before it is
    /// recorded, because the caller enforces only after this returns; if the transaction fails,
    /// nothing of the group is recorded and the caller must block every device in it.
    /// Reading the facts inside the write transaction also means no registration can change
    /// between the read and the record.
    /// `twins` gives, by syspath, the port of another present device with the same identity.
    public func judge(_ devices: [(device: USBDeviceObservation, kind: GuardEventKind)], at: Timestamp,
                      config: GuardConfig, twins: [String: String] = [:]) throws(LedgerError) -> [Judgement] {
        guard !devices.isEmpty else { return [] }
        return try store.write { db in
            let host = try Ledger.thisHost(db)
            var judged: [Judgement] = []
            judged.reserveCapacity(devices.count)
            for (device, kind) in devices {
                let facts = try Self.facts(db, for: device, host: host, today: at.localDay, twinPort: twins[device.syspath])
                var verdict = Policy.decide(device, facts: facts, config: config)
                let event = try Self.insert(db, device, verdict: verdict, kind: kind, facts: facts, at: at, config: config)
                if let level = verdict.raiseTo { verdict.medium?.level = level }
                judged.append(Judgement(device: device, kind: kind, verdict: verdict, event: event))
            }
            return judged
        }
    }

    /// Judges a made-up device in a transaction that is then rolled back: nothing is recorded.
    ///
    /// Why: the first decision after start would otherwise pay for preparing the ledger statements
    /// and for the Swift runtime's first-use costs (type metadata, conformances), about a
    /// millisecond or two, on the way of the first device plugged in. Rehearsing at start-up moves
    /// that cost before READY=1. Failures are ignored: the real decision reports its own.
    public func rehearse(config: GuardConfig, at: Timestamp) {
        let device = USBDeviceObservation(
            syspath: "/sys/devices/rehearsal/usb0/0-0", port: "0-0", vendorID: "0000", productID: "0000",
            serial: "REHEARSAL", manufacturer: "mediad", product: "rehearsal", bcdDevice: "0000", deviceClass: 0,
            interfaces: [USBInterfaceInfo(number: 0, syspath: "/sys/devices/rehearsal/usb0/0-0/0-0:1.0",
                                          interfaceClass: 8, subclass: 6, protocolCode: 0x50)],
            connectType: "hotplug")
        try? store.pool.writeWithoutTransaction { db in
            try db.inTransaction {
                let facts = try Self.facts(db, for: device, host: try Ledger.thisHost(db), today: at.localDay)
                let verdict = Policy.decide(device, facts: facts, config: config)
                _ = try Self.insert(db, device, verdict: verdict, kind: .attach, facts: facts, at: at, config: config)
                return .rollback
            }
        }
    }
}
