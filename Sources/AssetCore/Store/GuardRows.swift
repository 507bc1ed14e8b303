import Foundation
import GRDB

/// Row mapping and queries for the guard's events and violations.
enum GuardRows {
    static func event(_ row: Row) throws -> GuardEvent {
        var event = GuardEvent(at: try Rows.timestamp(row, "at"), kind: try Rows.decode(GuardEventKind.self, row, "kind"))
        event.id = row["id"]
        event.computer = row["computer"]
        event.syspath = row["syspath"]
        event.port = row["port"]
        event.vendorID = row["vendor_id"]
        event.productID = row["product_id"]
        event.serial = row["serial"]
        event.device = row["device"]
        event.decision = try Rows.optional(Decision.self, row, "decision")
        event.audited = row["audited"]
        event.mediumNumber = row["medium_number"]
        event.holder = row["holder"]
        event.stores = row["stores"]
        if let json: String = row["observation"] {
            event.observation = try? JSONDecoder().decode(USBDeviceObservation.self, from: Data(json.utf8))
        }
        event.note = row["note"]
        return event
    }

    static func insert(_ db: Database, event: GuardEvent) throws -> Int64 {
        let observation = event.observation.map(ObservationJSON.encode)
        // Cached: the daemon inserts an event per decision, and preparing the statement each time
        // cost as much as running it.
        try db.cachedStatement(sql: """
            INSERT INTO device_event (at, kind, computer, syspath, port, vendor_id, product_id, serial, device, decision,
                audited, medium_number, holder, stores, observation, note)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [event.at.description, event.kind.rawValue, event.computer, event.syspath, event.port,
                             event.vendorID, event.productID, event.serial, event.device, event.decision?.rawValue,
                             event.audited, event.mediumNumber, event.holder, event.stores, observation, event.note])
        let id = db.lastInsertedRowID
        try RecordChainRows.chain(db, table: "device_event", id: id)
        return id
    }

    /// The violation table's columns, in the order `violation(_:)` reads them.
    static let violationColumns = """
        id, event_id, at, type, severity, computer, medium_number, person, serial, device, outcome, \
        reason_zh, reason_en, status, acknowledged_by, acknowledged_at, note, \
        handling, responsible, handled_by, handled_at, handling_note
        """

    /// How many columns `violationColumns` selects: a query may select more after them.
    static let violationColumnCount = 22

    /// A row selected with `violationColumns`, read by position.
    static func violation(_ row: Row) throws -> ViolationRecord {
        var record = ViolationRecord(at: try Rows.timestamp(row, 2, "at"), type: try Rows.decode(ViolationType.self, row, 3, "type"),
                                     severity: try Rows.decode(Severity.self, row, 4, "severity"),
                                     outcome: try Rows.decode(ViolationOutcome.self, row, 10, "outcome"),
                                     reason: Bilingual(zh: row[11], en: row[12]))
        record.id = row[0]
        record.eventID = row[1]
        record.computer = row[5]
        record.mediumNumber = row[6]
        record.person = row[7]
        record.serial = row[8]
        record.device = row[9]
        record.status = try Rows.decode(ViolationStatus.self, row, 13, "status")
        record.acknowledgedBy = row[14]
        if let at: String = row[15] { record.acknowledgedAt = Timestamp(parsing: at) }
        record.note = row[16]
        record.handling = try Rows.optional(HandlingOutcome.self, row, 17, "handling")
        record.responsible = row[18]
        record.handledBy = row[19]
        if let at: String = row[20] { record.handledAt = Timestamp(parsing: at) }
        record.handlingNote = row[21]
        return record
    }

    static func insert(_ db: Database, violation v: ViolationRecord) throws -> Int64 {
        try db.cachedStatement(sql: """
            INSERT INTO violation (event_id, at, type, severity, computer, medium_number, person, serial, device, outcome,
                reason_zh, reason_en, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [v.eventID, v.at.description, v.type.rawValue, v.severity.rawValue, v.computer, v.mediumNumber,
                             v.person, v.serial, v.device, v.outcome.rawValue, v.reason.zh, v.reason.en, v.status.rawValue])
        let id = db.lastInsertedRowID
        try RecordChainRows.chain(db, table: "violation", id: id)
        return id
    }

    static func events(_ db: Database, since: Timestamp?, limit: Int) throws -> [GuardEvent] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT * FROM (SELECT * FROM device_event WHERE at >= ? ORDER BY id DESC LIMIT ?) ORDER BY id
            """, arguments: [(since ?? Timestamp(secondsSinceEpoch: 0)).description, limit])
        return try rows.map(event)
    }

    static func violations(_ db: Database, filter: ViolationFilter) throws -> [ViolationRecord] {
        let query = violationsListing(columns: violationColumns, filter: filter)
        return try Row.fetchAll(db, sql: query.sql, arguments: query.arguments).map(violation)
    }
}
