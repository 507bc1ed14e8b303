/// A record the ledger could not take when it was made, kept in the spool until it can: the event as
/// it was carried out (the device blocked, because nothing is allowed without a stored verdict) and
/// the violations the policy found, when the ledger could still be read.
public struct SpooledRecord: Sendable, Hashable, Codable {
    public var event: GuardEvent
    public var violations: [ViolationRecord]

    public init(event: GuardEvent, violations: [ViolationRecord] = []) {
        self.event = event
        self.violations = violations
    }
}

/// What `mediactl status` shows while the ledger cannot store records: an operator must see at
/// once that devices are being blocked because of the disk, not because of the rules.
public struct LedgerTrouble: Sendable, Hashable, Codable {
    /// When the first record failed.
    public var since: Timestamp
    /// The ledger's own error, as it was when the trouble began.
    public var reason: String
    /// Records waiting in the spool.
    public var spooled: Int
    /// Records the spool could not take (it was full): they are lost, and counted in the violation.
    public var dropped: Int
    /// Devices blocked only because their verdict could not be stored: decided again once it can.
    public var blocked: Int
    /// Where the spool is kept.
    public var spool: String
    /// Why the spool file cannot be written, when it cannot (its records are then held in memory).
    public var spoolFailure: String?

    public init(since: Timestamp, reason: String, spooled: Int, dropped: Int, blocked: Int, spool: String,
                spoolFailure: String? = nil) {
        self.since = since
        self.reason = reason
        self.spooled = spooled
        self.dropped = dropped
        self.blocked = blocked
        self.spool = spool
        self.spoolFailure = spoolFailure
    }
}

/// A time the ledger could not store records, as the `ledger-unavailable` violation records it.
public struct LedgerOutage: Sendable, Hashable {
    public var since: Timestamp
    public var until: Timestamp
    public var reason: String
    /// Records lost because the spool was full.
    public var dropped: Int
    /// Devices blocked because their verdict could not be stored.
    public var blocked: Int
    /// The spool was left by an earlier run of mediad (stopped or killed while the ledger failed).
    public var leftByEarlierRun: Bool

    public init(since: Timestamp, until: Timestamp, reason: String, dropped: Int, blocked: Int, leftByEarlierRun: Bool = false) {
        self.since = since
        self.until = until
        self.reason = reason
        self.dropped = dropped
        self.blocked = blocked
        self.leftByEarlierRun = leftByEarlierRun
    }

    /// The violation's reason: what happened, for how long, and what became of the records.
    func violation(written: Int) -> Violation {
        let earlier = leftByEarlierRun ? Bilingual(zh: "（由上次运行留存）", en: " (left by an earlier run)") : Bilingual(zh: "", en: "")
        let lost = dropped == 0 ? Bilingual(zh: "", en: "")
            : Bilingual(zh: "；暂存区已满，\(dropped) 条记录丢失", en: "; the spool was full and \(dropped) records were lost")
        return Violation(type: .ledgerUnavailable, severity: .high, reason: Bilingual(
            zh: "台账自 \(since) 至 \(until) 无法写入（\(reason)）：\(written) 条暂存记录\(earlier.zh)现已写入\(lost.zh)；"
                + "其间 \(blocked) 个设备因裁决无法记录而被阻断",
            en: "the ledger could not store records from \(since) to \(until) (\(reason)): \(written) spooled records\(earlier.en) "
                + "are written now\(lost.en); \(blocked) devices were blocked meanwhile because their verdict could not be stored"))
    }
}
