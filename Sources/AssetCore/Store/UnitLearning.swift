import GRDB

/// What a computer's guard learnt about the unit's media, taken into the unit ledger at the hub with
/// the rules a single computer applies to itself: a capacity only where none is recorded (trust on
/// first use), a level only ever raised (004 §3.3), a medium plugged in during the unit's open check
/// seen by that check. The hub decides; the change then reaches every computer as a change set.
public enum UnitLearning {
    /// Takes one record the hub has just accepted from `computer` (anything else is left alone).
    public static func take(_ db: Database, _ record: ChainedRecord, computer: String) throws {
        guard record.table == "device_event", let fields = try? LedgerCapture.decode(record.content) else { return }
        func text(_ key: String) -> String? { if case .text(let value)? = fields[key] { value } else { nil } }
        guard let kind = text("kind").flatMap(GuardEventKind.init(rawValue:)), let number = text("medium_number"),
              var medium = try Ledger.medium(db, number: number) else { return }
        let actor = Actor(uid: 0, name: "mediad@\(computer)")
        let at = text("at").flatMap(Timestamp.init(parsing:)) ?? record.at
        let value = text("note").flatMap { $0.split(separator: "=", maxSplits: 1).last.map(String.init) }
        switch kind {
        case .attach, .recheck:
            let decision = text("decision").flatMap(Decision.init(rawValue:))
            try db.execute(sql: """
                INSERT OR IGNORE INTO check_sighting (check_id, number, at, how, decision, event_id, actor_name)
                SELECT id, ?, ?, 'plugged', ?, NULL, ? FROM media_check WHERE state = 'open'
                """, arguments: [number, at.description, decision?.rawValue, actor.name])
        case .capacityLearnt:
            guard let bytes = value.flatMap(UInt64.init), var identity = medium.identity, identity.capacityBytes == nil else { return }
            identity.capacityBytes = bytes
            medium.identity = identity
            try Ledger.update(db, medium: medium)
            try AuditTrail.append(db, TrailEntry(at: at, actor: actor, action: "learn-capacity", entity: "medium", entityKey: number,
                                                 field: "capacity_bytes", oldValue: nil,
                                                 newValue: "\(bytes) (learnt on \(computer), record \(record.seq))"))
        case .levelRaised:
            guard let level = value.flatMap(Level.init(rawValue:)), medium.level < level,
                  let host = try Ledger.computer(db, assetNumber: computer) else { return }
            let before = medium.level
            medium.level = level
            try Ledger.update(db, medium: medium)
            var movement = Movement(number: number, kind: .reclassify, at: at, actor: actor)
            movement.fromLevel = before
            movement.toLevel = level
            movement.reason = "used on \(host.assetNumber) (\(host.level.name(.zh)) \(host.level.rawValue)), its record \(record.seq): "
                + "managed at that level from now on (004 §3.3)"
            try Ledger.insert(db, movement: movement)
            try AuditTrail.append(db, TrailEntry(at: at, actor: actor, action: "raise-level", entity: "medium", entityKey: number,
                                                 field: "level", oldValue: before.rawValue,
                                                 newValue: "\(level.rawValue) (used on \(computer), record \(record.seq))"))
        default:
            return
        }
    }
}
