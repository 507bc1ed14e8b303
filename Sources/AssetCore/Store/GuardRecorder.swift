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
        // Read only for a device that is no medium and has an interface a peripheral shows.
        let peripheral = medium == nil && device.interfaces.contains(where: { Self.peripheralClasses.contains($0.interfaceClass) })
            ? try HardwareRows.peripheral(db, vendorID: device.vendorID, productID: device.productID, serial: device.serial)
            : nil
        return PolicyFacts(host: host, medium: medium, holder: holder, today: today, twinPort: twinPort,
                           keyAreaApprover: approver, peripheral: peripheral)
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
        if let medium = verdict.medium, kind == .attach || kind == .recheck,
           !verdict.violations.contains(where: { $0.type == .identityMismatch || $0.type == .duplicateIdentity }) {
            // 清查核对: plugged in while a check is open, the medium is seen, blocked or not. A device
            // that may be a clone is not the medium, so it proves nothing.
            try CheckRows.seePlugged(db, number: medium.number, at: at, decision: verdict.decision, eventID: id)
        }
        event.id = id
        return event
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

    /// This computer's record, for the network profile.
    public func host() throws(LedgerError) -> Computer? {
        try store.read(Ledger.thisHost)
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

    /// Printer, still image, video, and vendor-specific (most scanners): the classes a registered
    /// peripheral may show.
    static let peripheralClasses: Set<UInt8> = [0x07, 0x06, 0x0E, 0xFF]

    /// How the daemon appears in the admin trail.
    public static let daemon = Actor(uid: 0, name: "mediad")

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
