import GRDB

/// What the guard itself changes in the ledger's media, each in the admin trail as mediad's change:
/// a level raised by use on a higher computer, a capacity learnt on first use.
extension GuardRecorder {
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
        try recordLearnt(db, .levelRaised, number: medium.number, note: "level=\(level.rawValue)", computer: host.assetNumber, at: at)
    }

    /// What the guard changed in a medium, as a record of its own: on an enrolled computer it is how
    /// the hub learns it, and decides it for the unit (`UnitLearning`).
    static func recordLearnt(_ db: Database, _ kind: GuardEventKind, number: String, note: String, computer: String?,
                             at: Timestamp) throws {
        var event = GuardEvent(at: at, kind: kind)
        event.mediumNumber = number
        event.computer = computer
        event.note = note
        _ = try GuardRows.insert(db, event: event)
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
            try Self.recordLearnt(db, .capacityLearnt, number: number, note: "capacity-bytes=\(bytes)",
                                  computer: try Ledger.thisHost(db)?.assetNumber, at: at)
        }
    }
}
