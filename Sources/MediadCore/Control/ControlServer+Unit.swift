import AssetCore
import FoundationEssentials
import ControlSocket

/// The unit through the socket. The courier (role `courier`) hands in the hub's signed change sets
/// and receipts and takes the signed records out; an administrator enrols. Each payload is checked by
/// the recorder against the pinned unit key; after a change is applied the Guard judges again every
/// device and link present, so a medium reported lost at the hub is blocked here at once.
extension ControlServer {
    /// This computer's signing key: beside the ledger, readable by root only, made on first use.
    var computerKeyPath: String {
        let path = service.store.path
        guard let slash = path.lastIndex(of: "/") else { return "computer.key" }
        return String(path[..<slash]) + "/computer.key"
    }

    func unit(_ call: UnitCall, on connection: ControlConnection) -> ControlReply {
        do throws(LedgerError) {
            if case .awaitOutbox(let limit, let seconds) = call {
                return try awaitOutbox(limit: limit, seconds: seconds, on: connection)
            }
            return try serveUnit(call)
        } catch {
            return .error(error)
        }
    }

    private func serveUnit(_ call: UnitCall) throws(LedgerError) -> ControlReply {
        let recorder = guardian.recorder
        let now = guardian.clock.now()
        do {
            switch call {
            case .state:
                guard let held = try recorder.unitMembership() else { throw UnitError.notEnrolled.ledgerError }
                return .unit(.membership(held))
            case .enrolmentKey:
                let key = try loadKey(create: true)
                return .unit(.enrolmentKey(computer: try recorder.host()?.assetNumber, publicKey: key.publicText))
            case .join(let answer):
                _ = try loadKey(create: true)
                let held = try recorder.unitJoin(answer, at: now)
                broadcaster.records.notify()
                logger.notice("enrolled in the unit", metadata: ["UNIT": "\(answer.unit)", "COMPUTER": "\(answer.computer)"])
                return .unit(.membership(held))
            case .apply(let payloads):
                let result = try recorder.unitApply(payloads, at: now)
                settle(applied: result.applied, joined: false, refused: result.refused, refusal: result.refusal,
                       what: "a unit ledger change", from: "")
                guard let held = try recorder.unitMembership() else { throw UnitError.notEnrolled.ledgerError }
                return .unit(.applied(versions: result.applied.map(\.to), refused: result.refused, membership: held))
            case .outbox(let limit), .awaitOutbox(let limit, _):
                return .unit(.batch(try recorder.unitOutbox(limit: limit, key: try loadKey(create: false), at: now)))
            case .receipt(let payload):
                return .unit(.membership(try recorder.unitReceipt(payload)))
            case .enrolmentRequest(let code, let computer):
                return .unit(.bundle(try enrolmentRequest(code: code, computer: computer, at: now)))
            case .importBundle(let data, let unitKey):
                return .unit(.imported(try importBundle(data, unitKey: unitKey, at: now)))
            }
        }
    }

    /// A standalone computer's request to join, for a person to carry to the hub.
    private func enrolmentRequest(code: String, computer: String?, at now: Timestamp) throws(LedgerError) -> SignedPayload {
        let key = try loadKey(create: true)
        let named = computer?.trimmingWhitespace()
        let registered = try guardian.recorder.host()?.assetNumber
        guard let asset = (named?.isEmpty == false ? named : nil) ?? registered else {
            throw LedgerError(.usage, zh: "本机未登记资产编号：请用 --computer 资产编号 指明（与中心登记的一致）",
                              en: "this computer has no asset number in its ledger: give it with --computer ASSET (as registered at the hub)")
        }
        let request = EnrolmentRequestBundle(computer: asset, publicKey: key.publicText, code: code.trimmingWhitespace(), createdAt: now)
        do { return try SignedPayload.sign(request, kind: .enrolmentRequest, with: key) } catch { throw error.ledgerError }
    }

    /// A ledger bundle carried from the hub: applied (or refused and recorded), present devices and
    /// links judged again, and the records for the way back.
    private func importBundle(_ data: Data, unitKey: String?, at now: Timestamp) throws(LedgerError) -> BundleImport {
        let recorder = guardian.recorder
        let key = try loadKey(create: true)
        let result = try recorder.unitImport(data, confirmedUnitKey: unitKey, computerKey: key.publicText, at: now)
        settle(applied: result.applied, joined: result.joined, refused: result.refused, refusal: result.refusal,
               what: "a ledger bundle", from: ", from a bundle")
        if let refused = result.refused { throw refused }
        let (records, count, held) = try recorder.unitRecordBundle(key: key, at: now)
        return BundleImport(applied: result.applied.map(\.to), joined: result.joined, acknowledged: result.acknowledged,
                            membership: held, records: records, recordCount: count)
    }

    /// What follows a unit ledger change, however it came (the courier's change sets, a bundle):
    /// each change applied, a joining and a refusal are records of their own for the hub (the held
    /// `await-outbox` is woken); a refusal is logged and shown to watchers; present devices and links
    /// are judged again by the new ledger (`rejudge` logs why, naming the version and `from`). The
    /// heap the apply freed and the unit's code go back once the request is answered
    /// (`IdleMemory`, from the listener's `afterEach`).
    private func settle(applied: [ChangeSet], joined: Bool, refused: LedgerError?, refusal: GuardEvent?, what: String, from: String) {
        if !applied.isEmpty || joined || refusal != nil { broadcaster.records.notify() }
        if let refused { logger.warning("refused \(what)", metadata: ["ERROR": "\(refused.message.en)"]) }
        if let last = applied.last {
            let guardian = self.guardian, reason = "unit ledger version \(last.to)" + from
            blocking { await guardian.rejudge(reason: reason) }
        }
        if let refusal { guardian.broadcaster.publish(WatchItem(event: refusal, violations: [])) }
    }

    private func loadKey(create: Bool) throws(LedgerError) -> SigningKey {
        do { return try SigningKey.load(path: computerKeyPath, create: create) } catch { throw error.ledgerError }
    }
}

extension Guard {
    /// Judges again every USB device and network link present, after the ledger they were judged
    /// by has changed under them (a unit ledger change applied).
    func rejudge(reason: String) {
        let present = USBTopology.parentsFirst(Array(decided.syspaths))
        logger.notice("judging present devices and links again", metadata: ["REASON": "\(reason)", "DEVICES": "\(present.count)"])
        decide(present.filter { !USBTopology.isRootHub($0) }.map { DecisionRequest(syspath: $0, kind: .recheck) })
        judgeLinks(atStart: false)
    }
}
