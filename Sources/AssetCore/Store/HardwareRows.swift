import Foundation
import GRDB

/// The computer-asset tables (v10-computer-assets): baselines, open hardware differences,
/// peripherals and a computer's moves.
enum HardwareRows {
    static func encode(_ inventory: HardwareInventory) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? String(decoding: encoder.encode(inventory), as: UTF8.self)) ?? "{}"
    }

    static func decode(_ text: String) throws -> HardwareInventory {
        do {
            return try JSONDecoder().decode(HardwareInventory.self, from: Data(text.utf8))
        } catch {
            throw Rows.corrupt("hardware_baseline.inventory", String(text.prefix(80)))
        }
    }

    // MARK: baselines

    static func latestBaseline(_ db: Database, computer: String) throws -> HardwareBaseline? {
        try Row.fetchOne(db.cachedStatement(sql: """
            SELECT * FROM hardware_baseline WHERE computer = ? ORDER BY id DESC LIMIT 1
            """), arguments: [computer]).map(baseline)
    }

    /// Every baseline of a computer, oldest first.
    static func baselines(_ db: Database, computer: String) throws -> [HardwareBaseline] {
        try Row.fetchAll(db, sql: "SELECT * FROM hardware_baseline WHERE computer = ? ORDER BY id", arguments: [computer]).map(baseline)
    }

    static func baseline(_ row: Row) throws -> HardwareBaseline {
        var baseline = HardwareBaseline(computer: row["computer"], at: try Rows.timestamp(row, "at"), approver: row["approver"],
                                        actor: Actor(uid: row["actor_uid"], name: row["actor_name"]),
                                        inventory: try decode(row["inventory"]), note: row["note"])
        baseline.id = row["id"]
        return baseline
    }

    static func insert(_ db: Database, baseline: HardwareBaseline) throws -> Int64 {
        try db.execute(sql: """
            INSERT INTO hardware_baseline (computer, at, approver, actor_uid, actor_name, inventory, note)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, arguments: [baseline.computer, baseline.at.description, baseline.approver, baseline.actor.uid,
                             baseline.actor.name, encode(baseline.inventory), baseline.note])
        return db.lastInsertedRowID
    }

    // MARK: open differences

    static func openKeys(_ db: Database, computer: String) throws -> Set<String> {
        Set(try String.fetchAll(db.cachedStatement(sql: "SELECT key FROM hardware_change WHERE computer = ?"),
                                arguments: [computer]))
    }

    static func open(_ db: Database, computer: String, change: HardwareChange, at: Timestamp, eventID: Int64?,
                     violationID: Int64?) throws {
        try db.execute(sql: """
            INSERT OR REPLACE INTO hardware_change (computer, key, kind, first_seen, event_id, violation_id)
            VALUES (?, ?, ?, ?, ?, ?)
            """, arguments: [computer, change.key, change.kind.rawValue, at.description, eventID, violationID])
    }

    static func close(_ db: Database, computer: String, key: String) throws {
        try db.execute(sql: "DELETE FROM hardware_change WHERE computer = ? AND key = ?", arguments: [computer, key])
    }

    static func closeAll(_ db: Database, computer: String) throws -> Int {
        try db.execute(sql: "DELETE FROM hardware_change WHERE computer = ?", arguments: [computer])
        return db.changesCount
    }

    // MARK: peripherals

    static func peripheral(_ row: Row) throws -> Peripheral {
        Peripheral(number: row["number"], kind: try Rows.decode(PeripheralKind.self, row, "kind"), vendorID: row["vendor_id"],
                   productID: row["product_id"], serial: row["serial"], model: row["model"], computer: row["computer"],
                   holder: row["holder"], location: row["location"], registeredAt: try Rows.timestamp(row, "registered_at"),
                   active: row["active"])
    }

    static func insert(_ db: Database, peripheral p: Peripheral) throws {
        try db.execute(sql: """
            INSERT INTO peripheral (number, kind, vendor_id, product_id, serial, model, computer, holder, location,
                registered_at, active) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [p.number, p.kind.rawValue, p.vendorID, p.productID, p.serial, p.model, p.computer, p.holder,
                             p.location, p.registeredAt.description, p.active])
    }

    static func peripheral(_ db: Database, number: String) throws -> Peripheral? {
        try Row.fetchOne(db, sql: "SELECT * FROM peripheral WHERE number = ?", arguments: [number]).map(peripheral)
    }

    /// The active registration a plugged-in device carries: its exact serial first, else one
    /// registered without a serial for its vendor and product.
    static func peripheral(_ db: Database, vendorID: String, productID: String, serial: String?) throws -> Peripheral? {
        try Row.fetchOne(db.cachedStatement(sql: """
            SELECT * FROM peripheral WHERE vendor_id = ?1 AND product_id = ?2 AND active = 1
                AND (serial = ?3 OR serial IS NULL) ORDER BY serial IS NULL LIMIT 1
            """), arguments: [vendorID, productID, serial]).map(peripheral)
    }

    static func peripherals(_ db: Database, computer: String?, includeRemoved: Bool) throws -> [Peripheral] {
        var sql = "SELECT * FROM peripheral WHERE 1 = 1"
        var arguments: StatementArguments = []
        if let computer {
            sql += " AND computer = ?"
            arguments += [computer]
        }
        if !includeRemoved { sql += " AND active = 1" }
        return try Row.fetchAll(db, sql: sql + " ORDER BY computer, number", arguments: arguments).map(peripheral)
    }

    // MARK: a computer's moves

    static func insert(_ db: Database, movement m: ComputerMovement) throws {
        try db.execute(sql: """
            INSERT INTO computer_movement (computer, at, from_state, to_state, repair_mode, approver, handler, actor_uid,
                actor_name, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [m.assetNumber, m.at.description, m.from.rawValue, m.to.rawValue, m.repairMode?.rawValue,
                             m.approver, m.handler, m.actor.uid, m.actor.name, m.note])
    }

    static func movements(_ db: Database, computer: String) throws -> [ComputerMovement] {
        try Row.fetchAll(db, sql: "SELECT * FROM computer_movement WHERE computer = ? ORDER BY id", arguments: [computer]).map { row in
            var m = ComputerMovement(assetNumber: row["computer"], at: try Rows.timestamp(row, "at"),
                                     from: try Rows.decode(ComputerState.self, row, "from_state"),
                                     to: try Rows.decode(ComputerState.self, row, "to_state"), approver: row["approver"],
                                     actor: Actor(uid: row["actor_uid"], name: row["actor_name"]))
            m.id = row["id"]
            m.repairMode = try Rows.optional(RepairMode.self, row, "repair_mode")
            m.handler = row["handler"]
            m.note = row["note"]
            return m
        }
    }

    static func setState(_ db: Database, computer: String, state: ComputerState, repairMode: RepairMode?) throws {
        try db.execute(sql: "UPDATE computer SET state = ?, repair_mode = ? WHERE asset_number = ?",
                       arguments: [state.rawValue, repairMode?.rawValue, computer])
    }
}
