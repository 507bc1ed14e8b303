import Foundation
import GRDB

/// This computer as a member of the unit: its enrolment, the unit ledger rows it holds as a replica
/// and the hub's receipts. Every payload is opened here against the pinned unit key; nothing is
/// written unless all of it is good.
enum ReplicaRows {
    static func membership(_ db: Database) throws -> UnitMembership? {
        guard let row = try Row.fetchOne(db, sql: """
            SELECT unit, unit_key, hub, computer, enrolled_at, ledger_version, acknowledged_seq, acknowledged_hash, last_change_at
            FROM unit_membership WHERE id = 1
            """) else { return nil }
        var membership = UnitMembership(unit: row[0], unitKey: row[1], computer: row[3],
                                        enrolledAt: try Rows.timestamp(row, 4, "enrolled_at"), ledgerVersion: row[5],
                                        head: try RecordChainRows.head(db).seq, acknowledged: row[6],
                                        acknowledgedHash: row[7], lastChangeAt: (row[8] as String?).flatMap(Timestamp.init(parsing:)))
        membership.hub = row[2]
        return membership
    }

    /// Pins the unit's key. Joining again the same unit (a new key after re-enrolment) keeps the
    /// ledger version and receipts; another unit is refused while this one is held.
    static func join(_ db: Database, _ answer: EnrolmentAnswer, at: Timestamp) throws {
        guard UnitKey.publicKey(answer.unitKey) != nil else { throw UnitError.badKey(answer.unitKey) }
        guard !answer.unit.isEmpty, !answer.computer.isEmpty else { throw UnitError.malformed("the answer names no unit or computer") }
        if let held = try membership(db) {
            guard held.unit == answer.unit else { throw UnitError.alreadyEnrolled(unit: held.unit) }
            try db.execute(sql: "UPDATE unit_membership SET unit_key = ?, hub = ?, computer = ?, enrolled_at = ? WHERE id = 1",
                           arguments: [answer.unitKey, answer.hub, answer.computer, at.description])
        } else {
            try db.execute(sql: """
                INSERT INTO unit_membership (id, unit, unit_key, hub, computer, enrolled_at, ledger_version, acknowledged_seq, acknowledged_hash)
                VALUES (1, ?, ?, ?, ?, ?, 0, 0, ?)
                """, arguments: [answer.unit, answer.unitKey, answer.hub, answer.computer, at.description, RecordChain.genesis])
        }
    }

    /// Opens `payload` (a change set or a snapshot), checks it continues the replica, and writes its
    /// rows. Returns the change set applied. Runs inside the caller's transaction: a throw leaves
    /// nothing written.
    static func apply(_ db: Database, _ payload: SignedPayload, at: Timestamp) throws -> ChangeSet {
        guard let held = try membership(db) else { throw UnitError.notEnrolled }
        let change: ChangeSet
        switch payload.kind {
        case .changeSet:
            change = try payload.open(ChangeSet.self, as: .changeSet, trusting: held.unitKey)
        case .snapshot:
            change = try payload.open(ChangeSet.self, as: .snapshot, trusting: held.unitKey)
        default:
            throw UnitError.wrongKind(expected: .changeSet, got: payload.kind)
        }
        guard change.unit == held.unit else { throw UnitError.otherUnit(expected: held.unit, got: change.unit) }
        let isSnapshot = payload.kind == .snapshot
        if isSnapshot {
            guard change.to > held.ledgerVersion else { throw UnitError.versionMismatch(held: held.ledgerVersion, from: change.to) }
        } else {
            guard change.from == held.ledgerVersion, change.to == change.from + 1 else {
                throw UnitError.versionMismatch(held: held.ledgerVersion, from: change.from)
            }
        }
        var writer = try ReplicaWriter(db)
        try writer.write(change.rows)
        if isSnapshot { try writer.removeAbsent() }
        try finish(db, held, to: change.to, at: at)
        return change
    }

    /// What every applied change ends with: this computer is the one it enrolled as, whatever the
    /// rows said, and the replica holds version `to`.
    static func finish(_ db: Database, _ held: UnitMembership, to version: Int64, at: Timestamp) throws {
        try db.execute(sql: "UPDATE computer SET is_this_host = 0 WHERE is_this_host = 1 AND asset_number <> ?", arguments: [held.computer])
        try db.execute(sql: "UPDATE computer SET is_this_host = 1 WHERE asset_number = ?", arguments: [held.computer])
        try db.execute(sql: "UPDATE unit_membership SET ledger_version = ?, last_change_at = ? WHERE id = 1",
                       arguments: [version, at.description])
    }

    /// The columns a replica takes from the hub, per table: the table's own, less this computer's.
    static func columns(_ db: Database) throws -> [ReplicatedTable: Set<String>] {
        var result: [ReplicatedTable: Set<String>] = [:]
        for table in ReplicatedTable.allCases {
            let names = try db.columns(in: table.rawValue).map(\.name)
            result[table] = Set(names).subtracting(table.localColumns)
        }
        return result
    }

    /// Takes the hub's receipt: records up to its sequence number are delivered. A receipt for records
    /// this computer does not have, or whose hash differs from its own, is refused.
    static func acknowledge(_ db: Database, _ payload: SignedPayload) throws -> Receipt {
        guard let held = try membership(db) else { throw UnitError.notEnrolled }
        let receipt = try payload.open(Receipt.self, as: .receipt, trusting: held.unitKey)
        guard receipt.unit == held.unit else { throw UnitError.otherUnit(expected: held.unit, got: receipt.unit) }
        guard receipt.computer == held.computer else { throw UnitError.otherComputer(expected: held.computer, got: receipt.computer) }
        guard receipt.seq <= held.head else { throw UnitError.malformed("the receipt acknowledges record \(receipt.seq), beyond the newest \(held.head)") }
        if let own = try RecordChainRows.hash(db, seq: receipt.seq), own != receipt.hash {
            throw UnitError.malformed("the receipt's hash for record \(receipt.seq) is not this computer's")
        }
        if receipt.seq > held.acknowledged {
            try db.execute(sql: "UPDATE unit_membership SET acknowledged_seq = ?, acknowledged_hash = ? WHERE id = 1",
                           arguments: [receipt.seq, receipt.hash])
        }
        return receipt
    }
}
