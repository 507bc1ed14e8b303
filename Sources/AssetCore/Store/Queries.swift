import GRDB

/// Which media a listing shows. Empty filter = every medium.
public struct MediaFilter: Sendable, Hashable, Codable {
    public var level: Level?
    public var state: MediumState?
    public var holder: String?
    public var kind: MediumKind?

    public init(level: Level? = nil, state: MediumState? = nil, holder: String? = nil, kind: MediumKind? = nil) {
        self.level = level
        self.state = state
        self.holder = holder
        self.kind = kind
    }
}

/// The ledger's reads and writes, as plain functions over a `Database` so that a service call can
/// compose several of them in one transaction.
enum Ledger {
    // MARK: people

    static func person(_ db: Database, id: String) throws -> Person? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM person WHERE id = ?"), arguments: [id]).map(Rows.person)
    }

    static func people(_ db: Database) throws -> [Person] {
        try Row.fetchAll(db, sql: "SELECT * FROM person ORDER BY id").map(Rows.person)
    }

    static func insert(_ db: Database, person: Person) throws {
        try db.execute(sql: """
            INSERT INTO person (id, name, department, clearance, departed_on, declassification_ends)
            VALUES (?, ?, ?, ?, ?, ?)
            """, arguments: Rows.arguments(person))
    }

    static func update(_ db: Database, person: Person) throws {
        try db.execute(sql: """
            UPDATE person SET name = ?2, department = ?3, clearance = ?4, departed_on = ?5,
                declassification_ends = ?6 WHERE id = ?1
            """, arguments: Rows.arguments(person))
    }

    // MARK: computers

    static func thisHost(_ db: Database) throws -> Computer? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM computer WHERE is_this_host = 1")).map(Rows.computer)
    }

    static func computer(_ db: Database, assetNumber: String) throws -> Computer? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM computer WHERE asset_number = ?"),
                         arguments: [assetNumber]).map(Rows.computer)
    }

    static func computers(_ db: Database) throws -> [Computer] {
        try Row.fetchAll(db, sql: "SELECT * FROM computer ORDER BY is_this_host DESC, asset_number").map(Rows.computer)
    }

    static func save(_ db: Database, computer: Computer) throws {
        try db.execute(sql: """
            INSERT INTO computer (asset_number, name, level, network, holder, location, key_area,
                disk_serials, mac_addresses, is_this_host, allowed_interfaces, lan_prefixes, unit)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
            ON CONFLICT(asset_number) DO UPDATE SET name = ?2, level = ?3, network = ?4, holder = ?5,
                location = ?6, key_area = ?7, disk_serials = ?8, mac_addresses = ?9, is_this_host = ?10,
                allowed_interfaces = ?11, lan_prefixes = ?12, unit = ?13
            """, arguments: Rows.arguments(computer))
    }

    // MARK: media

    static func medium(_ db: Database, number: String) throws -> Medium? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT \(Rows.mediumColumns) FROM medium WHERE number = ?"),
                         arguments: [number]).map(Rows.medium)
    }

    /// The hot lookup of the daemon: a plugged-in device's identity to its ledger row.
    static func medium(_ db: Database, vendorID: String, productID: String, serial: String) throws -> Medium? {
        try Row.fetchOne(db.cachedStatement(sql: """
            SELECT \(Rows.mediumColumns) FROM medium WHERE vendor_id = ? AND product_id = ? AND serial = ?
            """), arguments: [vendorID, productID, serial]).map(Rows.medium)
    }

    static func media(_ db: Database, filter: MediaFilter) throws -> [Medium] {
        let query = mediaListing(columns: Rows.mediumColumns, filter: filter)
        return try Row.fetchAll(db, sql: query.sql, arguments: query.arguments).map(Rows.medium)
    }

    /// Media a person still has: as responsible person, or as borrower/carrier right now.
    static func mediaHeld(_ db: Database, by personID: String) throws -> [Medium] {
        try Row.fetchAll(db, sql: """
            SELECT \(Rows.mediumColumns) FROM medium
            WHERE (holder = ?1 OR borrower = ?1) AND state NOT IN ('destroyed', 'lost', 'handed-back', 'pending-destruction')
            ORDER BY number
            """, arguments: [personID]).map(Rows.medium)
    }

    /// The tables whose rows carry a unit number (统一编号).
    enum Numbered: String {
        case medium, peripheral
    }

    static func numbers(_ db: Database, in table: Numbered, prefix: String) throws -> [String] {
        try String.fetchAll(db, sql: "SELECT number FROM \(table.rawValue) WHERE number LIKE ? ESCAPE '\\'",
                            arguments: [prefix.replacingOccurrences(of: "%", with: "\\%")
                                .replacingOccurrences(of: "_", with: "\\_") + "%"])
    }

    static func insert(_ db: Database, medium: Medium, registeredAt: Timestamp) throws {
        try db.execute(sql: "INSERT INTO medium (\(Rows.mediumColumns)) VALUES (\(Array(repeating: "?", count: 23).joined(separator: ", ")))",
                       arguments: Rows.arguments(medium) + [registeredAt.description])
    }

    static func update(_ db: Database, medium: Medium) throws {
        try db.execute(sql: """
            UPDATE medium SET kind = ?2, level = ?3, secrecy_term = ?4, holder = ?5, user = ?6, department = ?7,
                purpose = ?8, place = ?9, in_service_date = ?10, brand = ?11, model = ?12, vendor_id = ?13,
                product_id = ?14, serial = ?15, capacity_bytes = ?16, filesystem_uuids = ?17,
                bound_computers = ?18, state = ?19, borrower = ?20, due_date = ?21, notes = ?22
            WHERE number = ?1
            """, arguments: Rows.arguments(medium))
    }

    // MARK: movements

    @discardableResult
    static func insert(_ db: Database, movement: Movement) throws -> Int64 {
        try db.execute(sql: """
            INSERT INTO movement (number, kind, from_state, to_state, at, actor_uid, actor_name, approver, handler,
                person, due_date, method, witness, repair_unit, reason, from_level, to_level, note)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: Rows.arguments(movement))
        return db.lastInsertedRowID
    }

    static func movements(_ db: Database, number: String) throws -> [Movement] {
        try Row.fetchAll(db, sql: "SELECT * FROM movement WHERE number = ? ORDER BY id", arguments: [number])
            .map(Rows.movement)
    }
}
