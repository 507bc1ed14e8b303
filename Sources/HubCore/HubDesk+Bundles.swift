import AssetCore
import Foundation
import GRDB
import HubStore

/// Standalone computers (单机), served by bundles a person carries on a registered medium: the same
/// signed change sets, snapshots, event batches and receipts as the couriers', in one file each way.
/// What comes back is trusted for the computer's signature only, and stored exactly as a courier's
/// delivery would be (`HubDesk.open(_:from:unit:)`, `ingest`), so gaps and altered records are found the same way.
/// Every refusal is entered in the unit's violations.
extension HubDesk {
    /// Everything `computer` needs since the version it last confirmed (a snapshot when it has
    /// confirmed none, or is more than `snapshotAfter` behind), the receipt for the records the hub
    /// holds from it, and the enrolment answer it joins with; signed by the unit key.
    public func exportBundle(computer asset: String) async throws(LedgerError) -> SignedPayload {
        let computer = asset.trimmingWhitespace()
        let (enrolled, held, chain) = try await ledgerCall { [ledger] in
            let enrolled = try await ledger.database.enrolled(computer: computer)
            let state = try await ledger.database.computerStates(only: computer).first
            return (enrolled, state.map(Self.confirmedVersion) ?? 0, try await ledger.database.chainState(computer: computer))
        }
        guard let enrolled else { throw Self.notEnrolled(computer) }
        let version = ledger.ledgerVersion
        var payloads: [SignedPayload] = []
        if held < version {
            payloads = try await ledgerCall { [ledger] in
                if held == 0 || version - held > Self.snapshotAfter { return try await HubWorkers.run { try ledger.snapshot() } }
                return try await ledger.database.changeSets(after: held, limit: Int(Self.snapshotAfter))
            }
        }
        let now = ledger.clock.now()
        let to = try Self.lastVersion(payloads) ?? held
        let answer = EnrolmentAnswer(unit: ledger.unit, unitKey: ledger.key.publicText, computer: computer, courierToken: "", hub: hubName)
        let signed: SignedPayload
        do {
            let receipt = chain.seq > 0
                ? try SignedPayload.sign(Receipt(unit: ledger.unit, computer: computer, seq: chain.seq, hash: chain.hash, at: now),
                                         kind: .receipt, with: ledger.key)
                : nil
            let bundle = LedgerBundle(unit: ledger.unit, computer: computer, computerKey: enrolled.publicKey, createdAt: now,
                                      fromVersion: held, toVersion: to, payloads: payloads, receipt: receipt, enrolment: answer)
            signed = try SignedPayload.sign(bundle, kind: .ledgerBundle, with: ledger.key)
        } catch { throw Self.ledgerError(error) }
        let bytes = try Self.fileSize(signed)
        guard bytes <= BundleFile.maximumBytes else {
            throw LedgerError(.validation,
                zh: "计算机 \(computer) 的数据包有 \(bytes >> 20) MiB，超过数据包上限 \(BundleFile.maximumBytes >> 20) MiB：单位台账太大，无法用数据包传递",
                en: "the bundle for \(computer) would be \(bytes >> 20) MiB, over the \(BundleFile.maximumBytes >> 20) MiB a bundle may have: the unit ledger is too large to carry in one bundle")
        }
        try await ledgerCall { [ledger] in try await ledger.database.noteExport(computer: computer, version: to, at: now) }
        return signed
    }

    /// A bundle carried from a standalone computer: its enrolment request, or its records.
    public func importBundle(_ data: Data) async throws(LedgerError) -> HubBundleImport {
        let payload: SignedPayload
        do { payload = try BundleFile.read(data) } catch {
            throw await refused("a bundle file of \(data.count) bytes", claimedBy: nil, Self.ledgerError(error))
        }
        let what = payload.label
        switch payload.kind {
        case .enrolmentRequest:
            let request: EnrolmentRequestBundle
            do { request = try BundleFile.peek(EnrolmentRequestBundle.self, payload) } catch {
                throw await refused(what, claimedBy: nil, Self.ledgerError(error))
            }
            do { return try await importEnrolment(payload, request) } catch {
                throw await refused(what, claimedBy: request.computer, error)
            }
        case .recordBundle:
            let claimed: String
            do { claimed = try BundleFile.peek(RecordBundle.self, payload).computer } catch {
                throw await refused(what, claimedBy: nil, Self.ledgerError(error))
            }
            do { return try await importRecords(payload, claimed: claimed) } catch {
                throw await refused(what, claimedBy: claimed, error)
            }
        default:
            throw await refused(what, claimedBy: nil, LedgerError(.usage,
                zh: "这是发往计算机的台账数据包：请在该计算机上导入（mediactl bundle import，不加 --hub）",
                en: "this is a ledger bundle for a computer: import it on that computer (mediactl bundle import, without --hub)"))
        }
    }

    /// Pins the key of a standalone computer that asked to join with the hub's one-time code.
    private func importEnrolment(_ payload: SignedPayload, _ request: EnrolmentRequestBundle) async throws(LedgerError) -> HubBundleImport {
        guard payload.isSigned(by: request.publicKey) else {
            throw UnitError.badSignature(kind: payload.kind, signer: payload.signer).ledgerError
        }
        do {
            _ = try await enrol(EnrolmentRequest(computer: request.computer, code: request.code, publicKey: request.publicKey),
                                standalone: true)
        } catch { throw LedgerError(.validation, zh: error.zh, en: error.en) }
        return HubBundleImport(kind: .enrolment, computer: request.computer.trimmingWhitespace(),
                               keyFingerprint: UnitKey.fingerprint(request.publicKey))
    }

    /// Stores a standalone computer's records, batch by batch, as its courier would have delivered
    /// them (`ingest`): records already held are skipped, gaps and altered records are entered as
    /// violations. Each batch is opened and its records hashed once; the same hashes tell the
    /// administrator what the import found.
    private func importRecords(_ payload: SignedPayload, claimed: String) async throws(LedgerError) -> HubBundleImport {
        let found = try await ledgerCall { [ledger] in try await ledger.database.enrolled(computer: claimed) }
        guard let computer = found else { throw Self.notEnrolled(claimed) }
        let bundle: RecordBundle
        let batches: [EventBatch]
        do {
            bundle = try payload.open(RecordBundle.self, as: .recordBundle, trusting: computer.publicKey)
            guard bundle.unit == ledger.unit else { throw UnitError.otherUnit(expected: ledger.unit, got: bundle.unit) }
            batches = try bundle.batches.map { signed throws(UnitError) in try Self.open(signed, from: computer, unit: ledger.unit) }
        } catch { throw Self.ledgerError(error) }
        var state = try await ledgerCall { [ledger] in try await ledger.database.chainState(computer: computer.computer) }
        var outcome = HubBundleImport(kind: .records, computer: computer.computer, keyFingerprint: UnitKey.fingerprint(computer.publicKey))
        for batch in batches {
            let records = HashedRecords(batch.records)
            let check = ChainCheck(records, after: state)
            do { _ = try await ingest(batch, records: records) } catch { throw LedgerError(.validation, zh: error.zh, en: error.en) }
            outcome.records += batch.records.count
            outcome.stored += check.new.count
            outcome.duplicates += check.duplicates
            outcome.missing += check.missing
            outcome.altered += check.altered
            state = check.after
        }
        outcome.ledgerVersion = bundle.ledgerVersion
        outcome.chainEnd = state.seq
        return outcome
    }

    /// Enters a refused bundle in the unit's violations (naming the computer it claims to come
    /// from, which is unproven) and returns the error to answer with.
    private func refused(_ what: String, claimedBy computer: String?, _ error: LedgerError) async -> LedgerError {
        let at = ledger.clock.now()
        var violation = ViolationRecord(at: at, type: .unitPayloadRefused, severity: .high, outcome: .logged, reason: Bilingual(
            zh: "拒收数据包（\(what)）：\(error.message.zh)", en: "bundle refused (\(what)): \(error.message.en)"))
        violation.note = computer.map { "claims to come from \($0)" }
        let record = violation, claimed = computer
        do {
            try await HubWorkers.run { [ledger] in try ledger.store.writeThrough { db in try HubIngest.insert(db, record, computer: claimed) } }
        } catch {
            ledger.logger.error("cannot record a refused bundle", metadata: ["ERROR": "\(error)"])
        }
        ledger.logger.warning("bundle refused", metadata: ["WHAT": "\(what)", "ERROR": "\(error.message.en)"])
        return error
    }

    /// The version a computer is known to hold: what it last confirmed, unless it has enrolled since
    /// (a computer set up again starts from an empty ledger, and gets a snapshot).
    static func confirmedVersion(_ state: ComputerSyncState) -> Int64 {
        guard let heard = state.lastHeard, let enrolled = state.enrolledAt,
              heard.secondsSinceEpoch >= enrolled.secondsSinceEpoch else { return 0 }
        return state.ledgerVersion
    }

    static func notEnrolled(_ computer: String) -> LedgerError {
        LedgerError(.usage,
            zh: "计算机 \(computer) 尚未加入单位：先在中心发注册码（mediactl --hub computer enrol \(computer)），在该计算机上运行 mediactl bundle request --code 注册码，再把申请带回中心导入（mediactl --hub bundle import）",
            en: "the computer \(computer) has not enrolled: issue a code at the hub (mediactl --hub computer enrol \(computer)), run mediactl bundle request --code CODE on that computer, and import the request here (mediactl --hub bundle import)")
    }

    /// The version the payloads bring the computer to; nil for none.
    static func lastVersion(_ payloads: [SignedPayload]) throws(LedgerError) -> Int64? {
        guard let last = payloads.last else { return nil }
        do {
            if last.kind == .snapshotPart { return try BundleFile.peek(SnapshotPart.Header.self, last).version }
            return try BundleFile.peek(ChangeSet.self, last).to
        } catch { throw Self.ledgerError(error) }
    }

    static func fileSize(_ payload: SignedPayload) throws(LedgerError) -> Int {
        do { return try BundleFile.bytes(payload).count } catch { throw Self.ledgerError(error) }
    }
}
