import AssetCore
import HardwareProbe
import Logging

/// A device to decide, and what is already known of it (read ahead by the monitor), if anything.
struct DecisionRequest: Sendable {
    var syspath: String
    var kind: GuardEventKind
    var observed: ObservedDevice? = nil
}

/// The only place decisions are made: a device is read, judged by the policy, recorded, and only
/// then enforced. Everything that can fail on the way fails closed.
actor Guard {
    let recorder: GuardRecorder
    let config: GuardConfig
    let reader: ObservationReader
    let authorizer: SysfsAuthorizer
    let clock: WallClock
    let logger: Logger
    let broadcaster: Broadcaster
    let startedAt: Timestamp

    /// The devices decided and present, with their identities (DeviceState.swift).
    private(set) var decided = DeviceTable() {
        didSet { live.setDevices(decided.count) }
    }
    /// What status requests read without waiting for this actor (LiveStatus.swift).
    nonisolated let live = LiveStatus()
    /// Allow-once overrides in force.
    var overrides = Overrides()
    var lastHeartbeat = Timestamp(secondsSinceEpoch: 0)
    /// The network-link source (nil when rtnetlink could not be opened) and the verdict each link is under.
    let links: LinkWatch?
    var linkVerdicts: [Int: LinkVerdict] = [:]
    /// When the netlink message being handled reached mediad (for the cut latency in the log).
    var receivedAt: ContinuousClock.Instant?
    /// Interfaces and disks seen before their USB device was decided, held until it is.
    var heldChildren = HeldChildren()
    /// The kernel audit log's copy of each verdict (Audit/KernelAudit.swift); nil when off or unavailable.
    let audit: KernelAudit?
    /// The records the ledger could not take, and the trouble while it lasts (GuardStorage.swift).
    var spool: LedgerSpool {
        didSet { live.setTrouble(ledgerTrouble) }
    }
    var trouble: StorageTrouble? {
        didSet { live.setTrouble(ledgerTrouble) }
    }

    init(recorder: GuardRecorder, config: GuardConfig, reader: ObservationReader = ObservationReader(),
         authorizer: SysfsAuthorizer = SysfsAuthorizer(), clock: WallClock = .system, logger: Logger,
         broadcaster: Broadcaster = Broadcaster(), links: sending LinkWatch? = nil, audit: KernelAudit? = nil) {
        self.recorder = recorder
        self.config = config
        self.reader = reader
        self.authorizer = authorizer
        self.clock = clock
        self.logger = logger
        self.broadcaster = broadcaster
        self.links = links
        self.audit = audit
        self.startedAt = clock.now()
        self.spool = LedgerSpool(path: config.spoolPath, ledger: config.database)
    }

    /// Decides a USB device: present at start, plugged in, or changed.
    func decide(syspath: String, kind: GuardEventKind) {
        decide([DecisionRequest(syspath: syspath, kind: kind)])
    }

    /// The most devices judged in one ledger transaction: enough to amortise the commit over a
    /// burst, few enough that the first device of a 10,000-device burst is not kept waiting for
    /// the last one's sysfs reads.
    static let groupLimit = 64

    /// Decides a group of USB devices: each is read, then all are judged and recorded in one
    /// ledger transaction, and only then enforced, in the order given (parents before children).
    /// If the ledger cannot take the records, every device of the group is blocked.
    func decide(_ requests: [DecisionRequest]) {
        var observed: [(read: ObservedDevice, kind: GuardEventKind)] = []
        observed.reserveCapacity(requests.count)
        for request in requests {
            let syspath = request.syspath
            // A new decision ends any override: it was granted for the device as it was.
            overrides.end(syspath)
            do {
                let read = try request.observed ?? reader.read(syspath: syspath)
                if !read.observation.isRootHub { observed.append((read, request.kind)) }
            } catch {
                // Gone already, or unreadable: nothing can be known, so nothing is allowed.
                logger.warning("cannot read USB device; keeping it blocked", metadata: ["MEDIA_SYSPATH": "\(syspath)", "ERROR": "\(error)"])
                try? authorizer.setAuthorized(false, syspath: syspath)
            }
        }
        let twins = twinPorts(&observed)
        var start = 0
        while start < observed.count {
            let end = min(start + Self.groupLimit, observed.count)
            judge(observed[start..<end], twins: twins)
            start = end
        }
    }

    /// Rule 6, clones: for each device that shares its identity with another present device (decided
    /// before, or in the same group), the other's port, by syspath. A device decided before is read
    /// again and appended to `observed` to be judged again (`recheck`): both are blocked.
    private func twinPorts(_ observed: inout [(read: ObservedDevice, kind: GuardEventKind)]) -> [String: String] {
        var twins: [String: String] = [:]
        var group = PresentIdentities()
        var again: [(read: ObservedDevice, kind: GuardEventKind)] = []
        for (read, _) in observed {
            let device = read.observation
            guard device.canStore, device.identityKey != nil else { continue }
            for other in group.others(sharing: device) {
                twins[device.syspath] = USBTopology.sysname(other)
                twins[other] = device.port
            }
            for other in decided.others(sharing: device) where twins[other] == nil {
                twins[device.syspath] = USBTopology.sysname(other)
                twins[other] = device.port
                if let reread = try? reader.read(syspath: other) { again.append((reread, .recheck)) }
            }
            group.update(device)
        }
        observed += again
        return twins
    }

    private func judge(_ group: ArraySlice<(read: ObservedDevice, kind: GuardEventKind)>, twins: [String: String]) {
        // While the ledger fails, the spool is written first, so that records keep their order;
        // if it cannot be, neither can these verdicts.
        guard recoverLedger() else {
            blockUnrecorded(group, reason: troubleReason)
            return
        }
        let judged: [Judgement]
        do {
            judged = try recorder.judge(group.map { ($0.read.observation, $0.kind) }, at: clock.now(), config: config,
                                        twins: twins)
        } catch {
            // A verdict that cannot be recorded is not carried out: block, spool, say so loudly.
            blockUnrecorded(group, reason: error.message.en)
            return
        }
        // `judge` keeps the group's order, one judgement per device.
        for ((read, _), judgement) in zip(group, judged) {
            let device = judgement.device
            broadcaster.publish(WatchItem(event: judgement.event, violations: judgement.verdict.violations))
            enforce(device, judgement.verdict, in: read.directory)
            remember(device, judgement.verdict)
            log(device, judgement.verdict, kind: judgement.kind)
            releaseHeldChildren(of: device.syspath)
        }
    }

    /// Writes the verdict to sysfs. Audit mode authorizes everything (and has recorded what enforce
    /// mode would have done). In enforce mode blocked interfaces are closed before the device opens.
    /// With the directory the device was read from, the writes go through it (see `ObservedDevice`).
    func enforce(_ device: USBDeviceObservation, _ verdict: Verdict, in directory: SysfsDirectory? = nil) {
        if verdict.audited {
            write(true, device.syspath, in: directory)
            return
        }
        guard verdict.decision == .allow else {
            write(false, device.syspath, in: directory)
            return
        }
        for interface in verdict.interfaces where interface.decision == .block {
            write(false, interface.syspath, in: directory)
        }
        write(true, device.syspath, in: directory)
        for interface in verdict.interfaces where interface.decision == .allow {
            write(true, interface.syspath, in: directory)
        }
    }

    func write(_ authorized: Bool, _ syspath: String, in directory: SysfsDirectory? = nil) {
        do {
            try authorizer.setAuthorized(authorized, syspath: syspath, through: directory)
        } catch {
            logger.error("cannot write authorized", metadata: ["MEDIA_SYSPATH": "\(syspath)", "VALUE": "\(authorized ? 1 : 0)",
                                                                "ERROR": "\(error)"])
        }
    }


    /// The block device of an allowed medium appeared: its capacity can now be compared with the
    /// registration (a cloned serial on other hardware).
    func recheckCapacity(of syspath: String) {
        guard let known = decided[syspath], known.verdict.decision == .allow, let medium = known.verdict.medium,
              let device = try? reader.observe(syspath: syspath) else { return }
        if let seen = Policy.capacityToLearn(device, medium: medium) {
            learnCapacity(medium, seen, syspath: syspath)
            return
        }
        guard var verdict = Policy.recheck(device, previous: known.verdict, config: config) else { return }
        let now = clock.now()
        do throws(LedgerError) {
            try ledgerReady()
            // The facts are read, never made up: if the ledger cannot be read, the record cannot be
            // written either, and the device is blocked below.
            let facts = try recorder.facts(for: device, today: now.localDay)
            let event = try recorder.record(device, verdict: verdict, kind: .recheck, facts: facts, at: now, config: config)
            broadcaster.publish(WatchItem(event: event, violations: verdict.violations))
        } catch {
            logger.critical("cannot record a capacity mismatch; blocking the device", metadata: metadata(device, verdict, ["ERROR": "\(error.message.en)"]))
            beginTrouble(error.message.en, at: now)
            spoolBlocked(device, kind: .recheck, at: now)
            verdict = Verdict(decision: .block)
        }
        if !verdict.audited && verdict.decision == .block { write(false, syspath) }
        remember(device, verdict)
        log(device, verdict, kind: .recheck)
    }

    private func learnCapacity(_ medium: Medium, _ bytes: UInt64, syspath: String) {
        do {
            try recorder.learnCapacity(of: medium.number, bytes: bytes, at: clock.now())
            // Its record (capacity-learnt) is owed to the hub: a courier holding `await-outbox`
            // takes it now rather than at its next timeout.
            broadcaster.records.notify()
            decided.learnt(capacity: bytes, for: syspath)
            logger.info("learnt the capacity of a registered medium", metadata: ["MEDIA_NUMBER": "\(medium.number)",
                                                                                  "MEDIA_CAPACITY": "\(bytes)"])
        } catch {
            logger.error("cannot record a medium's capacity", metadata: ["MEDIA_NUMBER": "\(medium.number)", "ERROR": "\(error.message.en)"])
        }
    }

    /// A decided device, and its identity among those present.
    func remember(_ device: USBDeviceObservation, _ verdict: Verdict) {
        decided.remember(device, verdict)
    }

    func forget(_ syspath: String) {
        _ = heldChildren.release(syspath)
        overrides.end(syspath)
        trouble?.blocked.remove(syspath)
        guard let known = decided.remove(syspath) else { return }
        do throws(LedgerError) {
            try ledgerReady()
            broadcaster.publish(WatchItem(event: try recorder.recordDetach(known.observation, at: clock.now()), violations: []))
        } catch {
            logger.error("cannot record a detach; spooled", metadata: metadata(known.observation, nil, ["ERROR": "\(error.message.en)"]))
            spool(GuardRecorder.spooledDetach(known.observation, at: clock.now()), error: error)
        }
        logger.info("device removed", metadata: metadata(known.observation, known.verdict, [:]))
    }

    /// One structured line per verdict; journald fields MEDIA_* let an officer filter by medium.
    func log(_ device: USBDeviceObservation, _ verdict: Verdict, kind: GuardEventKind) {
        let word = verdict.audited ? "audited (would \(verdict.decision.rawValue))" : verdict.decision.rawValue
        let text = "\(kind.rawValue): \(word) \(device.vendorID):\(device.productID) at \(device.port)"
            + (verdict.violations.isEmpty ? "" : " — " + verdict.violations.map(\.reason.en).joined(separator: "; "))
        let level: Logger.Level = verdict.violations.isEmpty ? .info : .warning
        logger.log(level: level, "\(SafeText.escape(text))", metadata: metadata(device, verdict, [:]))
        audit?.record(.verdict(device, verdict, kind: kind))
    }

    func metadata(_ device: USBDeviceObservation, _ verdict: Verdict?, _ extra: [String: String]) -> Logger.Metadata {
        var fields: Logger.Metadata = ["MEDIA_SYSPATH": "\(device.syspath)", "MEDIA_PORT": "\(device.port)",
                                       "MEDIA_VENDOR": "\(device.vendorID)", "MEDIA_PRODUCT": "\(device.productID)"]
        if let serial = device.serial { fields["MEDIA_SERIAL"] = "\(serial)" }
        if let verdict {
            fields["MEDIA_DECISION"] = "\(verdict.audited ? "audit" : verdict.decision.rawValue)"
            if let number = verdict.medium?.number { fields["MEDIA_NUMBER"] = "\(number)" }
            if !verdict.violations.isEmpty {
                fields["MEDIA_VIOLATION"] = "\(verdict.violations.map(\.type.rawValue).joined(separator: ","))"
            }
        }
        for (key, value) in extra { fields[key] = "\(value)" }
        return fields
    }
}
