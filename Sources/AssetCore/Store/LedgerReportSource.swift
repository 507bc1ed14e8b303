import GRDB

/// The officer's reports over this computer's SQLite ledger: each question of `ReportSource` as one
/// SQL statement, counted and grouped by SQLite where it can be, inside the caller's read
/// transaction (so a report's parts agree with each other while the guard goes on recording).
struct LedgerReportSource: ReportSource {
    let db: Database
    /// At the hub: where the computers' own records are (see `UnitRecords`).
    let unit: (any UnitRecords)?
    let computerFilter: String?
    /// The last period's tallies: a report asks for each grouping of one period in turn.
    private let tally = TallyCache()

    init(db: Database, unit: (any UnitRecords)? = nil, computer: String? = nil) {
        self.db = db
        self.unit = unit
        self.computerFilter = computer
    }

    private func range(_ interval: Interval) -> StatementArguments {
        [interval.start.description, interval.end.description]
    }

    /// `AND <column> = ?` with its argument when the report is narrowed to one computer.
    private func narrowed(_ column: String) -> (sql: String, arguments: StatementArguments) {
        guard let computerFilter else { return ("", []) }
        return (" AND \(column) = ?", [computerFilter])
    }

    /// The computer the report is about: the one it is narrowed to, or else this host (none at the hub).
    func thisComputer() throws -> Computer? {
        guard let computerFilter else { return try Ledger.thisHost(db) }
        return try Ledger.computer(db, assetNumber: computerFilter)
    }

    func trailHead() throws -> String? {
        try String.fetchOne(db, sql: "SELECT hash FROM trail ORDER BY id DESC LIMIT 1")
    }

    func verifyTrail() throws -> TrailVerification { try AuditTrail.verify(db) }
    func people() throws -> [Person] { try Ledger.people(db) }
    func computers() throws -> [Computer] {
        try Ledger.computers(db).filter { computerFilter == nil || $0.assetNumber == computerFilter }
    }

    func baselines() throws -> [String: HardwareBaseline] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT * FROM hardware_baseline WHERE id IN (SELECT MAX(id) FROM hardware_baseline GROUP BY computer)
            """)
        return Dictionary(try rows.map(HardwareRows.baseline).map { ($0.computer, $0) }, uniquingKeysWith: { $1 })
    }

    func peripherals() throws -> [Peripheral] {
        try HardwareRows.peripherals(db, computer: computerFilter, includeRemoved: true)
    }

    // MARK: violations

    func violationCount(in interval: Interval) throws -> Int {
        let only = narrowed("computer")
        return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM violation WHERE at >= ? AND at < ?" + only.sql,
                                arguments: range(interval) + only.arguments) ?? 0
    }

    func violationCounts(in interval: Interval, by grouping: ViolationGrouping) throws -> [KeyCount] {
        precondition(grouping != .month, "months are counted per local month by the report")
        let only = narrowed("v.computer")
        let tallies = try tally.counts(interval) { try Self.tallies(db, range(interval) + only.arguments, narrowing: only.sql) }
        return tallies[grouping] ?? []
    }

    /// Every grouping's counts from one pass over the period's violations, counted here: one
    /// GROUP BY per grouping (seven index walks) took a second for a year of a hundred thousand
    /// violations, and one GROUP BY over all of them sorts every row (in temporary files, or in
    /// memory that grows with the period). A scan and a few dictionaries keep memory flat.
    private static func tallies(_ db: Database, _ arguments: StatementArguments,
                                narrowing: String) throws -> [ViolationGrouping: [KeyCount]] {
        let groupings: [ViolationGrouping] = [.type, .severity, .outcome, .status, .handling, .computer, .person, .department]
        let cursor = try Row.fetchCursor(db, sql: """
            SELECT v.type, v.severity, v.outcome, v.status, v.handling, v.computer, v.person,
                   COALESCE(p.department, m.department)
            FROM violation v LEFT JOIN person p ON p.id = v.person LEFT JOIN medium m ON m.number = v.medium_number
            WHERE +v.at >= ? AND +v.at < ?\(narrowing)
            """, arguments: arguments)
        var sums = [[String: Int]](repeating: [:], count: groupings.count)
        while let row = try cursor.next() {
            for index in groupings.indices {
                sums[index][(row[index] as String?) ?? "", default: 0] += 1
            }
        }
        var tallies = [ViolationGrouping: [KeyCount]]()
        for (index, grouping) in groupings.enumerated() {
            tallies[grouping] = sums[index].map { KeyCount($0.key, $0.value) }.sorted { ($0.count, $1.key) > ($1.count, $0.key) }
        }
        return tallies
    }

    func violations(in interval: Interval?, unhandled: Bool, person: String?,
                    _ body: (ViolationRecord, String?) throws -> Void) throws {
        let columns = GuardRows.violationColumns.split(separator: ",").map { "v." + $0.trimmingWhitespace() }.joined(separator: ", ")
        var sql = """
            SELECT \(columns), COALESCE(p.department, m.department) FROM violation v
            LEFT JOIN person p ON p.id = v.person LEFT JOIN medium m ON m.number = v.medium_number WHERE 1
            """
        var arguments: StatementArguments = []
        if let interval { sql += " AND v.at >= ? AND v.at < ?"; arguments += range(interval) }
        if unhandled { sql += " AND v.status <> 'handled'" }
        if let person { sql += " AND v.person = ?"; arguments += [person] }
        let only = narrowed("v.computer")
        sql += only.sql
        arguments += only.arguments
        let cursor = try Row.fetchCursor(db, sql: sql + " ORDER BY v.id", arguments: arguments)
        while let row = try cursor.next() {
            try body(try GuardRows.violation(row), row[GuardRows.violationColumnCount])
        }
    }

    // MARK: the guard's records

    func eventCounts(in interval: Interval) throws -> [EventCount] {
        if let unit { return try unit.eventCounts(in: interval, computers: computerFilter.map { [$0] }) }
        let only = narrowed("computer")
        let rows = try Row.fetchAll(db, sql: """
            SELECT kind, decision, COUNT(*) FROM device_event WHERE at >= ? AND at < ?\(only.sql) GROUP BY kind, decision
            """, arguments: range(interval) + only.arguments)
        return try rows.map { row in
            EventCount(kind: try Rows.decode(GuardEventKind.self, row, 0, "kind"),
                       decision: try Rows.optional(Decision.self, row, 1, "decision"), count: row[2])
        }
    }

    func deviceUses(in interval: Interval, decision: Decision, _ body: (DeviceUse) throws -> Void) throws {
        if let unit {
            for use in try unit.deviceUses(in: interval, decision: decision, computers: computerFilter.map { [$0] }) { try body(use) }
            return
        }
        let only = narrowed("computer")
        let rows = try Row.fetchCursor(db, sql: """
            SELECT vendor_id, product_id, serial, MAX(device), MAX(medium_number), MAX(holder), COUNT(*), MIN(at), MAX(at)
            FROM device_event WHERE at >= ? AND at < ? AND kind = 'attach' AND decision = ?\(only.sql)
            GROUP BY vendor_id, product_id, serial ORDER BY 7 DESC, 1, 2, 3
            """, arguments: range(interval) + [decision.rawValue] + only.arguments)
        while let row = try rows.next() {
            try body(DeviceUse(vendorID: row[0], productID: row[1], serial: row[2], device: row[3], mediumNumber: row[4],
                               holder: row[5], count: row[6], first: try Rows.timestamp(row, 7, "at"), last: try Rows.timestamp(row, 8, "at")))
        }
    }

    func guardEvents(in interval: Interval, kinds: [GuardEventKind], _ body: (GuardEvent) throws -> Void) throws {
        if let unit { return try unit.guardEvents(in: interval, kinds: kinds, computers: computerFilter.map { [$0] }, body) }
        let marks = kinds.map { _ in "?" }.joined(separator: ", ")
        let only = narrowed("computer")
        let cursor = try Row.fetchCursor(db, sql: """
            SELECT * FROM device_event WHERE at >= ? AND at < ? AND kind IN (\(marks))\(only.sql) ORDER BY id
            """, arguments: range(interval) + StatementArguments(kinds.map(\.rawValue)) + only.arguments)
        while let row = try cursor.next() { try body(try GuardRows.event(row)) }
    }

    func trailEntries(in interval: Interval, _ body: (TrailEntry) throws -> Void) throws {
        let cursor = try Row.fetchCursor(db, sql: "SELECT * FROM trail WHERE at >= ? AND at < ? ORDER BY id", arguments: range(interval))
        while let row = try cursor.next() { try body(try AuditTrail.entry(row)) }
    }

    func inspections(in interval: Interval, _ body: (InspectionRecord) throws -> Void) throws {
        try InspectionRows.list(db, in: interval, body)
    }

    // MARK: media

    func media(asOf before: Timestamp?, _ body: (Medium) throws -> Void) throws {
        guard let before else {
            let cursor = try Row.fetchCursor(db, sql: "SELECT * FROM medium ORDER BY number")
            while let row = try cursor.next() { try body(try Rows.medium(row)) }
            return
        }
        // The state the last movement before the instant left it in, and the level the last
        // reclassification before it set (or, failing that, the level the first one after it
        // changed from): what the ledger said at that moment.
        let at = before.description
        let cursor = try Row.fetchCursor(db, sql: """
            SELECT medium.*,
              COALESCE((SELECT to_state FROM movement mv WHERE mv.number = medium.number AND mv.at < ?1
                        AND mv.to_state IS NOT NULL ORDER BY mv.id DESC LIMIT 1), medium.state) AS state_then,
              COALESCE((SELECT to_level FROM movement mv WHERE mv.number = medium.number AND mv.at < ?1
                        AND mv.kind = 'reclassify' ORDER BY mv.id DESC LIMIT 1),
                       (SELECT from_level FROM movement mv WHERE mv.number = medium.number AND mv.at >= ?1
                        AND mv.kind = 'reclassify' ORDER BY mv.id LIMIT 1), medium.level) AS level_then
            FROM medium WHERE registered_at < ?1 ORDER BY number
            """, arguments: [at])
        while let row = try cursor.next() {
            var medium = try Rows.medium(row)
            medium.state = try Rows.decode(MediumState.self, row, "state_then")
            medium.level = try Rows.decode(Level.self, row, "level_then")
            try body(medium)
        }
    }

    func movements(in interval: Interval?, kinds: [MovementKind]?, _ body: (Movement) throws -> Void) throws {
        var sql = "SELECT * FROM movement WHERE 1"
        var arguments: StatementArguments = []
        if let interval { sql += " AND at >= ? AND at < ?"; arguments += range(interval) }
        if let kinds {
            sql += " AND kind IN (\(kinds.map { _ in "?" }.joined(separator: ", ")))"
            arguments += StatementArguments(kinds.map(\.rawValue))
        }
        let cursor = try Row.fetchCursor(db, sql: sql + " ORDER BY id", arguments: arguments)
        while let row = try cursor.next() { try body(try Rows.movement(row)) }
    }

    func movements(concerning person: String, _ body: (Movement) throws -> Void) throws {
        let cursor = try Row.fetchCursor(db, sql: """
            SELECT * FROM movement WHERE person = ?1 OR handler = ?1
              OR number IN (SELECT number FROM medium WHERE holder = ?1 OR borrower = ?1)
            ORDER BY id
            """, arguments: [person])
        while let row = try cursor.next() { try body(try Rows.movement(row)) }
    }

    func enteredState(_ state: MediumState, by kind: MovementKind) throws -> [String: Timestamp] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT number, MAX(at) FROM movement WHERE kind = ?
              AND number IN (SELECT number FROM medium WHERE state = ?) GROUP BY number
            """, arguments: [kind.rawValue, state.rawValue])
        var since: [String: Timestamp] = [:]
        for row in rows { since[row[0]] = try Rows.timestamp(row, 1, "at") }
        return since
    }
}

/// One period's counts, kept for the grouping questions that follow the first.
private final class TallyCache {
    private var interval: Interval?
    private var counts: [ViolationGrouping: [KeyCount]] = [:]

    func counts(_ interval: Interval, _ make: () throws -> [ViolationGrouping: [KeyCount]]) rethrows -> [ViolationGrouping: [KeyCount]] {
        if self.interval != interval {
            counts = try make()
            self.interval = interval
        }
        return counts
    }
}
