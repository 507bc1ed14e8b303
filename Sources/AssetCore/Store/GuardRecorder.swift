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
        try store.read { db in
            let host = try Ledger.thisHost(db)
            var medium: Medium? = nil
            if let serial = device.serial {
                medium = try Ledger.medium(db, vendorID: device.vendorID, productID: device.productID, serial: serial)
            }
            let holder = try medium.flatMap { try Ledger.person(db, id: $0.holder) }
            return PolicyFacts(host: host, medium: medium, holder: holder, today: today)
        }
    }

    /// Stores a verdict and its violations in one transaction, before the verdict is enforced.
    /// Returns the event's id.
    @discardableResult
    public func record(_ device: USBDeviceObservation, verdict: Verdict, kind: GuardEventKind, facts: PolicyFacts,
                       at: Timestamp, config: GuardConfig) throws(LedgerError) -> Int64 {
        try store.write { db in
            var event = Self.event(for: device, kind: kind, at: at, host: facts.host)
            event.decision = verdict.decision
            event.audited = verdict.audited
            event.mediumNumber = verdict.medium?.number
            event.holder = verdict.medium?.holder
            event.stores = device.interfaces.contains { [.storage, .recording].contains(InterfaceRole.of($0)) }
            event.observation = device
            let id = try GuardRows.insert(db, event: event)
            for violation in verdict.violations {
                var record = ViolationRecord(at: at, type: violation.type, severity: violation.severity,
                                             outcome: verdict.audited ? .audited
                                                 : config.action(for: violation.type) == .block ? .blocked : .logged,
                                             reason: violation.reason)
                record.eventID = id
                record.computer = facts.host?.assetNumber
                record.mediumNumber = verdict.medium?.number
                record.person = verdict.medium.map { $0.borrower ?? $0.holder }
                record.serial = device.serial
                record.device = event.device
                _ = try GuardRows.insert(db, violation: record)
            }
            return id
        }
    }

    public func recordDetach(_ device: USBDeviceObservation, at: Timestamp) throws(LedgerError) {
        try store.write { db in
            var event = Self.event(for: device, kind: .detach, at: at, host: try Ledger.thisHost(db))
            event.observation = nil
            _ = try GuardRows.insert(db, event: event)
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

    /// Guard start, stop and gaps.
    public func recordGuard(_ kind: GuardEventKind, at: Timestamp, note: String) throws(LedgerError) {
        try store.write { db in
            var event = GuardEvent(at: at, kind: kind)
            event.computer = try Ledger.thisHost(db)?.assetNumber
            event.note = note
            _ = try GuardRows.insert(db, event: event)
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
