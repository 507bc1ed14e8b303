import GRDB

/// The daemon's side of the ledger: the facts a decision needs, read at once, and the record of what
/// was seen and decided, written at once. Kept apart from `InventoryService` because the daemon is
/// not a user: it needs no role, and it must never be refused by one.
public struct GuardRecorder: Sendable {
    public let store: LedgerStore

    public init(store: LedgerStore) {
        self.store = store
    }

    /// Everything `Policy.decide` needs about a device, in one read transaction.
    public func facts(for device: USBDeviceObservation, today: Day) throws(LedgerError) -> PolicyFacts {
        try store.read { db in try Self.facts(db, for: device, host: try Ledger.thisHost(db), today: today) }
    }

    static func facts(_ db: Database, for device: USBDeviceObservation, host: Computer?, today: Day,
                      twinPort: String? = nil) throws -> PolicyFacts {
        var medium: Medium? = nil
        if let serial = device.serial {
            medium = try Ledger.medium(db, vendorID: device.vendorID, productID: device.productID, serial: serial)
        }
        let holder = try medium.flatMap { try Ledger.person(db, id: $0.holder) }
        // Read only where the rule can apply: a registered medium on a key-area computer.
        let approver = try host?.keyArea == true ? medium.flatMap { try Ledger.keyAreaApprover(db, number: $0.number) } : nil
        return PolicyFacts(host: host, medium: medium, holder: holder, today: today, twinPort: twinPort,
                           keyAreaApprover: approver)
    }

    /// Stores a verdict and its violations in one transaction, before the verdict is enforced.
    /// Returns the stored event.
    @discardableResult
    public func record(_ device: USBDeviceObservation, verdict: Verdict, kind: GuardEventKind, facts: PolicyFacts,
                       at: Timestamp, config: GuardConfig) throws(LedgerError) -> GuardEvent {
        try store.write { db in
            try Self.insert(db, device, verdict: verdict, kind: kind, facts: facts, at: at, config: config)
        }
    }

    static func insert(_ db: Database, _ device: USBDeviceObservation, verdict: Verdict, kind: GuardEventKind,
                       facts: PolicyFacts, at: Timestamp, config: GuardConfig) throws -> GuardEvent {
        var event = Self.event(for: device, kind: kind, at: at, host: facts.host)
        event.decision = verdict.decision
        event.audited = verdict.audited
        event.mediumNumber = verdict.medium?.number
        event.holder = verdict.medium?.holder
        event.stores = device.canStore
        event.observation = device
        let id = try GuardRows.insert(db, event: event)
        if let level = verdict.raiseTo, let medium = verdict.medium, let host = facts.host {
            try raise(db, medium, to: level, on: host, eventID: id, at: at)
        }
        for violation in verdict.violations {
            var record = ViolationRecord(at: at, type: violation.type, severity: violation.severity,
                                         outcome: .of(violation.type, audited: verdict.audited, config: config),
                                         reason: violation.reason)
            record.eventID = id
            record.computer = facts.host?.assetNumber
            record.mediumNumber = verdict.medium?.number
            record.person = verdict.medium.map { $0.borrower ?? $0.holder }
            record.serial = device.serial
            record.device = event.device
            _ = try GuardRows.insert(db, violation: record)
        }
        event.id = id
        return event
    }

    /// 004 §3.3, 000 §5.2.1: the medium was used on a computer of a higher level, so from now on it
    /// is managed at that level. A reclassification in its movement record and a trail row, both by
    /// mediad, naming the computer and the attach event.
    static func raise(_ db: Database, _ medium: Medium, to level: Level, on host: Computer, eventID: Int64,
                      at: Timestamp) throws {
        guard var current = try Ledger.medium(db, number: medium.number), current.level < level else { return }
        let before = current.level
        current.level = level
        try Ledger.update(db, medium: current)
        var movement = Movement(number: medium.number, kind: .reclassify, at: at, actor: daemon)
        movement.fromLevel = before
        movement.toLevel = level
        movement.reason = "used on \(host.assetNumber) (\(host.level.name(.zh)) \(host.level.rawValue)), device event #\(eventID): "
            + "managed at that level from now on (004 §3.3)"
        try Ledger.insert(db, movement: movement)
        try AuditTrail.append(db, TrailEntry(at: at, actor: daemon, action: "raise-level", entity: "medium",
                                             entityKey: medium.number, field: "level", oldValue: before.rawValue,
                                             newValue: "\(level.rawValue) (used on \(host.assetNumber), device event #\(eventID))"))
    }

    @discardableResult
    public func recordDetach(_ device: USBDeviceObservation, at: Timestamp) throws(LedgerError) -> GuardEvent {
        try store.write { db in
            var event = Self.event(for: device, kind: .detach, at: at, host: try Ledger.thisHost(db))
            event.observation = nil
            event.id = try GuardRows.insert(db, event: event)
            return event
        }
    }

    /// An administrator's allow-once: the event, and a row in the admin trail naming who and why.
    @discardableResult
    public func recordOverride(_ device: USBDeviceObservation, kind: GuardEventKind, by actor: Actor, until: Timestamp?,
                               note: String, at: Timestamp) throws(LedgerError) -> GuardEvent {
        try store.write { db in
            var event = Self.event(for: device, kind: kind, at: at, host: try Ledger.thisHost(db))
            event.note = note
            event.decision = kind == .allowOnce ? .allow : nil
            event.id = try GuardRows.insert(db, event: event)
            try AuditTrail.append(db, TrailEntry(at: at, actor: actor, action: kind.rawValue, entity: "device",
                                                 entityKey: "\(device.vendorID):\(device.productID):\(device.serial ?? "")@\(device.port)",
                                                 field: "authorized", oldValue: nil,
                                                 newValue: until.map { "1 until \($0): \(note)" } ?? note))
            return event
        }
    }

    /// Start-up: if the previous run never recorded its stop, the time since its last sign of life is
    /// a gap in the watch, recorded before the new start. A gap, a start weakened on a classified
    /// computer (audit mode, no lockdown) and a host record that breaks physical isolation are each
    /// an open violation (M18), for an officer to acknowledge like any other.
    @discardableResult
    public func recordStart(at: Timestamp, note: String, config: GuardConfig) throws(LedgerError) -> [GuardEvent] {
        try store.write { db in
            var recorded: [GuardEvent] = []
            let host = try Ledger.thisHost(db)
            let last = try String.fetchOne(db, sql: """
                SELECT kind FROM device_event WHERE kind IN ('guard-start', 'guard-stop') ORDER BY id DESC LIMIT 1
                """)
            if last == GuardEventKind.guardStart.rawValue {
                let since = try String.fetchOne(db, sql: "SELECT value FROM guard_state WHERE key = 'heartbeat'")
                    ?? String.fetchOne(db, sql: "SELECT at FROM device_event WHERE kind = 'guard-start' ORDER BY id DESC LIMIT 1")
                var gap = GuardEvent(at: at, kind: .guardGap)
                gap.computer = try Ledger.thisHost(db)?.assetNumber
                gap.note = "unguarded since \(since ?? "unknown") (last sign of life): mediad did not stop cleanly"
                gap.id = try GuardRows.insert(db, event: gap)
                recorded.append(gap)
                try Self.insertGuardViolation(db, Violation(type: .guardGap, severity: .high, reason: Bilingual(
                    zh: "监控中断：自 \(since ?? "未知时间") 起（最后一次存活记录）未受监控，mediad 未正常停止（被强制结束或断电）",
                    en: "gap in the watch: unguarded since \(since ?? "unknown") (last sign of life); mediad did not stop cleanly (killed, or power lost)")),
                    event: gap, host: host)
            }
            var start = GuardEvent(at: at, kind: .guardStart)
            start.computer = host?.assetNumber
            start.note = note
            start.id = try GuardRows.insert(db, event: start)
            recorded.append(start)
            if let weakness = config.weakness(on: host) {
                try Self.insertGuardViolation(db, Violation(type: .guardWeakened, severity: .high, reason: weakness),
                                              event: start, host: host)
            }
            if let problem = host?.isolationProblem {
                try Self.insertGuardViolation(db, Violation(type: .classifiedOnline, severity: .critical, reason: problem),
                                              event: start, host: host)
            }
            try Self.beat(db, at)
            return recorded
        }
    }

    /// A violation about the guard or this computer rather than a device: nothing is blocked by it.
    static func insertGuardViolation(_ db: Database, _ violation: Violation, event: GuardEvent, host: Computer?) throws {
        var record = ViolationRecord(at: event.at, type: violation.type, severity: violation.severity, outcome: .logged,
                                     reason: violation.reason)
        record.eventID = event.id
        record.computer = host?.assetNumber
        _ = try GuardRows.insert(db, violation: record)
    }

    /// Stop: the event, and when the stop was asked for (a signal from a person or from systemd), a
    /// `guard-stopped` violation naming who asked.
    @discardableResult
    public func recordStop(at: Timestamp, note: String, requestedBy request: StopRequest?) throws(LedgerError) -> GuardEvent {
        try store.write { db in
            let host = try Ledger.thisHost(db)
            var event = GuardEvent(at: at, kind: .guardStop)
            event.computer = host?.assetNumber
            event.note = request.map { "\(note); \($0.description)" } ?? note
            event.id = try GuardRows.insert(db, event: event)
            if let request {
                try Self.insertGuardViolation(db, request.violation, event: event, host: host)
            }
            return event
        }
    }

    /// This computer's record, for the network profile.
    public func host() throws(LedgerError) -> Computer? {
        try store.read(Ledger.thisHost)
    }

    /// A link verdict and its violations, in one transaction, before the link is cut. `action` says
    /// what will be done about it (stored with the event, so the record says what was cut).
    @discardableResult
    public func recordLink(_ link: LinkObservation, verdict: LinkVerdict, kind: GuardEventKind, action: String?,
                           host: Computer?, at: Timestamp, config: GuardConfig) throws(LedgerError) -> GuardEvent {
        try store.write { db in
            var event = GuardEvent(at: at, kind: kind)
            event.computer = host?.assetNumber
            event.port = link.name
            event.syspath = link.usb?.syspath
            event.vendorID = link.usb?.vendorID
            event.productID = link.usb?.productID
            event.serial = link.usb?.serial
            event.device = "\(link.kind.rawValue) \(link.name)" + (link.mac.map { " \($0)" } ?? "")
            if kind == .link { event.decision = verdict.decision == .cut ? .block : .allow }
            event.audited = verdict.audited
            let addresses = link.addresses.filter(\.isConfigured).map { "\($0.address)/\($0.prefixLength)" }
            var note = "evidence \(verdict.evidence.rawValue); \(link.up ? "up" : "down"), carrier \(link.carrier ? "on" : "off")"
            if !addresses.isEmpty { note += ", addresses " + addresses.joined(separator: " ") }
            if link.hasDefaultRouteIPv4 || link.hasDefaultRouteIPv6 { note += ", default route" }
            if let action { note += "; " + action }
            event.note = note
            event.id = try GuardRows.insert(db, event: event)
            // A link's removal is an event, not a new violation.
            for violation in kind == .link ? verdict.violations : [] {
                let type = ViolationType(violation.type)
                var record = ViolationRecord(at: at, type: type, severity: violation.severity,
                                             outcome: .of(type, audited: verdict.audited, config: config),
                                             reason: violation.reason)
                record.eventID = event.id
                record.computer = host?.assetNumber
                record.serial = link.usb?.serial
                record.device = event.device
                _ = try GuardRows.insert(db, violation: record)
            }
            return event
        }
    }

    /// The guard's sign of life.
    public func heartbeat(at: Timestamp) throws(LedgerError) {
        try store.write { db in try Self.beat(db, at) }
    }

    private static func beat(_ db: Database, _ at: Timestamp) throws {
        try db.execute(sql: """
            INSERT INTO guard_state (key, value) VALUES ('heartbeat', ?1) ON CONFLICT(key) DO UPDATE SET value = ?1
            """, arguments: [at.description])
    }

    /// What `mediactl status` counts.
    public typealias Counts = (host: Computer?, media: Int, openViolations: Int, lastEvent: GuardEvent?)

    public func counts() throws(LedgerError) -> Counts {
        try store.read { db in
            (try Ledger.thisHost(db),
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM medium") ?? 0,
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM violation WHERE status = 'open'") ?? 0,
             try Row.fetchOne(db, sql: "SELECT * FROM device_event ORDER BY id DESC LIMIT 1").map(GuardRows.event))
        }
    }

    /// The first time a registered medium without a recorded capacity is allowed and its disk
    /// appears, its capacity is written into the ledger (trust on first use), so a clone of its
    /// serial on other hardware is caught from then on. Recorded in the admin trail as mediad's change.
    public func learnCapacity(of number: String, bytes: UInt64, at: Timestamp) throws(LedgerError) {
        try store.write { db in
            guard var medium = try Ledger.medium(db, number: number), var identity = medium.identity,
                  identity.capacityBytes == nil else { return }
            identity.capacityBytes = bytes
            medium.identity = identity
            try Ledger.update(db, medium: medium)
            try AuditTrail.append(db, TrailEntry(at: at, actor: Self.daemon, action: "learn-capacity", entity: "medium",
                                                 entityKey: number, field: "capacity_bytes", oldValue: nil,
                                                 newValue: String(bytes)))
        }
    }

    /// How the daemon appears in the admin trail.
    public static let daemon = Actor(uid: 0, name: "mediad")

    /// Guard stop (and other events about the guard itself).
    @discardableResult
    public func recordGuard(_ kind: GuardEventKind, at: Timestamp, note: String) throws(LedgerError) -> GuardEvent {
        try store.write { db in
            var event = GuardEvent(at: at, kind: kind)
            event.computer = try Ledger.thisHost(db)?.assetNumber
            event.note = note
            event.id = try GuardRows.insert(db, event: event)
            return event
        }
    }

    static func event(for device: USBDeviceObservation, kind: GuardEventKind, at: Timestamp, host: Computer?) -> GuardEvent {
        var event = GuardEvent(at: at, kind: kind)
        event.computer = host?.assetNumber
        event.syspath = device.syspath
        event.port = device.port
        event.vendorID = device.vendorID
        event.productID = device.productID
        event.serial = device.serial
        let name = [device.manufacturer, device.product].compactMap { $0 }.joined(separator: " ")
        event.device = name.isEmpty ? nil : name
        return event
    }
}
