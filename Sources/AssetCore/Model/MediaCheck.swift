/// 清查核对 (001 §3.7, 002 §8.3 every six months, 004 §4.1): the officer finds and sees every medium
/// the ledger says exists, and follows up the ones that are missing. A check fixes at its start which
/// media it expects (its scope), records each medium seen (plugged in, or typed and scanned), and at
/// its end turns every medium not seen into a violation. One check is open at a time, so a sighting
/// the guard records can belong to one check only.

/// Which media a check expects: all of them, one department's, or one holder's.
public enum CheckScope: Sendable, Hashable, Codable {
    case all
    case department(String)
    case holder(String)

    /// The `scope` column: `all`, `department` or `holder`.
    public var kind: String {
        switch self {
        case .all: "all"
        case .department: "department"
        case .holder: "holder"
        }
    }

    /// The `scope_value` column: the department or the person id.
    public var value: String? {
        switch self {
        case .all: nil
        case .department(let name), .holder(let name): name
        }
    }

    /// `--scope all`, `--scope department D`, `--scope holder P` (the words as typed).
    public init(parsing words: [String]) throws(LedgerError) {
        let words = words.map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
        switch (words.first?.lowercased(), words.count) {
        case ("all", 1): self = .all
        case ("department", 2): self = .department(words[1])
        case ("holder", 2): self = .holder(words[1])
        default:
            throw LedgerError(.usage,
                zh: "清查范围 “\(SafeText.escape(words.joined(separator: " ")))” 无效：应为 --scope all、--scope department 部门名称 或 --scope holder 人员编号",
                en: "check scope '\(SafeText.escape(words.joined(separator: " ")))' is not valid: use --scope all, --scope department NAME or --scope holder PERSON-ID")
        }
    }

    /// In JSON as the ledger stores it: `{"kind": "department", "value": "技术部"}`, which a script
    /// reads more easily than Swift's default form for an enum with a value.
    private enum CodingKeys: String, CodingKey { case kind, value }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try container.decode(String.self, forKey: .kind)
        guard let scope = CheckScope(kind: kind, value: try container.decodeIfPresent(String.self, forKey: .value)) else {
            throw DecodingError.dataCorruptedError(forKey: .kind, in: container, debugDescription: "unknown check scope \(kind)")
        }
        self = scope
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        try container.encodeIfPresent(value, forKey: .value)
    }

    /// Reads the stored pair back; nil for a pair no release wrote.
    public init?(kind: String, value: String?) {
        switch (kind, value) {
        case ("all", _): self = .all
        case ("department", let value?): self = .department(value)
        case ("holder", let value?): self = .holder(value)
        default: return nil
        }
    }

    public var names: Bilingual {
        switch self {
        case .all: Bilingual(zh: "全部介质", en: "all media")
        case .department(let name): Bilingual(zh: "部门 \(name)", en: "department \(name)")
        case .holder(let id): Bilingual(zh: "责任人 \(id)", en: "holder \(id)")
        }
    }

    /// A medium in one of these states is expected at a check: it should be somewhere the officer
    /// can see it. Destroyed and handed-back media no longer belong to the unit's stock, and a lost
    /// medium is already known to be missing (seeing one is the critical case, not its absence).
    public static func expects(_ state: MediumState) -> Bool {
        switch state {
        case .destroyed, .handedBack, .lost: false
        case .inService, .loaned, .carriedOut, .underRepair, .pendingDestruction: true
        }
    }

    /// A medium seen at a check in one of these states should not exist at all: a critical
    /// violation when the check is finished.
    public static func forbidsSighting(_ state: MediumState) -> Bool {
        state == .lost || state == .destroyed
    }
}

/// Where a check stands.
public enum CheckState: String, Sendable, Hashable, Codable, CaseIterable {
    case open
    case finished
    case cancelled

    public var names: Bilingual {
        switch self {
        case .open: Bilingual(zh: "进行中", en: "open")
        case .finished: Bilingual(zh: "已完成", en: "finished")
        case .cancelled: Bilingual(zh: "已取消", en: "cancelled")
        }
    }
}

/// How a medium was seen: plugged into this computer while the check was open (the guard recorded
/// it), or its number typed or scanned by the officer.
public enum SightingMethod: String, Sendable, Hashable, Codable, CaseIterable {
    case plugged
    case typed

    public var names: Bilingual {
        switch self {
        case .plugged: Bilingual(zh: "接入", en: "plugged in")
        case .typed: Bilingual(zh: "录入", en: "typed")
        }
    }
}

/// One check as recorded: who opened it and for whom (the checker named with `--by`), and its end.
public struct MediaCheck: Sendable, Hashable, Codable {
    public var id: Int64
    public var scope: CheckScope
    /// The person who does the check (`--by`), who signs the form.
    public var checker: String
    public var startedAt: Timestamp
    /// The account that opened it.
    public var actor: Actor
    public var state: CheckState
    public var endedAt: Timestamp?
    public var endedBy: String?
    public var note: String?
    /// How many media it expects, and how many of those were seen so far.
    public var expected: Int
    public var seen: Int

    public init(id: Int64, scope: CheckScope, checker: String, startedAt: Timestamp, actor: Actor, state: CheckState,
                expected: Int = 0, seen: Int = 0) {
        self.id = id
        self.scope = scope
        self.checker = checker
        self.startedAt = startedAt
        self.actor = actor
        self.state = state
        self.expected = expected
        self.seen = seen
    }
}

/// What `check start` asks for.
public struct CheckOpening: Sendable, Hashable, Codable {
    public var scope: CheckScope
    public var checker: String
    public var note: String?

    public init(scope: CheckScope, checker: String, note: String? = nil) {
        self.scope = scope
        self.checker = checker
        self.note = note
    }
}

/// One medium's line in a check: its registration as the check knows it, and its sighting if any.
public struct CheckLine: Sendable, Hashable, Codable {
    public var number: String
    public var holder: String?
    public var department: String?
    /// The medium's state: as fixed at the start for expected media, as the ledger says for others.
    public var state: MediumState
    public var seenAt: Timestamp?
    public var how: SightingMethod?
    /// The guard's verdict when it was plugged in (a blocked medium still counts as seen).
    public var decision: Decision?
    public var eventID: Int64?
    public var seenBy: String?

    public init(number: String, holder: String?, department: String?, state: MediumState) {
        self.number = number
        self.holder = holder
        self.department = department
        self.state = state
    }
}

/// `check status`: the check and its media in three lists, by number.
public struct CheckStatus: Sendable, Hashable, Codable {
    public var check: MediaCheck
    /// Expected and seen.
    public var seen: [CheckLine]
    /// Expected and not (yet) seen.
    public var notSeen: [CheckLine]
    /// Seen but not expected: another department's or holder's, or a lost or destroyed medium.
    public var outside: [CheckLine]
    /// The violations `check finish` opened (empty otherwise).
    public var violations: [ViolationRecord]

    public init(check: MediaCheck, seen: [CheckLine], notSeen: [CheckLine], outside: [CheckLine],
                violations: [ViolationRecord] = []) {
        self.check = check
        self.seen = seen
        self.notSeen = notSeen
        self.outside = outside
        self.violations = violations
    }
}

/// What `check see` did with the numbers it was given.
public struct CheckSightings: Sendable, Hashable, Codable {
    public var checkID: Int64
    /// Seen now for the first time in this check.
    public var recorded: [String]
    /// Seen before in this check (the first sighting stands).
    public var already: [String]
    /// Not in the ledger: nothing recorded for them.
    public var unknown: [String]

    public init(checkID: Int64, recorded: [String] = [], already: [String] = [], unknown: [String] = []) {
        self.checkID = checkID
        self.recorded = recorded
        self.already = already
        self.unknown = unknown
    }
}
