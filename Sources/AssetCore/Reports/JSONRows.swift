import GRDB

/// The JSON listings' elements, written from ledger rows by `JSONElements`: the members the model
/// values encode (`Medium`, `ViolationRecord`), in the encoder's key order, with the same checks of
/// stored values in the order the model decoder makes them, so a damaged row names the same column.
enum JSONRows {
    /// Stored enum values, checked and printed as they are (JSON carries the codes, not names).
    struct Codes {
        let arena = TextArena()
        let kind, level, state, type, severity, outcome, status, handling: FixedCell.Table

        init() {
            kind = FixedCell.Table(MediumKind.self, in: arena) { $0.rawValue }
            level = FixedCell.Table(Level.self, in: arena) { $0.rawValue }
            state = FixedCell.Table(MediumState.self, in: arena) { $0.rawValue }
            type = FixedCell.Table(ViolationType.self, in: arena) { $0.rawValue }
            severity = FixedCell.Table(Severity.self, in: arena) { $0.rawValue }
            outcome = FixedCell.Table([ViolationOutcome.blocked, .logged, .audited].map { ($0.rawValue, $0.rawValue) }, in: arena)
            status = FixedCell.Table(ViolationStatus.self, in: arena) { $0.rawValue }
            handling = FixedCell.Table(HandlingOutcome.self, in: arena) { $0.rawValue }
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

    /// `Medium` as the encoder writes it, from the columns of `MediaReport.RecordColumn`.
    static func medium<R: CellRow>(_ row: R, _ codes: Codes, into json: inout JSONElements) throws(LedgerError) {
        typealias C = MediaReport.RecordColumn
        // Checked in `Rows.medium`'s order.
        let kind = try MediaReport.name(codes.kind, row, C.kind)
        let level = try MediaReport.name(codes.level, row, C.level)
        let state = try MediaReport.name(codes.state, row, C.state)
        try StoredDate.checkDay(row, C.inServiceDate)
        let hasIdentity = !row.isNull(C.vendorID) && !row.isNull(C.productID) && !row.isNull(C.serial)
        let uuids = hasIdentity ? try MediaReport.listItems(row, C.filesystemUUIDs) : []
        let bound = try MediaReport.listItems(row, C.boundComputers)
        try StoredDate.checkDay(row, C.dueDate)

        let k = medium
        optional(row, C.borrower, k.borrower, into: &json)
        json.key(k.boundComputers)
        json.list(bound)
        optional(row, C.brand, k.brand, into: &json)
        optional(row, C.department, k.department, into: &json)
        if !row.isNull(C.dueDate) { json.key(k.dueDate); try StoredDate.day(row, C.dueDate, into: &json) }
        json.key(k.holder)
        json.string(row.text(C.holder))
        if hasIdentity {
            json.beginObject(k.identity)
            if !row.isNull(C.capacityBytes) {
                json.key(identity.capacityBytes)
                json.unsigned(UInt64(bitPattern: row.int64(C.capacityBytes)))
            }
            json.key(identity.filesystemUUIDs)
            json.list(uuids)
            optional(row, C.productID, identity.productID, into: &json)
            optional(row, C.serial, identity.serial, into: &json)
            optional(row, C.vendorID, identity.vendorID, into: &json)
            json.endObject()
        }
        if !row.isNull(C.inServiceDate) { json.key(k.inServiceDate); try StoredDate.day(row, C.inServiceDate, into: &json) }
        json.key(k.kind)
        json.string(kind.raw)
        json.key(k.level)
        json.string(level.raw)
        optional(row, C.model, k.model, into: &json)
        optional(row, C.notes, k.notes, into: &json)
        json.key(k.number)
        json.string(row.text(C.number))
        optional(row, C.place, k.place, into: &json)
        optional(row, C.purpose, k.purpose, into: &json)
        optional(row, C.secrecyTerm, k.secrecyTerm, into: &json)
        json.key(k.state)
        json.string(state.raw)
        optional(row, C.user, k.user, into: &json)
    }

    // MARK: violations

    private static let violation = (acknowledgedAt: JSONElements.Key("acknowledgedAt"),
                                    acknowledgedBy: JSONElements.Key("acknowledgedBy"), at: JSONElements.Key("at"),
                                    computer: JSONElements.Key("computer"), device: JSONElements.Key("device"),
                                    eventID: JSONElements.Key("eventID"), handledAt: JSONElements.Key("handledAt"),
                                    handledBy: JSONElements.Key("handledBy"), handling: JSONElements.Key("handling"),
                                    handlingNote: JSONElements.Key("handlingNote"), id: JSONElements.Key("id"),
                                    mediumNumber: JSONElements.Key("mediumNumber"), note: JSONElements.Key("note"),
                                    outcome: JSONElements.Key("outcome"), person: JSONElements.Key("person"),
                                    reason: JSONElements.Key("reason"), en: JSONElements.Key("en"), zh: JSONElements.Key("zh"),
                                    responsible: JSONElements.Key("responsible"),
                                    serial: JSONElements.Key("serial"), severity: JSONElements.Key("severity"),
                                    status: JSONElements.Key("status"), type: JSONElements.Key("type"))

    /// What the JSON array of violations reads, in the order of `GuardRows.violationColumns`, which
    /// the model path reads.
    enum ViolationColumn: Int32, ListingColumn {
        case id, eventID, at, type, severity, computer, mediumNumber, person, serial, device, outcome
        case reasonZH, reasonEN, status, acknowledgedBy, acknowledgedAt, note
        case handling, responsible, handledBy, handledAt, handlingNote

        /// Read as integers, the rest as text.
        static let integers: Set<Int32> = [id.rawValue, eventID.rawValue]
    }

    /// `ViolationRecord` as the encoder writes it, from the columns of `ViolationColumn`.
    static func violation<R: CellRow>(_ row: R, _ codes: Codes, into json: inout JSONElements) throws(LedgerError) {
        typealias C = ViolationColumn
        // Checked in `GuardRows.violation`'s order.
        try StoredDate.checkTimestamp(row, C.at)
        let type = try MediaReport.name(codes.type, row, C.type)
        let severity = try MediaReport.name(codes.severity, row, C.severity)
        let outcome = try MediaReport.name(codes.outcome, row, C.outcome)
        let status = try MediaReport.name(codes.status, row, C.status)
        let handling = row.isNull(C.handling) ? nil : try MediaReport.name(codes.handling, row, C.handling)

        let k = violation
        // An acknowledgement time that does not parse is left out, as the model path leaves it.
        if !row.isNull(C.acknowledgedAt) {
            let text = row.text(C.acknowledgedAt)
            if StoredDate.isPrintedTimestamp(text) {
                json.key(k.acknowledgedAt)
                json.string(text)
            } else if let time = Timestamp(parsing: row.string(C.acknowledgedAt)) {
                json.key(k.acknowledgedAt)
                Array(time.description.utf8).withUnsafeBufferPointer { json.string($0) }
            }
        }
        optional(row, C.acknowledgedBy, k.acknowledgedBy, into: &json)
        json.key(k.at)
        try StoredDate.timestamp(row, C.at, into: &json)
        optional(row, C.computer, k.computer, into: &json)
        optional(row, C.device, k.device, into: &json)
        if !row.isNull(C.eventID) { json.key(k.eventID); json.integer(row.int64(C.eventID)) }
        // A handling time that does not parse is left out, as the model path leaves it.
        if !row.isNull(C.handledAt) {
            let text = row.text(C.handledAt)
            if StoredDate.isPrintedTimestamp(text) {
                json.key(k.handledAt)
                json.string(text)
            } else if let time = Timestamp(parsing: row.string(C.handledAt)) {
                json.key(k.handledAt)
                Array(time.description.utf8).withUnsafeBufferPointer { json.string($0) }
            }
        }
        optional(row, C.handledBy, k.handledBy, into: &json)
        if let handling { json.key(k.handling); json.string(handling.raw) }
        optional(row, C.handlingNote, k.handlingNote, into: &json)
        if !row.isNull(C.id) { json.key(k.id); json.integer(row.int64(C.id)) }
        optional(row, C.mediumNumber, k.mediumNumber, into: &json)
        optional(row, C.note, k.note, into: &json)
        json.key(k.outcome)
        json.string(outcome.raw)
        optional(row, C.person, k.person, into: &json)
        json.beginObject(k.reason)
        json.key(k.en)
        json.string(row.text(C.reasonEN))
        json.key(k.zh)
        json.string(row.text(C.reasonZH))
        json.endObject()
        optional(row, C.responsible, k.responsible, into: &json)
        optional(row, C.serial, k.serial, into: &json)
        json.key(k.severity)
        json.string(severity.raw)
        json.key(k.status)
        json.string(status.raw)
        json.key(k.type)
        json.string(type.raw)
    }

    // MARK: cells

    @inline(__always)
    private static func optional<R: CellRow, C: ListingColumn>(_ row: R, _ column: C, _ key: JSONElements.Key,
                                                              into json: inout JSONElements) {
        guard let text = row.optionalText(column) else { return }
        json.key(key)
        json.string(text)
    }
}
