/// 保密检查 (M19): `mediactl inspect` checks this computer now and says, for each item, pass, warn or
/// fail, why, and what to do. The rules are this pure function of `InspectionFacts`, so the daemon
/// (which knows the live half) and mediactl's local mode (which does not) judge alike, and a missing
/// live half is a failure, never a pass: an inspection must not fail open.
public enum InspectionStatus: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case pass, warn, fail

    public static func < (lhs: InspectionStatus, rhs: InspectionStatus) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    public var names: Bilingual {
        switch self {
        case .pass: Bilingual(zh: "通过", en: "pass")
        case .warn: Bilingual(zh: "警告", en: "warn")
        case .fail: Bilingual(zh: "不通过", en: "fail")
        }
    }
}

/// The items of an inspection, in the order they are reported. Raw values are stored in the
/// `inspection` table's JSON and printed by `--format json`: never rename one.
public enum InspectionCheck: String, Sendable, Hashable, Codable, CaseIterable {
    case guardRunning = "guard", host, links, devices, trail, gaps, violations, loans, departed
    case mediaCheck = "media-check", clock

    /// The item as the inspector reads it.
    public var title: Bilingual {
        switch self {
        case .guardRunning: Bilingual(zh: "监控程序运行、强制模式、端口锁定", en: "Guard running, enforcing, locked down")
        case .host: Bilingual(zh: "本机登记（密级、网络、责任人）", en: "This computer's record (level, network, holder)")
        case .links: Bilingual(zh: "网络连接符合本机网络类型", en: "Network links within the network profile")
        case .devices: Bilingual(zh: "可用设备均有准许裁决", en: "Every usable device has an allow verdict")
        case .trail: Bilingual(zh: "审计日志完整", en: "Admin trail intact")
        case .gaps: Bilingual(zh: "上次检查以来无监控中断", en: "No guard gap since the last inspection")
        case .violations: Bilingual(zh: "无超过30天未处置的违规", en: "No violation open for over 30 days")
        case .loans: Bilingual(zh: "无逾期未还的介质", en: "No overdue loan or carry-out")
        case .departed: Bilingual(zh: "离岗人员不再持有介质", en: "No media held by people who have left")
        case .mediaCheck: Bilingual(zh: "半年内完成过介质清查", en: "A media check finished within six months")
        case .clock: Bilingual(zh: "系统时间不早于台账最新记录", en: "Clock not behind the ledger's newest record")
        }
    }
}

/// One item's finding. `action` is nil when it passed: there is nothing to do.
public struct InspectionItem: Sendable, Hashable, Codable {
    public var id: InspectionCheck
    public var status: InspectionStatus
    public var reason: Bilingual
    public var action: Bilingual?

    public init(_ id: InspectionCheck, _ status: InspectionStatus, _ reason: Bilingual, action: Bilingual? = nil) {
        self.id = id
        self.status = status
        self.reason = reason
        self.action = action
    }
}

/// What only the running daemon knows. nil in `InspectionFacts` when mediad is not running or not
/// reachable (mediactl `--db`): then the guard's items fail.
public struct LiveFacts: Sendable, Hashable, Codable {
    public var mode: GuardMode
    public var lockdown: Bool
    /// False when rtnetlink could not be opened: the links are not watched.
    public var linkWatch: Bool
    public var links: [LinkState]
    /// Every USB device present (not root hubs): those the guard decided, and any it never did.
    public var devices: [PresentDevice]
    /// False when sysfs could not be listed: devices the guard never saw may be missing.
    public var devicesListed: Bool
    /// Root hubs whose `authorized_default` is not 0 now, though lockdown is on: new devices are
    /// usable before they are judged (someone wrote it behind the guard's back).
    public var openRootHubs: [String]

    public init(mode: GuardMode, lockdown: Bool, linkWatch: Bool, links: [LinkState], devices: [PresentDevice],
                devicesListed: Bool = true, openRootHubs: [String] = []) {
        self.mode = mode
        self.lockdown = lockdown
        self.linkWatch = linkWatch
        self.links = links
        self.devices = devices
        self.devicesListed = devicesListed
        self.openRootHubs = openRootHubs
    }
}

/// A USB device present now: what sysfs says of it (read at the inspection, not remembered) and the
/// verdict the guard recorded for it.
public struct PresentDevice: Sendable, Hashable, Codable {
    public var port: String
    public var vendorID: String
    public var productID: String
    public var serial: String?
    /// sysfs `authorized` now; nil when it could not be read.
    public var authorized: Bool?
    /// The recorded verdict (an allow-once override in force counts as allow); nil when none.
    public var decision: Decision?
    /// Judged in audit mode: `decision` is what enforce mode would do, and the device was let in anyway.
    public var audited: Bool

    public init(port: String, vendorID: String, productID: String, serial: String?, authorized: Bool?,
                decision: Decision?, audited: Bool) {
        self.port = port
        self.vendorID = vendorID
        self.productID = productID
        self.serial = serial
        self.authorized = authorized
        self.decision = decision
        self.audited = audited
    }

    var label: String { "\(port) (\(vendorID):\(productID)\(serial.map { " \($0)" } ?? ""))" }
}

/// A medium out on loan or carried out, with its due day.
public struct OutstandingLoan: Sendable, Hashable, Codable {
    public var number: String
    public var person: String
    public var due: Day

    public init(number: String, person: String, due: Day) {
        self.number = number
        self.person = person
        self.due = due
    }
}

/// A medium (not destroyed or handed back) whose holder or borrower has left.
public struct HeldByDeparted: Sendable, Hashable, Codable {
    public var number: String
    public var person: String
    public var departedOn: Day

    public init(number: String, person: String, departedOn: Day) {
        self.number = number
        self.person = person
        self.departedOn = departedOn
    }
}

/// Everything an inspection judges: the live half from mediad, the rest from the ledger.
public struct InspectionFacts: Sendable {
    public var now: Timestamp
    public var live: LiveFacts?
    public var host: Computer?
    public var trail: TrailVerification
    public var lastInspection: Timestamp?
    /// Guard gaps recorded after the events the last inspection read (every one on record before
    /// the first inspection).
    public var gapsSinceLastInspection: [Timestamp]
    /// The oldest violation still open, with its id.
    public var oldestOpenViolation: (id: Int64, at: Timestamp)?
    public var loans: [OutstandingLoan]
    public var heldByDeparted: [HeldByDeparted]
    /// When the last media check (清查) that finished ended; nil when none ever did.
    public var lastFinishedCheck: Timestamp?
    /// The newest time stamped on any ledger record.
    public var newestRecord: Timestamp?

    public init(now: Timestamp, live: LiveFacts?, host: Computer?, trail: TrailVerification, lastInspection: Timestamp?,
                gapsSinceLastInspection: [Timestamp], oldestOpenViolation: (id: Int64, at: Timestamp)?,
                loans: [OutstandingLoan], heldByDeparted: [HeldByDeparted], lastFinishedCheck: Timestamp?,
                newestRecord: Timestamp?) {
        self.now = now
        self.live = live
        self.host = host
        self.trail = trail
        self.lastInspection = lastInspection
        self.gapsSinceLastInspection = gapsSinceLastInspection
        self.oldestOpenViolation = oldestOpenViolation
        self.loans = loans
        self.heldByDeparted = heldByDeparted
        self.lastFinishedCheck = lastFinishedCheck
        self.newestRecord = newestRecord
    }
}

/// One stored run: who, when, the result and every item (`inspection` table).
public struct InspectionRecord: Sendable, Hashable, Codable {
    public var id: Int64?
    public var at: Timestamp
    public var actor: Actor
    public var result: InspectionStatus
    public var items: [InspectionItem]
    /// The asset number of the computer inspected, for the printed form; not stored (the ledger is
    /// this computer's own).
    public var computer: String?

    public init(id: Int64? = nil, at: Timestamp, actor: Actor, result: InspectionStatus, items: [InspectionItem],
                computer: String? = nil) {
        self.id = id
        self.at = at
        self.actor = actor
        self.result = result
        self.items = items
        self.computer = computer
    }

    /// The items that failed, for listings and the audit report.
    public var failing: [InspectionCheck] { items.filter { $0.status == .fail }.map(\.id) }
}
