import Foundation
import GRDB

/// A standalone computer's side of the unit (单机): the ledger comes in as a bundle a person carried
/// from the hub, and the records go back the same way. The bundle is trusted for its signature only:
/// the unit key pinned here (or, on the first bundle, the key whose fingerprint the administrator
/// confirmed from the hub's screen), this computer's own key named in it, versions that continue
/// what is held. Everything in it is applied in one transaction, or nothing is and the refusal is
/// recorded as for a change set the courier brought.
extension GuardRecorder {
    /// Imports the bundle file `data`. On success the result names what was applied; on refusal it
    /// carries the error and the recorded event, and nothing of the bundle is written.
    public func unitImport(_ data: Data, confirmedUnitKey: String?, computerKey: String, at: Timestamp) throws(LedgerError)
        -> BundleApplyResult {
        var result = BundleApplyResult()
        var what = "a bundle file of \(data.count) bytes"
        do throws(LedgerError) {
            let payload: SignedPayload
            do { payload = try BundleFile.read(data) } catch { throw error.ledgerError }
            what = payload.label
            // Checked against what is held in the transaction that applies it.
            let applied = try store.writeWithoutForeignKeys { db in
                let bundle = try BundleCheck.open(payload, held: try ReplicaRows.membership(db), confirmed: confirmedUnitKey,
                                                  computerKey: computerKey, host: try Ledger.thisHost(db)?.assetNumber)
                return try BundleCheck.apply(db, bundle, at: at)
            }
            result.applied = applied.changes
            result.joined = applied.joined
            result.acknowledged = applied.acknowledged
        } catch {
            result.refused = error
            result.refusal = try recordRefusal(what, error, at: at)
        }
        return result
    }

    /// Every record the hub has not acknowledged (as many as fit in one bundle, oldest first) and the
    /// ledger version held, as a records bundle signed with `key`; how many records it carries, and
    /// the membership it was read with.
    public func unitRecordBundle(key: SigningKey, at: Timestamp) throws(LedgerError)
        -> (bundle: SignedPayload, records: Int, membership: UnitMembership) {
        try store.read { db in
            guard let held = try ReplicaRows.membership(db) else { throw UnitError.notEnrolled }
            func batch(_ records: [ChainedRecord]) throws -> SignedPayload {
                try SignedPayload.sign(EventBatch(unit: held.unit, computer: held.computer, sentAt: at, head: held.head,
                                                  ledgerVersion: held.ledgerVersion, records: records), kind: .eventBatch, with: key)
            }
            var batches: [SignedPayload] = []
            var after = held.acknowledged, bytes = 0, count = 0
            while bytes < BundleFile.recordBytesPerBundle {
                let records = try RecordChainRows.records(db, after: after, limit: 2_000)
                guard let last = records.last else { break }
                let signed = try batch(records)
                batches.append(signed)
                bytes += signed.body.count
                count += records.count
                after = last.seq
            }
            // Nothing owed: one empty batch, so the hub still learns the version held and when it was heard from.
            if batches.isEmpty { batches.append(try batch([])) }
            let bundle = RecordBundle(unit: held.unit, computer: held.computer, createdAt: at, ledgerVersion: held.ledgerVersion,
                                      head: held.head, batches: batches)
            return (try SignedPayload.sign(bundle, kind: .recordBundle, with: key), count, held)
        }
    }
}

/// What `unitImport` did: the changes applied, whether the computer joined with this bundle, the
/// record the receipt acknowledged; or the refusal and its recorded event.
public struct BundleApplyResult: Sendable {
    public var applied: [ChangeSet] = []
    public var joined = false
    public var acknowledged: Int64?
    public var refused: LedgerError?
    public var refusal: GuardEvent?
}

/// The checks and the one transaction of a ledger bundle's import.
enum BundleCheck {
    /// The bundle's content, once every check that needs no write has passed: signed by the unit key
    /// held (or confirmed), for this unit, for this computer, not older than what is held, and not
    /// starting after it unless it brings a snapshot.
    static func open(_ payload: SignedPayload, held: UnitMembership?, confirmed: String?, computerKey: String,
                     host: String?) throws -> LedgerBundle {
        guard payload.kind == .ledgerBundle else { throw UnitError.wrongKind(expected: .ledgerBundle, got: payload.kind) }
        let trusted: String
        if let confirmed {
            let fingerprint = UnitKey.fingerprint(held?.unitKey ?? payload.signer)
            guard normalised(confirmed) == fingerprint else { throw UnitError.unitKeyMismatch(confirmed: confirmed, signer: payload.signer) }
        }
        if let held {
            trusted = held.unitKey
        } else {
            guard confirmed != nil else { throw UnitError.unitKeyUnconfirmed(signer: payload.signer) }
            trusted = payload.signer
        }
        let bundle = try payload.open(LedgerBundle.self, as: .ledgerBundle, trusting: trusted)
        if let held {
            guard bundle.unit == held.unit else { throw UnitError.otherUnit(expected: held.unit, got: bundle.unit) }
            guard bundle.computer == held.computer else { throw UnitError.otherComputer(expected: held.computer, got: bundle.computer) }
        } else {
            guard let answer = bundle.enrolment, answer.unit == bundle.unit, answer.unitKey == trusted,
                  answer.computer == bundle.computer else {
                throw UnitError.malformed("a first bundle must carry the unit's enrolment answer for this computer")
            }
            if let host, host != bundle.computer { throw UnitError.otherComputer(expected: host, got: bundle.computer) }
        }
        guard bundle.computerKey == computerKey else {
            throw UnitError.otherComputerKey(computer: bundle.computer)
        }
        let version = held?.ledgerVersion ?? 0
        guard bundle.toVersion >= version else { throw UnitError.oldBundle(held: version, to: bundle.toVersion) }
        let snapshot = bundle.payloads.contains { $0.kind == .snapshot || $0.kind == .snapshotPart }
        guard snapshot || bundle.fromVersion <= version else { throw UnitError.bundleGap(held: version, from: bundle.fromVersion) }
        return bundle
    }

    /// A fingerprint as typed: case, spaces, colons and dashes do not matter.
    static func normalised(_ typed: String) -> String {
        String(typed.lowercased().filter { $0.isHexDigit })
    }

    struct Applied {
        var changes: [ChangeSet] = []
        var joined = false
        var acknowledged: Int64?
    }

    /// Joins when not yet a member, applies every change set or snapshot the replica does not hold,
    /// takes the receipt; all in the caller's transaction. A change set already held is passed over,
    /// so the same bundle imported again changes nothing.
    static func apply(_ db: Database, _ bundle: LedgerBundle, at: Timestamp) throws -> Applied {
        var applied = Applied()
        if try ReplicaRows.membership(db) == nil, let answer = bundle.enrolment {
            try GuardRecorder.join(db, answer, at: at, how: ", by a bundle carried from the hub")
            applied.joined = true
        }
        guard let joined = try ReplicaRows.membership(db) else { throw UnitError.notEnrolled }
        let key = joined.unitKey
        var assembly: SnapshotAssembly?
        for payload in bundle.payloads {
            let held = try ReplicaRows.membership(db)!.ledgerVersion
            switch payload.kind {
            case .changeSet, .snapshot:
                let change = try payload.open(ChangeSet.self, as: payload.kind, trusting: key)
                guard change.to > held else { continue }
                let done = try ReplicaRows.apply(db, payload, at: at)
                try GuardRecorder.noteApplied(db, done, what: payload.kind == .snapshot ? "unit ledger snapshot" : "unit ledger change",
                                              rows: done.rows.count, at: at)
                applied.changes.append(done)
            case .snapshotPart:
                let header = try payload.open(SnapshotPart.Header.self, as: .snapshotPart, trusting: key)
                guard header.version > held else { continue }
                do {
                    if var parts = assembly { try parts.add(header, payload); assembly = parts } else { assembly = try SnapshotAssembly(header, payload) }
                } catch { throw error.ledgerError }
                guard let complete = assembly, complete.isComplete else { continue }
                let (done, rows) = try ReplicaRows.apply(db, complete, at: at)
                try GuardRecorder.noteApplied(db, done, what: "unit ledger snapshot in \(complete.first.parts) parts", rows: rows, at: at)
                applied.changes.append(done)
                assembly = nil
            default:
                throw UnitError.wrongKind(expected: .changeSet, got: payload.kind)
            }
        }
        if let unfinished = assembly { throw unfinished.incomplete.ledgerError }
        let now = try ReplicaRows.membership(db)!.ledgerVersion
        guard now >= bundle.toVersion else {
            throw UnitError.malformed("the bundle says it brings version \(bundle.toVersion) but its changes end at \(now)")
        }
        if let receipt = bundle.receipt {
            applied.acknowledged = try ReplicaRows.acknowledge(db, receipt).seq
        }
        return applied
    }
}
