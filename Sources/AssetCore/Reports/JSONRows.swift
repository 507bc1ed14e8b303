import GRDB

/// The JSON listings' elements, written from ledger rows by `JSONElements`: the members the model
/// values encode (`Medium`, `ViolationRecord`), in the encoder's key order, with the same checks of
/// stored values in the order the model decoder makes them, so a damaged row names the same column.
enum JSONRows {
    /// Stored enum values, checked and printed as they are (JSON carries the codes, not names).
    struct Codes {
        let arena = TextArena()
        let kind, level, state, type, severity, outcome, status: FixedCell.Table

        init() {
            kind = FixedCell.Table(MediumKind.self, in: arena) { $0.rawValue }
            level = FixedCell.Table(Level.self, in: arena) { $0.rawValue }
            state = FixedCell.Table(MediumState.self, in: arena) { $0.rawValue }
            type = FixedCell.Table(ViolationType.self, in: arena) { $0.rawValue }
            severity = FixedCell.Table(Severity.self, in: arena) { $0.rawValue }
            outcome = FixedCell.Table([ViolationOutcome.blocked, .logged, .audited].map { ($0.rawValue, $0.rawValue) }, in: arena)
            status = FixedCell.Table([ViolationStatus.open, .acknowledged].map { ($0.rawValue, $0.rawValue) }, in: arena)
        }
    }

    /// Runs a JSON listing: `columns` selected by `query`, each row written by `element`.
    static func stream(_ db: Database, query: (sql: String, arguments: StatementArguments), columns: Int,
                       integerColumns: Set<Int32>, into out: inout ReportOutput,
                       element: @escaping (BatchRow, Codes, inout JSONElements) throws(LedgerError) -> Void) throws {
        let codes = Codes()
        defer { withExtendedLifetime(codes) {} }
        let writer = Box(JSONElements(out: out))
        try RowPipeline.run(db, sql: query.sql, arguments: query.arguments, columns: columns,
                            integerColumns: integerColumns) { row in
            writer.value.beginElement()
            try element(row, codes, &writer.value)
            try writer.value.endElement()
        }
        writer.value.finish()
        out = writer.value.out
    }

    // MARK: media

    private static let medium = (borrower: JSONElements.Key("borrower"), boundComputers: JSONElements.Key("boundComputers"),
                                 brand: JSONElements.Key("brand"), department: JSONElements.Key("department"),
                                 dueDate: JSONElements.Key("dueDate"), holder: JSONElements.Key("holder"),
                                 identity: JSONElements.Key("identity"), inServiceDate: JSONElements.Key("inServiceDate"),
                                 kind: JSONElements.Key("kind"), level: JSONElements.Key("level"),
                                 model: JSONElements.Key("model"), notes: JSONElements.Key("notes"),
                                 number: JSONElements.Key("number"), place: JSONElements.Key("place"),
                                 purpose: JSONElements.Key("purpose"), secrecyTerm: JSONElements.Key("secrecyTerm"),
                                 state: JSONElements.Key("state"), user: JSONElements.Key("user"))
    private static let identity = (capacityBytes: JSONElements.Key("capacityBytes"),
                                   filesystemUUIDs: JSONElements.Key("filesystemUUIDs"),
                                   productID: JSONElements.Key("productID"), serial: JSONElements.Key("serial"),
                                   vendorID: JSONElements.Key("vendorID"))

    /// `Medium` as the encoder writes it, from a row selected with `MediaReport.csvColumns`.
    static func medium<R: CellRow>(_ row: R, _ codes: Codes, into json: inout JSONElements) throws(LedgerError) {
        // Checked in `Rows.medium`'s order.
        let kind = try MediaReport.name(codes.kind, row, 1, "kind")
        let level = try MediaReport.name(codes.level, row, 2, "level")
        let state = try MediaReport.name(codes.state, row, 18, "state")
        try StoredDate.checkDay(row, 9, "in_service_date")
        let hasIdentity = !row.isNull(12) && !row.isNull(13) && !row.isNull(14)
        let uuids = hasIdentity ? try MediaReport.listItems(row, 16, "filesystem_uuids") : []
        let bound = try MediaReport.listItems(row, 17, "bound_computers")
        try StoredDate.checkDay(row, 20, "due_date")

        let k = medium
        optional(row, 19, k.borrower, into: &json)
        json.key(k.boundComputers)
        json.list(bound)
        optional(row, 10, k.brand, into: &json)
        optional(row, 6, k.department, into: &json)
        if !row.isNull(20) { json.key(k.dueDate); try StoredDate.day(row, 20, "due_date", into: &json) }
        json.key(k.holder)
        json.string(row.text(4))
        if hasIdentity {
            json.beginObject(k.identity)
            if !row.isNull(15) { json.key(identity.capacityBytes); json.unsigned(UInt64(bitPattern: row.int64(15))) }
            json.key(identity.filesystemUUIDs)
            json.list(uuids)
            optional(row, 13, identity.productID, into: &json)
            optional(row, 14, identity.serial, into: &json)
            optional(row, 12, identity.vendorID, into: &json)
            json.endObject()
        }
        if !row.isNull(9) { json.key(k.inServiceDate); try StoredDate.day(row, 9, "in_service_date", into: &json) }
        json.key(k.kind)
        json.string(kind.raw)
        json.key(k.level)
        json.string(level.raw)
        optional(row, 11, k.model, into: &json)
        optional(row, 21, k.notes, into: &json)
        json.key(k.number)
        json.string(row.text(0))
        optional(row, 8, k.place, into: &json)
        optional(row, 7, k.purpose, into: &json)
        optional(row, 3, k.secrecyTerm, into: &json)
        json.key(k.state)
        json.string(state.raw)
        optional(row, 5, k.user, into: &json)
    }

    // MARK: violations

    private static let violation = (acknowledgedAt: JSONElements.Key("acknowledgedAt"),
                                    acknowledgedBy: JSONElements.Key("acknowledgedBy"), at: JSONElements.Key("at"),
                                    computer: JSONElements.Key("computer"), device: JSONElements.Key("device"),
                                    eventID: JSONElements.Key("eventID"), id: JSONElements.Key("id"),
                                    mediumNumber: JSONElements.Key("mediumNumber"), note: JSONElements.Key("note"),
                                    outcome: JSONElements.Key("outcome"), person: JSONElements.Key("person"),
                                    reason: JSONElements.Key("reason"), en: JSONElements.Key("en"), zh: JSONElements.Key("zh"),
                                    serial: JSONElements.Key("serial"), severity: JSONElements.Key("severity"),
                                    status: JSONElements.Key("status"), type: JSONElements.Key("type"))

    /// `ViolationRecord` as the encoder writes it, from a row selected with `GuardRows.violationColumns`.
    static func violation<R: CellRow>(_ row: R, _ codes: Codes, into json: inout JSONElements) throws(LedgerError) {
        // Checked in `GuardRows.violation`'s order.
        try StoredDate.checkTimestamp(row, 2, "at")
        let type = try MediaReport.name(codes.type, row, 3, "type")
        let severity = try MediaReport.name(codes.severity, row, 4, "severity")
        let outcome = try MediaReport.name(codes.outcome, row, 10, "outcome")
        let status = try MediaReport.name(codes.status, row, 13, "status")

        let k = violation
        // An acknowledgement time that does not parse is left out, as the model path leaves it.
        if !row.isNull(15) {
            let text = row.text(15)
            if StoredDate.isPrintedTimestamp(text) {
                json.key(k.acknowledgedAt)
                json.string(text)
            } else if let time = Timestamp(parsing: row.string(15)) {
                json.key(k.acknowledgedAt)
                Array(time.description.utf8).withUnsafeBufferPointer { json.string($0) }
            }
        }
        optional(row, 14, k.acknowledgedBy, into: &json)
        json.key(k.at)
        try StoredDate.timestamp(row, 2, "at", into: &json)
        optional(row, 5, k.computer, into: &json)
        optional(row, 9, k.device, into: &json)
        if !row.isNull(1) { json.key(k.eventID); json.integer(row.int64(1)) }
        if !row.isNull(0) { json.key(k.id); json.integer(row.int64(0)) }
        optional(row, 6, k.mediumNumber, into: &json)
        optional(row, 16, k.note, into: &json)
        json.key(k.outcome)
        json.string(outcome.raw)
        optional(row, 7, k.person, into: &json)
        json.beginObject(k.reason)
        json.key(k.en)
        json.string(row.text(12))
        json.key(k.zh)
        json.string(row.text(11))
        json.endObject()
        optional(row, 8, k.serial, into: &json)
        json.key(k.severity)
        json.string(severity.raw)
        json.key(k.status)
        json.string(status.raw)
        json.key(k.type)
        json.string(type.raw)
    }

    // MARK: cells

    @inline(__always)
    private static func optional<R: CellRow>(_ row: R, _ column: Int32, _ key: JSONElements.Key, into json: inout JSONElements) {
        guard let text = row.optionalText(column) else { return }
        json.key(key)
        json.string(text)
    }
}
