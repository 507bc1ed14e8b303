import GRDB

/// The guard's own watch: starts, stops, gaps and signs of life, and the violations they open (M18).
extension GuardRecorder {
    /// Start-up: if the previous run never recorded its stop, the time since its last sign of life is
    /// a gap in the watch, recorded before the new start. A gap, a start weakened on a classified
    /// computer (audit mode, no lockdown) and a host record that breaks physical isolation are each
    /// an open violation (M18), for an officer to acknowledge like any other.
    @discardableResult
    public func recordStart(at: Timestamp, note: String, config: GuardConfig) throws(LedgerError) -> [GuardEvent] {
        try store.write { db in
            var recorded: [GuardEvent] = []
            let host = try Ledger.thisHost(db)
            let last = try String.fetchOne(db, sql: """
                SELECT kind FROM device_event WHERE kind IN ('guard-start', 'guard-stop') ORDER BY id DESC LIMIT 1
                """)
            if last == GuardEventKind.guardStart.rawValue {
                let since = try String.fetchOne(db, sql: "SELECT value FROM guard_state WHERE key = 'heartbeat'")
                    ?? String.fetchOne(db, sql: "SELECT at FROM device_event WHERE kind = 'guard-start' ORDER BY id DESC LIMIT 1")
                var gap = GuardEvent(at: at, kind: .guardGap)
                gap.computer = try Ledger.thisHost(db)?.assetNumber
                gap.note = "unguarded since \(since ?? "unknown") (last sign of life): mediad did not stop cleanly"
                gap.id = try GuardRows.insert(db, event: gap)
                recorded.append(gap)
                try Self.insertGuardViolation(db, Violation(type: .guardGap, severity: .high, reason: Bilingual(
                    zh: "监控中断：自 \(since ?? "未知时间") 起（最后一次存活记录）未受监控，mediad 未正常停止（被强制结束或断电）",
                    en: "gap in the watch: unguarded since \(since ?? "unknown") (last sign of life); mediad did not stop cleanly (killed, or power lost)")),
                    event: gap, host: host)
            }
            var start = GuardEvent(at: at, kind: .guardStart)
            start.computer = host?.assetNumber
            start.note = note
            start.id = try GuardRows.insert(db, event: start)
            recorded.append(start)
            if let weakness = config.weakness(on: host) {
                try Self.insertGuardViolation(db, Violation(type: .guardWeakened, severity: .high, reason: weakness),
                                              event: start, host: host)
            }
            if let problem = host?.isolationProblem {
                try Self.insertGuardViolation(db, Violation(type: .classifiedOnline, severity: .critical, reason: problem),
                                              event: start, host: host)
            }
            try Self.beat(db, at)
            return recorded
        }
    }

    /// A violation about the guard or this computer rather than a device: nothing is blocked by it.
    static func insertGuardViolation(_ db: Database, _ violation: Violation, event: GuardEvent, host: Computer?) throws {
        var record = ViolationRecord(at: event.at, type: violation.type, severity: violation.severity, outcome: .logged,
                                     reason: violation.reason)
        record.eventID = event.id
        record.computer = host?.assetNumber
        _ = try GuardRows.insert(db, violation: record)
    }

    /// Stop: the event, and when the stop was asked for (a signal from a person or from systemd), a
    /// `guard-stopped` violation naming who asked.
    @discardableResult
    public func recordStop(at: Timestamp, note: String, requestedBy request: StopRequest?) throws(LedgerError) -> GuardEvent {
        try store.write { db in
            let host = try Ledger.thisHost(db)
            var event = GuardEvent(at: at, kind: .guardStop)
            event.computer = host?.assetNumber
            event.note = request.map { "\(note); \($0.description)" } ?? note
            event.id = try GuardRows.insert(db, event: event)
            if let request {
                try Self.insertGuardViolation(db, request.violation, event: event, host: host)
            }
            return event
        }
    }

    /// The guard's sign of life.
    public func heartbeat(at: Timestamp) throws(LedgerError) {
        try store.writeUnsynced { db in try Self.beat(db, at) }
    }

    static func beat(_ db: Database, _ at: Timestamp) throws {
        try db.execute(sql: """
            INSERT INTO guard_state (key, value) VALUES ('heartbeat', ?1) ON CONFLICT(key) DO UPDATE SET value = ?1
            """, arguments: [at.description])
    }
}
