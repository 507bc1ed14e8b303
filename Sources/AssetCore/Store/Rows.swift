import Foundation
import GRDB

/// Row ↔ model mapping. Hand-written rather than Codable records so the domain types stay free of
/// storage concerns, and so that a value that fails to decode says which row and column it was.
enum Rows {
    static func person(_ row: Row) throws -> Person {
        Person(id: row["id"], name: row["name"], department: row["department"],
               clearance: try decode(Clearance.self, row, "clearance"),
               departedOn: try day(row, "departed_on"),
               declassificationEnds: try day(row, "declassification_ends"))
    }

    static func arguments(_ p: Person) -> StatementArguments {
        [p.id, p.name, p.department, p.clearance.rawValue, p.departedOn?.description, p.declassificationEnds?.description]
    }

    static func computer(_ row: Row) throws -> Computer {
        var computer = Computer(assetNumber: row["asset_number"], name: row["name"],
                                level: try decode(Level.self, row, "level"),
                                network: try decode(NetworkType.self, row, "network"),
                                holder: row["holder"], location: row["location"], keyArea: row["key_area"],
                                diskSerials: try list(row, "disk_serials"), macAddresses: try list(row, "mac_addresses"),
                                isThisHost: row["is_this_host"])
        computer.allowedInterfaces = try list(row, "allowed_interfaces")
        computer.lanPrefixes = try list(row, "lan_prefixes")
        computer.unit = row["unit"]
        computer.state = try decode(ComputerState.self, row, "state")
        computer.repairMode = try optional(RepairMode.self, row, "repair_mode")
        return computer
    }

    static func arguments(_ c: Computer) -> StatementArguments {
        [c.assetNumber, c.name, c.level.rawValue, c.network.rawValue, c.holder, c.location, c.keyArea,
         json(c.diskSerials), json(c.macAddresses), c.isThisHost, json(c.allowedInterfaces), json(c.lanPrefixes), c.unit]
    }

    static let mediumColumns = """
        number, kind, level, secrecy_term, holder, user, department, purpose, place, in_service_date, \
        brand, model, vendor_id, product_id, serial, capacity_bytes, filesystem_uuids, bound_computers, \
        state, borrower, due_date, notes, registered_at
        """

    /// A row selected with `mediumColumns`, read by position: looking columns up by name cost a
    /// lowercased copy of the name per column and row.
    static func medium(_ row: Row) throws -> Medium {
        var medium = Medium(number: row[0], kind: try decode(MediumKind.self, row, 1, "kind"),
                            level: try decode(Level.self, row, 2, "level"), holder: row[4],
                            state: try decode(MediumState.self, row, 18, "state"))
        medium.secrecyTerm = row[3]
        medium.user = row[5]
        medium.department = row[6]
        medium.purpose = row[7]
        medium.place = row[8]
        medium.inServiceDate = try day(row, 9, "in_service_date")
        medium.brand = row[10]
        medium.model = row[11]
        if let vendor: String = row[12], let product: String = row[13], let serial: String = row[14] {
            let capacity: Int64? = row[15]
            medium.identity = HardwareIdentity(vendorID: vendor, productID: product, serial: serial,
                                               capacityBytes: capacity.map { UInt64(bitPattern: $0) },
                                               filesystemUUIDs: try list(row, 16, "filesystem_uuids"))
        }
        medium.boundComputers = try list(row, 17, "bound_computers")
        medium.borrower = row[19]
        medium.dueDate = try day(row, 20, "due_date")
        medium.notes = row[21]
        return medium
    }

    /// The 22 columns a medium owns; `registered_at` is set once, on insert.
    static func arguments(_ m: Medium) -> StatementArguments {
        [m.number, m.kind.rawValue, m.level.rawValue, m.secrecyTerm, m.holder, m.user, m.department, m.purpose,
         m.place, m.inServiceDate?.description, m.brand, m.model, m.identity?.vendorID, m.identity?.productID,
         m.identity?.serial, m.identity?.capacityBytes.map { Int64(bitPattern: $0) },
         json(m.identity?.filesystemUUIDs ?? []), json(m.boundComputers), m.state.rawValue, m.borrower,
         m.dueDate?.description, m.notes]
    }

    static func movement(_ row: Row) throws -> Movement {
        var movement = Movement(number: row["number"], kind: try decode(MovementKind.self, row, "kind"),
                                at: try timestamp(row, "at"),
                                actor: Actor(uid: UInt32(truncatingIfNeeded: row["actor_uid"] as Int64), name: row["actor_name"]))
        movement.id = row["id"]
        movement.fromState = try optional(MediumState.self, row, "from_state")
        movement.toState = try optional(MediumState.self, row, "to_state")
        movement.approver = row["approver"]
        movement.handler = row["handler"]
        movement.person = row["person"]
        movement.dueDate = try day(row, "due_date")
        movement.method = row["method"]
        movement.witness = row["witness"]
        movement.repairUnit = row["repair_unit"]
        movement.reason = row["reason"]
        movement.fromLevel = try optional(Level.self, row, "from_level")
        movement.toLevel = try optional(Level.self, row, "to_level")
        movement.note = row["note"]
        return movement
    }

    static func arguments(_ m: Movement) -> StatementArguments {
        [m.number, m.kind.rawValue, m.fromState?.rawValue, m.toState?.rawValue, m.at.description,
         Int64(m.actor.uid), m.actor.name, m.approver, m.handler, m.person, m.dueDate?.description, m.method,
         m.witness, m.repairUnit, m.reason, m.fromLevel?.rawValue, m.toLevel?.rawValue, m.note]
    }

    // MARK: - Column decoding that names what was wrong

    static func decode<T: RawRepresentable>(_ type: T.Type, _ row: Row, _ column: String) throws -> T where T.RawValue == String {
        let raw: String = row[column] ?? ""
        guard let value = T(rawValue: raw) else { throw corrupt(column, raw) }
        return value
    }

    static func optional<T: RawRepresentable>(_ type: T.Type, _ row: Row, _ column: String) throws -> T? where T.RawValue == String {
        guard let raw: String = row[column] else { return nil }
        guard let value = T(rawValue: raw) else { throw corrupt(column, raw) }
        return value
    }

    static func decode<T: RawRepresentable>(_ type: T.Type, _ row: Row, _ index: Int, _ column: String) throws -> T where T.RawValue == String {
        let raw: String = row[index] ?? ""
        guard let value = T(rawValue: raw) else { throw corrupt(column, raw) }
        return value
    }

    static func optional<T: RawRepresentable>(_ type: T.Type, _ row: Row, _ index: Int, _ column: String) throws -> T? where T.RawValue == String {
        guard let raw: String = row[index] else { return nil }
        guard let value = T(rawValue: raw) else { throw corrupt(column, raw) }
        return value
    }

    static func day(_ row: Row, _ index: Int, _ column: String) throws -> Day? {
        guard let raw: String = row[index] else { return nil }
        guard let value = Day(parsing: raw) else { throw corrupt(column, raw) }
        return value
    }

    static func timestamp(_ row: Row, _ index: Int, _ column: String) throws -> Timestamp {
        let raw: String = row[index] ?? ""
        guard let value = Timestamp(parsing: raw) else { throw corrupt(column, raw) }
        return value
    }

    static func list(_ row: Row, _ index: Int, _ column: String) throws -> [String] {
        try list(row[index] ?? "[]", column)
    }

    static func day(_ row: Row, _ column: String) throws -> Day? {
        guard let raw: String = row[column] else { return nil }
        guard let value = Day(parsing: raw) else { throw corrupt(column, raw) }
        return value
    }

    static func timestamp(_ row: Row, _ column: String) throws -> Timestamp {
        let raw: String = row[column] ?? ""
        guard let value = Timestamp(parsing: raw) else { throw corrupt(column, raw) }
        return value
    }

    static func list(_ row: Row, _ column: String) throws -> [String] {
        try list(row[column] ?? "[]", column)
    }

    /// A JSON list of strings; the common empty list needs no decoder.
    static func list(_ raw: String, _ column: String) throws -> [String] {
        if raw == "[]" { return [] }
        guard let value = try? JSONDecoder().decode([String].self, from: Data(raw.utf8)) else { throw corrupt(column, raw) }
        return value
    }

    static func json(_ list: [String]) -> String {
        (try? String(decoding: JSONEncoder().encode(list), as: UTF8.self)) ?? "[]"
    }

    static func corrupt(_ column: String, _ raw: String) -> LedgerError {
        LedgerError(.storage, zh: "台账数据损坏：列 \(column) 的值 “\(SafeText.escape(raw))” 无法识别",
                    en: "the ledger holds a damaged value in column \(column): '\(SafeText.escape(raw))'")
    }
}
