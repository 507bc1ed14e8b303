import GRDB

/// The guard's records while the ledger cannot store them: made without the ledger, written later
/// in one transaction with the `ledger-unavailable` violation that says what happened.
extension GuardRecorder {
    /// The record of a device blocked because its verdict could not be stored. `wouldBe` is the
    /// policy's verdict when the ledger could still be read (its violations are kept, as blocked:
    /// that is what was done); nil when it could not be read at all.
    public static func spooled(_ device: USBDeviceObservation, kind: GuardEventKind, wouldBe verdict: Verdict?,
                               host: Computer?, at: Timestamp, reason: String) -> SpooledRecord {
        var event = Self.event(for: device, kind: kind, at: at, host: host)
        event.decision = .block
        event.mediumNumber = verdict?.medium?.number
        event.holder = verdict?.medium?.holder
        event.stores = device.canStore
        event.observation = device
        let judged = verdict.map { " (the policy would have decided: \($0.audited ? "audit" : $0.decision.rawValue))" }
            ?? " (the ledger could not be read: no verdict)"
        event.note = "not stored when it happened: \(reason); blocked until a verdict could be stored" + judged
        let violations = (verdict?.violations ?? []).map { violation in
            var record = ViolationRecord(at: at, type: violation.type, severity: violation.severity, outcome: .blocked,
                                         reason: violation.reason)
            record.computer = host?.assetNumber
            record.mediumNumber = verdict?.medium?.number
            record.person = verdict?.medium.map { $0.borrower ?? $0.holder }
            record.serial = device.serial
            record.device = event.device
            return record
        }
        return SpooledRecord(event: event, violations: violations)
    }

    /// The record of a device removed while the ledger could not store records.
    public static func spooledDetach(_ device: USBDeviceObservation, at: Timestamp) -> SpooledRecord {
        var event = Self.event(for: device, kind: .detach, at: at, host: nil)
        event.observation = nil
        return SpooledRecord(event: event)
    }

    /// Stores an event made without the ledger and its violations, linked to it; the computer, when
    /// it was not known, is `host`'s. Returns the stored event.
    static func insert(_ db: Database, _ record: SpooledRecord, host: Computer? = nil) throws -> GuardEvent {
        var event = record.event
        event.id = nil
        if event.computer == nil { event.computer = host?.assetNumber }
        event.id = try GuardRows.insert(db, event: event)
        for var violation in record.violations {
            violation.id = nil
            violation.eventID = event.id
            if violation.computer == nil { violation.computer = host?.assetNumber }
            _ = try GuardRows.insert(db, violation: violation)
        }
        return event
    }

    /// Writes the spooled records in their order, then the `ledger-unavailable` violation, in one
    /// transaction: all of them are stored, or none and the spool is kept. Returns the stored events.
    @discardableResult
    public func writeSpooled(_ records: [SpooledRecord], outage: LedgerOutage) throws(LedgerError) -> [GuardEvent] {
        try store.write { db in
            let host = try Ledger.thisHost(db)
            var stored: [GuardEvent] = []
            stored.reserveCapacity(records.count)
            for record in records { stored.append(try Self.insert(db, record, host: host)) }
            let found = outage.violation(written: records.count)
            var violation = ViolationRecord(at: outage.until, type: found.type, severity: found.severity, outcome: .logged,
                                            reason: found.reason)
            violation.computer = host?.assetNumber
            _ = try GuardRows.insert(db, violation: violation)
            return stored
        }
    }
}
