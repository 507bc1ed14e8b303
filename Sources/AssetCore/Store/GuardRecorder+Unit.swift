import GRDB

/// The daemon's side of the unit: enrolment, ledger changes applied to the replica, records out,
/// receipts in. The control socket checks the caller's role (`UnitCall.permission`); every payload is
/// checked here against the pinned unit key, whoever carried it.
extension GuardRecorder {
    public func unitMembership() throws(LedgerError) -> UnitMembership? {
        try store.read(ReplicaRows.membership)
    }

    /// Pins the unit from the hub's enrolment answer, and records that this computer joined.
    public func unitJoin(_ answer: EnrolmentAnswer, at: Timestamp) throws(LedgerError) -> UnitMembership {
        try unitStep {
            try store.write { db in
                try Self.join(db, answer, at: at, how: answer.hub.map { ", hub \($0)" } ?? "")
                return try ReplicaRows.membership(db)!
            }
        }
    }

    /// Pins the unit and records that this computer joined, in the caller's transaction.
    static func join(_ db: Database, _ answer: EnrolmentAnswer, at: Timestamp, how: String) throws {
        try ReplicaRows.join(db, answer, at: at)
        var event = GuardEvent(at: at, kind: .unitJoined)
        event.computer = answer.computer
        event.note = "enrolled in the unit \(answer.unit) (unit key \(UnitKey.fingerprint(answer.unitKey)))" + how
        _ = try GuardRows.insert(db, event: event)
    }

    /// Applies `payloads` in order, each in a transaction of its own, and stops at the first refused
    /// one, which is recorded (an event and a `unit-payload-refused` violation) with why.
    ///
    /// The parts of a snapshot signed in parts (`SnapshotPart`) are staged as they come, over as
    /// many calls as the courier needs, and the snapshot is applied in one transaction with its last
    /// part; until then nothing of it is written. A part that does not continue the staged ones, or
    /// anything else arriving while a snapshot is half received, refuses the whole snapshot.
    public func unitApply(_ payloads: [SignedPayload], at: Timestamp) throws(LedgerError) -> UnitApplyResult {
        var result = UnitApplyResult()
        for payload in payloads {
            do throws(LedgerError) {
                if payload.kind == .snapshotPart {
                    if let change = try unitStage(payload, at: at) { result.applied.append(change) }
                    continue
                }
                if let unfinished = SnapshotStaging.shared.drop(for: store) { throw unfinished.incomplete.ledgerError }
                let change = try store.writeWithoutForeignKeys { db in
                    let change = try ReplicaRows.apply(db, payload, at: at)
                    try Self.noteApplied(db, change, what: payload.kind == .snapshot ? "unit ledger snapshot" : "unit ledger change",
                                         rows: change.rows.count, at: at)
                    return change
                }
                result.applied.append(change)
            } catch {
                result.refused = error
                result.refusal = try recordRefusal(payload.label, error, at: at)
                break
            }
        }
        return result
    }

    /// Stages one snapshot part; applies the snapshot when it was the last. nil while parts are owed.
    private func unitStage(_ payload: SignedPayload, at: Timestamp) throws(LedgerError) -> ChangeSet? {
        let staging = SnapshotStaging.shared
        let complete: SnapshotAssembly?
        do throws(LedgerError) {
            let header = try store.read { db in try ReplicaRows.openPart(db, payload) }
            do { complete = try staging.take(header, payload, for: store) } catch { throw error.ledgerError }
        } catch {
            staging.drop(for: store)
            throw error
        }
        guard let assembly = complete else { return nil }
        return try store.writeWithoutForeignKeys { db in
            let (change, rows) = try ReplicaRows.apply(db, assembly, at: at)
            try Self.noteApplied(db, change, what: "unit ledger snapshot in \(assembly.first.parts) parts", rows: rows, at: at)
            return change
        }
    }

    /// The record of a change applied, in the change's transaction.
    static func noteApplied(_ db: Database, _ change: ChangeSet, what: String, rows: Int, at: Timestamp) throws {
        var event = GuardEvent(at: at, kind: .unitChange)
        event.computer = try ReplicaRows.membership(db)?.computer
        event.note = "\(what) \(change.from) → \(change.to): \(rows) rows"
        _ = try GuardRows.insert(db, event: event)
    }

    /// Records a refusal (an event and a `unit-payload-refused` violation): `what` names what was refused.
    func recordRefusal(_ what: String, _ error: LedgerError, at: Timestamp) throws(LedgerError) -> GuardEvent {
        try store.write { db in
            let computer = try ReplicaRows.membership(db)?.computer
            var event = GuardEvent(at: at, kind: .unitRefused)
            event.computer = computer
            event.note = "refused \(what): \(error.message.en)"
            event.id = try GuardRows.insert(db, event: event)
            var record = ViolationRecord(at: at, type: .unitPayloadRefused, severity: .high, outcome: .logged,
                                         reason: Bilingual(zh: "拒收台账变更：\(error.message.zh)", en: "ledger change refused: \(error.message.en)"))
            record.eventID = event.id
            record.computer = computer
            _ = try GuardRows.insert(db, violation: record)
            return event
        }
    }

    /// The records the hub has not acknowledged, at most `limit`, as an event batch signed with `key`;
    /// nil when nothing is owed.
    public func unitOutbox(limit: Int, key: SigningKey, at: Timestamp) throws(LedgerError) -> SignedPayload? {
        try unitStep {
            let batch: EventBatch? = try store.read { db in
                guard let held = try ReplicaRows.membership(db) else { throw UnitError.notEnrolled }
                let records = try RecordChainRows.records(db, after: held.acknowledged, limit: max(1, min(limit, 10_000)))
                guard !records.isEmpty else { return nil }
                return EventBatch(unit: held.unit, computer: held.computer, sentAt: at, head: held.head,
                                  ledgerVersion: held.ledgerVersion, records: records)
            }
            return try batch.map { batch throws(UnitError) in try SignedPayload.sign(batch, kind: .eventBatch, with: key) }
        }
    }

    /// Takes the hub's receipt.
    public func unitReceipt(_ payload: SignedPayload) throws(LedgerError) -> UnitMembership {
        try unitStep {
            try store.write { db in
                _ = try ReplicaRows.acknowledge(db, payload)
                return try ReplicaRows.membership(db)!
            }
        }
    }

    /// Runs a unit step, giving a `UnitError` its ledger form.
    private func unitStep<T>(_ body: () throws -> T) throws(LedgerError) -> T {
        do { return try body() } catch let error as UnitError { throw error.ledgerError } catch let error as LedgerError {
            throw error
        } catch {
            throw LedgerError(.storage, zh: "\(error)", en: "\(error)")
        }
    }
}

/// What `unitApply` did: the change sets applied, and the one refused (with its recorded event). A
/// snapshot applied from parts is here as its unit and versions, without its rows.
public struct UnitApplyResult: Sendable {
    public var applied: [ChangeSet] = []
    public var refused: LedgerError?
    public var refusal: GuardEvent?
}
