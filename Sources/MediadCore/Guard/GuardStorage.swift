import AssetCore
import Logging

/// The time the ledger cannot store records, while it lasts.
struct StorageTrouble: Sendable {
    var since: Timestamp
    var reason: String
    /// Devices present and blocked only because their verdict could not be stored: decided again
    /// once it can.
    var blocked: Set<String> = []
    /// Every device blocked for it, for the violation (some may be gone by then).
    var blockedCount = 0
    /// The spool was found at start, left by an earlier run.
    var leftByEarlierRun = false
    /// The next retry's wait: it doubles up to `StorageTrouble.longestWait` while the ledger fails.
    var wait: Duration = .seconds(1)
    var retryScheduled = false

    static let longestWait: Duration = .seconds(15)
}

/// What the guard does when the ledger cannot store records (a full or read-only disk, a damaged
/// file): it blocks whatever it could not record, keeps the records in the spool (`LedgerSpool`),
/// says so (journald, `mediactl status`), tries the ledger again with a growing wait (only while it
/// fails: a healthy guard does not wake for it), and when the ledger takes records again writes the
/// spool with a `ledger-unavailable` violation and decides again every device blocked for it.
/// Devices allowed by a verdict stored before the trouble stay allowed.
extension Guard {
    /// The current trouble, for `mediactl status`.
    var ledgerTrouble: LedgerTrouble? {
        guard let trouble else { return nil }
        return LedgerTrouble(since: trouble.since, reason: trouble.reason, spooled: spool.records.count,
                             dropped: spool.dropped, blocked: trouble.blocked.count, spool: spool.path,
                             spoolFailure: spool.fileFailure)
    }

    /// A group whose verdicts could not be stored: each device is blocked, then its record (with the
    /// verdict the policy would have given, if the ledger can still be read) is spooled.
    func blockUnrecorded(_ group: ArraySlice<(read: ObservedDevice, kind: GuardEventKind)>, reason: String) {
        let now = clock.now()
        beginTrouble(reason, at: now)
        // The blocks first: they are what protects, and whoever reads the log finds them written.
        for (read, _) in group {
            let verdict = Verdict(decision: .block)
            enforce(read.observation, verdict, in: read.directory)
            remember(read.observation, verdict)
        }
        spool.add(group.map { blockedRecord($0.read.observation, kind: $0.kind, at: now) })
        for (read, kind) in group {
            let device = read.observation
            // The kernel's audit log is the one copy of this verdict until the ledger takes it.
            audit?.record(.unrecorded(device, kind: kind, reason: reason))
            logger.critical("cannot record the verdict in the ledger; blocking the device",
                            metadata: metadata(device, nil, ["ERROR": "\(reason)", "MEDIA_SPOOL": "\(spool.path)"]))
        }
    }

    /// Spools the record of a device blocked because its verdict could not be stored.
    func spoolBlocked(_ device: USBDeviceObservation, kind: GuardEventKind, at now: Timestamp) {
        spool.add(blockedRecord(device, kind: kind, at: now))
    }

    /// The record of a device blocked because its verdict could not be stored, with the verdict the
    /// policy would have given if the ledger can still be read; counted in the trouble.
    private func blockedRecord(_ device: USBDeviceObservation, kind: GuardEventKind, at now: Timestamp) -> SpooledRecord {
        let facts = try? recorder.facts(for: device, today: now.localDay)
        let wouldBe = facts.map { Policy.decide(device, facts: $0, config: config) }
        trouble?.blocked.insert(device.syspath)
        trouble?.blockedCount += 1
        return GuardRecorder.spooled(device, kind: kind, wouldBe: wouldBe, host: facts?.host, at: now,
                                     reason: troubleReason)
    }

    /// Spools any other record the ledger refused (a detach, the guard's start or stop).
    func spool(_ record: SpooledRecord, error: LedgerError) {
        beginTrouble(error.message.en, at: record.event.at)
        spool.add(record)
    }

    /// Starts the trouble (once: later failures join it) and the retries.
    func beginTrouble(_ reason: String, at now: Timestamp, leftByEarlierRun: Bool = false) {
        guard trouble == nil else { return }
        trouble = StorageTrouble(since: now, reason: reason, leftByEarlierRun: leftByEarlierRun)
        logger.critical("the ledger cannot store records: devices are blocked unless a stored verdict allows them; records are kept in the spool until the ledger takes them",
                        metadata: ["ERROR": "\(reason)", "MEDIA_SPOOL": "\(spool.path)"])
        scheduleLedgerRetry()
    }

    /// Throws unless the ledger takes records, the spool written first: the step before every
    /// record while the trouble lasts, so that records keep their order.
    func ledgerReady() throws(LedgerError) {
        guard recoverLedger() else { throw LedgerError(.storage, zh: "台账无法写入", en: troubleReason) }
    }

    /// Why the ledger fails, as it said when the trouble began.
    var troubleReason: String { trouble?.reason ?? "the ledger failed" }

    /// Writes the spool if there is trouble; true when the ledger takes records (or there was none).
    /// Called before each record while the trouble lasts, so records keep their order.
    @discardableResult
    func recoverLedger() -> Bool {
        guard let current = trouble else { return true }
        let outage = LedgerOutage(since: current.since, until: clock.now(), reason: current.reason, dropped: spool.dropped,
                                  blocked: current.blockedCount, leftByEarlierRun: current.leftByEarlierRun)
        let written: [GuardEvent]
        do {
            written = try recorder.writeSpooled(spool.records, outage: outage)
        } catch {
            return false
        }
        for event in written { broadcaster.publish(WatchItem(event: event, violations: [])) }
        broadcaster.records.notify()
        logger.warning("the ledger stores records again; spooled records written, blocked devices decided again",
                       metadata: ["WRITTEN": "\(written.count)", "DROPPED": "\(spool.dropped)", "SINCE": "\(current.since)",
                                  "DEVICES": "\(current.blocked.count)"])
        spool.clear()
        trouble = nil
        let again = USBTopology.parentsFirst(current.blocked.filter { decided[$0] != nil })
        decide(again.map { DecisionRequest(syspath: $0, kind: .recheck) })
        return true
    }

    /// A spool left by an earlier run (stopped or killed while the ledger failed) is written first.
    func loadLeftSpool() {
        guard let found = LedgerSpool.load(path: spool.path, ledger: spool.ledger) else { return }
        switch found {
        case .failure(let problem):
            logger.error("cannot use the spool", metadata: ["ERROR": "\(problem)"])
        case .success(let left):
            spool = left
            let since = left.records.first?.event.at ?? clock.now()
            logger.warning("records left in the spool by an earlier run", metadata: ["RECORDS": "\(left.records.count)",
                                                                                   "MEDIA_SPOOL": "\(left.path)"])
            beginTrouble("left by an earlier run", at: since, leftByEarlierRun: true)
            trouble?.blockedCount = left.records.count(where: { $0.event.kind != .detach && $0.event.decision == .block })
            recoverLedger()
        }
    }

    private func scheduleLedgerRetry() {
        guard let current = trouble, !current.retryScheduled else { return }
        trouble?.retryScheduled = true
        let wait = current.wait
        Task { [weak self] in
            try? await Task.sleep(for: wait)
            await self?.retryLedger()
        }
    }

    private func retryLedger() {
        guard trouble != nil else { return }
        trouble?.retryScheduled = false
        guard !recoverLedger() else { return }
        if let wait = trouble?.wait { trouble?.wait = min(wait * 2, StorageTrouble.longestWait) }
        scheduleLedgerRetry()
    }
}
