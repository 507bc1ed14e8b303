import AssetCore
import GRDB
import HubStore

/// Computers' records arriving at the hub: each batch checked against the chain the hub holds for
/// its computer, the new records stored in PostgreSQL, its violations (and what the chain shows:
/// records missing or altered) entered in the unit's violation list, what its guard learnt taken into
/// the unit ledger (`UnitLearning`) — all in one write of the working copy, whose hook commits it to
/// PostgreSQL with the records. Several batches waiting together (`IngestLane`) share one write.
enum HubIngest {
    /// Stores `deliveries` (each already opened under its computer's key, its records hashed) in
    /// one write and returns each one's new chain end, in order. Runs on the lane's thread only:
    /// the chain ends it starts from are those the last commit left (`HubLedger.chains`).
    static func store(_ deliveries: [IngestLane.Delivery], in ledger: HubLedger) throws -> [ChainState] {
        var states = try ledger.chains(Set(deliveries.map(\.batch.computer)))
        return try ledger.store.writeThrough { db in
            do {
                let now = ledger.clock.now()
                var ends: [ChainState] = []
                for delivery in deliveries {
                    let batch = delivery.batch, computer = batch.computer
                    let check = ChainCheck(delivery.records, after: states[computer] ?? .empty)
                    try enter(db, check, computer: computer, at: now)
                    states[computer] = check.after
                    ends.append(check.after)
                    ledger.stage(IngestWrite(computer: computer, records: check.new, after: check.after, head: batch.head,
                                             ledgerVersion: batch.ledgerVersion, receivedAt: now))
                }
                return ends
            } catch {
                ledger.discardStaged()
                throw error
            }
        }
    }

    /// What one batch adds to the working copy: the computer's violations, those its chain shows,
    /// what its guard learnt.
    private static func enter(_ db: Database, _ check: ChainCheck, computer: String, at now: Timestamp) throws {
        for record in check.new where record.table == "violation" {
            try insertViolation(db, from: record, computer: computer)
        }
        try UnitLearning.take(db, check.new, computer: computer)
        for gap in check.missing {
            let range = gap.lowerBound == gap.upperBound ? "\(gap.lowerBound)" : "\(gap.lowerBound)–\(gap.upperBound)"
            try insert(db, ViolationRecord(at: now, type: .recordsMissing, severity: .high, outcome: .logged, reason: Bilingual(
                zh: "计算机 \(computer) 的第 \(range) 条记录未送达中心：已在本机被删除",
                en: "records \(range) of computer \(computer) never reached the hub: deleted on the computer")), computer: computer)
        }
        for seq in check.altered {
            try insert(db, ViolationRecord(at: now, type: .recordsAltered, severity: .high, outcome: .logged, reason: Bilingual(
                zh: "计算机 \(computer) 的第 \(seq) 条记录与其哈希链不符：已在本机被修改",
                en: "record \(seq) of computer \(computer) no longer matches its hash chain: edited on the computer")), computer: computer)
        }
    }

    /// A violation the computer recorded, entered in the unit's list as the computer wrote it. One
    /// whose type, severity or outcome this hub does not know is kept in PostgreSQL only (its record)
    /// and noted here as such, so a newer computer's record never breaks the unit's listings.
    private static func insertViolation(_ db: Database, from record: ChainedRecord, computer: String) throws {
        guard let fields = try? LedgerCapture.decode(record.content) else { return }
        func text(_ key: String) -> String? { if case .text(let value)? = fields[key] { value } else { nil } }
        let at = text("at").flatMap(Timestamp.init(parsing:)) ?? record.at
        guard let type = text("type").flatMap(ViolationType.init(rawValue:)),
              let severity = text("severity").flatMap(Severity.init(rawValue:)),
              let outcome = text("outcome").flatMap(ViolationOutcome.init(rawValue:)) else { return }
        var violation = ViolationRecord(at: at, type: type, severity: severity, outcome: outcome,
                                        reason: Bilingual(zh: text("reason_zh") ?? "", en: text("reason_en") ?? ""))
        violation.mediumNumber = text("medium_number")
        violation.person = text("person")
        violation.serial = text("serial")
        violation.device = text("device")
        violation.note = "\(computer) #\(record.seq)"
        try insert(db, violation, computer: computer)
    }

    static func insert(_ db: Database, _ violation: ViolationRecord, computer: String?) throws {
        var record = violation
        record.computer = computer
        try db.cachedStatement(sql: """
            INSERT INTO violation (at, type, severity, computer, medium_number, person, serial, device, outcome, reason_zh, reason_en,
                status, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?)
            """).execute(arguments: [record.at.description, record.type.rawValue, record.severity.rawValue, record.computer, record.mediumNumber,
                             record.person, record.serial, record.device, record.outcome.rawValue, record.reason.zh, record.reason.en,
                             record.note])
    }
}
