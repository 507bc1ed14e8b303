import GRDB

/// The guard's comparison of this computer's hardware with its approved baseline.
extension GuardRecorder {
    /// Whether this computer has an approved baseline: without one there is nothing to compare, and
    /// the guard does not read the hardware at all (start-up and every uevent stay as cheap as before).
    public func hasHardwareBaseline() throws(LedgerError) -> Bool {
        try store.read { db in
            guard let host = try Ledger.thisHost(db) else { return false }
            return try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM hardware_baseline WHERE computer = ?)",
                                     arguments: [host.assetNumber]) ?? false
        }
    }

    /// Compares `present` with the newest baseline of this computer and records each difference not
    /// yet recorded: an event with the before and after, and for the grave ones a `hardware-changed`
    /// violation (logged: there is no device to block; the officer must act). A difference recorded
    /// earlier is not recorded again, at start or at the next uevent, until a new baseline closes it
    /// or it goes away (then an event says so). `trigger` says what made the guard look.
    public func recordHardware(_ present: HardwareInventory, at: Timestamp, trigger: String) throws(LedgerError) -> HardwareCheckResult {
        try store.write { db in
            guard let host = try Ledger.thisHost(db),
                  let baseline = try HardwareRows.latestBaseline(db, computer: host.assetNumber) else {
                return HardwareCheckResult(noBaseline: true, recorded: [], restored: [], open: [])
            }
            let changes = HardwareComparison.changes(baseline: baseline.inventory, present: present)
            let known = try HardwareRows.openKeys(db, computer: host.assetNumber)
            var recorded: [RecordedHardwareChange] = []
            for change in changes where !known.contains(change.key) {
                var event = GuardEvent(at: at, kind: .hardwareChanged)
                event.computer = host.assetNumber
                event.device = change.kind.names.en
                event.note = "\(change.summary.en) (seen at \(trigger); baseline \(baseline.at) approved by \(baseline.approver))"
                event.id = try GuardRows.insert(db, event: event)
                var violation: Violation? = nil
                var violationID: Int64? = nil
                if let severity = change.severity {
                    let found = Violation(type: .hardwareChanged, severity: severity, reason: Bilingual(
                        zh: "本机 \(host.assetNumber) \(change.summary.zh)（基线 \(baseline.at)，审批人 \(baseline.approver)）",
                        en: "this computer \(host.assetNumber): \(change.summary.en) (baseline of \(baseline.at), approved by \(baseline.approver))"))
                    var record = ViolationRecord(at: at, type: found.type, severity: severity, outcome: .logged, reason: found.reason)
                    record.eventID = event.id
                    record.computer = host.assetNumber
                    record.device = change.kind.names.en
                    violationID = try GuardRows.insert(db, violation: record)
                    violation = found
                }
                try HardwareRows.open(db, computer: host.assetNumber, change: change, at: at, eventID: event.id,
                                      violationID: violationID)
                recorded.append(RecordedHardwareChange(change: change, event: event, violation: violation))
            }
            var restored: [GuardEvent] = []
            let present = Set(changes.map(\.key))
            for key in known.sorted() where !present.contains(key) {
                try HardwareRows.close(db, computer: host.assetNumber, key: key)
                // A removed disk that a new one has now replaced is not back: the difference is
                // superseded by the replacement just recorded (the same before, or the same after).
                if recorded.contains(where: { Self.supersedes($0.change.key, key) }) { continue }
                var event = GuardEvent(at: at, kind: .hardwareRestored)
                event.computer = host.assetNumber
                event.note = "no longer differs from the baseline: \(key) (seen at \(trigger))"
                event.id = try GuardRows.insert(db, event: event)
                restored.append(event)
            }
            return HardwareCheckResult(noBaseline: false, recorded: recorded, restored: restored, open: changes)
        }
    }

    /// Whether `new` (recorded now) takes the place of `old` (open, no longer seen). Parts' keys
    /// read `kind:before>after` and supersede one sharing a side that names a part.
    static func supersedes(_ new: String, _ old: String) -> Bool {
        func sides(_ key: String) -> (String, String)? {
            guard let colon = key.firstIndex(of: ":"), let arrow = key.firstIndex(of: ">") else { return nil }
            return (String(key[..<colon]) + String(key[key.index(after: colon)..<arrow]), String(key[key.index(after: arrow)...]))
        }
        let kind = { (key: String) in key.prefix { $0 != ":" } }
        guard new != old, kind(new) == kind(old) else { return false }
        // Memory, firmware, CPU, TPM, the system: one value at a time, the newer supersedes.
        guard let (newBefore, newAfter) = sides(new), let (oldBefore, oldAfter) = sides(old) else { return true }
        return (oldBefore != String(kind(old)) && newBefore == oldBefore) || (!oldAfter.isEmpty && newAfter == oldAfter)
    }
}
