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
    public func judge(_ devices: [(device: USBDeviceObservation, kind: GuardEventKind)], at: Timestamp,
                      config: GuardConfig) throws(LedgerError) -> [Judgement] {
        guard !devices.isEmpty else { return [] }
        return try store.write { db in
            let host = try Ledger.thisHost(db)
            var judged: [Judgement] = []
            judged.reserveCapacity(devices.count)
            for (device, kind) in devices {
                let facts = try Self.facts(db, for: device, host: host, today: at.localDay)
                let verdict = Policy.decide(device, facts: facts, config: config)
                let event = try Self.insert(db, device, verdict: verdict, kind: kind, facts: facts, at: at, config: config)
                judged.append(Judgement(device: device, kind: kind, verdict: verdict, event: event))
            }
            return judged
        }
    }
}
