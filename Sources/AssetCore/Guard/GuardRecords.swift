/// Kinds of guard events.
public enum GuardEventKind: String, Sendable, Hashable, Codable {
    /// A device appeared (or was present at start) and was decided.
    case attach
    /// A decided device's identity changed, or its block device appeared, and it was judged again.
    case recheck
    case detach
    case guardStart = "guard-start"
    case guardStop = "guard-stop"
    /// The guard found a gap in its own watch (it was killed, or the machine lost power).
    case guardGap = "guard-gap"
    /// An administrator's temporary override began.
    case allowOnce = "allow-once"
    /// It ended: expired (the device is judged again) or the device was unplugged.
    case allowOnceEnd = "allow-once-end"
    /// A network link was judged: it appeared, or gained carrier, an address or a route.
    case link
    /// A network link that had been judged is gone.
    case linkGone = "link-gone"
    /// This computer's hardware differs from its approved baseline (one event per difference).
    case hardwareChanged = "hardware-changed"
    /// A recorded difference is gone again (the disk put back), without a new baseline.
    case hardwareRestored = "hardware-restored"
    /// This computer joined a unit: its ledger is a replica of the unit's from now on.
    case unitJoined = "unit-joined"
    /// A change set (or snapshot) of the unit ledger was applied to the replica.
    case unitChange = "unit-change"
    /// A payload of the unit was refused (bad signature, another unit, replayed or out of order).
    case unitRefused = "unit-refused"
    /// The guard learnt a registered medium's capacity on first use (`note`: `capacity-bytes=N`).
    case capacityLearnt = "capacity-learnt"
    /// The guard raised a medium's level after its use on a higher computer (`note`: `level=L`).
    case levelRaised = "level-raised"
}

/// One thing the guard saw, as stored and listed by `mediactl events`.
public struct GuardEvent: Sendable, Hashable, Codable {
    public var id: Int64?
    public var at: Timestamp
    public var kind: GuardEventKind
    public var computer: String?
    public var syspath: String?
    public var port: String?
    public var vendorID: String?
    public var productID: String?
    public var serial: String?
    /// Manufacturer and product, as the device names itself (untrusted; shown escaped).
    public var device: String?
    public var decision: Decision?
    public var audited: Bool
    public var mediumNumber: String?
    public var holder: String?
    /// Whether the device can store or record (what `--last-unregistered` looks for).
    public var stores: Bool
    public var observation: USBDeviceObservation?
    public var note: String?

    public init(at: Timestamp, kind: GuardEventKind) {
        self.at = at
        self.kind = kind
        self.audited = false
        self.stores = false
    }
}

/// Who asked the guard to stop: the sender of the signal, as the kernel reports it (siginfo).
public struct StopRequest: Sendable, Hashable, CustomStringConvertible {
    public var signal: String
    public var pid: Int32
    public var uid: UInt32
    /// The sender's user name, when the user database knows the uid.
    public var user: String?
    /// The sender's command name (`/proc/PID/comm`), when it could still be read.
    public var command: String?

    public init(signal: String, pid: Int32, uid: UInt32, user: String? = nil, command: String? = nil) {
        self.signal = signal
        self.pid = pid
        self.uid = uid
        self.user = user
        self.command = command
    }

    /// PID 1 is systemd: `systemctl stop` or a shutdown. Anything else is a person (or a program
    /// run by one) stopping the guard by hand.
    public var bySystemd: Bool { pid == 1 }

    public var description: String {
        "\(signal) from pid \(pid)" + (command.map { " (\($0))" } ?? "") + ", uid \(uid)" + (user.map { " (\($0))" } ?? "")
    }

    /// M18: a requested stop is a gap in the watch that someone chose. By systemd it is medium (it
    /// may be a shutdown); by hand, around systemd, high.
    public var violation: Violation {
        if bySystemd {
            return Violation(type: .guardStopped, severity: .medium, reason: Bilingual(
                zh: "监控被 systemd 停止（systemctl stop 或关机）：\(description)",
                en: "the guard was stopped by systemd (systemctl stop, or a shutdown): \(description)"))
        }
        return Violation(type: .guardStopped, severity: .high, reason: Bilingual(
            zh: "监控被人为停止：\(description)", en: "the guard was stopped by hand: \(description)"))
    }
}

/// What became of a violation when it was found.
public enum ViolationOutcome: String, Sendable, Hashable, Codable {
    /// The device (or interface) was blocked.
    case blocked
    /// The configuration says log only.
    case logged
    /// Audit mode: it would have been blocked.
    case audited

    /// What became of a violation of `type` found in a verdict: the one rule for device and link
    /// records alike.
    public static func of(_ type: ViolationType, audited: Bool, config: GuardConfig) -> ViolationOutcome {
        if audited { return .audited }
        return config.action(for: type) == .block ? .blocked : .logged
    }
}

/// Where a violation stands on its way to a recorded end (发觉一起，查处一起，处理一起): found
/// (open), seen by an officer (acknowledged), handled with a graded outcome (handled). A handled
/// violation can be reopened, with a reason.
public enum ViolationStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case open
    case acknowledged
    case handled

    public var names: Bilingual {
        switch self {
        case .open: Bilingual(zh: "未处置", en: "open")
        case .acknowledged: Bilingual(zh: "已确认", en: "acknowledged")
        case .handled: Bilingual(zh: "已处理", en: "handled")
        }
    }
}

/// The graded outcomes of 查处 (004 §4.2): what was done about a violation, and to whom.
public enum HandlingOutcome: String, Sendable, Hashable, Codable, CaseIterable {
    /// 批评教育
    case criticism
    /// 责令整改
    case rectify
    /// 通报批评
    case notice
    /// 诫勉谈话
    case admonish
    /// 移交处理: handed over for discipline.
    case refer
    /// 误报: nothing happened; needs a reason.
    case falseAlarm = "false-alarm"

    public var names: Bilingual {
        switch self {
        case .criticism: Bilingual(zh: "批评教育", en: "criticism")
        case .rectify: Bilingual(zh: "责令整改", en: "rectify")
        case .notice: Bilingual(zh: "通报批评", en: "notice")
        case .admonish: Bilingual(zh: "诫勉谈话", en: "admonish")
        case .refer: Bilingual(zh: "移交处理", en: "refer")
        case .falseAlarm: Bilingual(zh: "误报", en: "false-alarm")
        }
    }

    /// `criticism` or `批评教育` (what `--outcome` takes).
    public init?(parsing text: String) {
        let key = text.trimmingWhitespace().lowercased()
        guard let outcome = HandlingOutcome.allCases.first(where: { $0.rawValue == key || $0.names.zh == key }) else { return nil }
        self = outcome
    }
}

/// `violations handle`: the outcome, the person held responsible, and the officer's note.
public struct ViolationHandling: Sendable, Hashable, Codable {
    public var id: Int64
    public var outcome: HandlingOutcome
    /// Person id of the one held responsible; none for a false alarm.
    public var responsible: String?
    public var note: String

    public init(id: Int64, outcome: HandlingOutcome, responsible: String?, note: String) {
        self.id = id
        self.outcome = outcome
        self.responsible = responsible
        self.note = note
    }
}

/// A stored violation: what `mediactl violations list` shows and an officer acknowledges.
public struct ViolationRecord: Sendable, Hashable, Codable {
    public var id: Int64?
    public var eventID: Int64?
    public var at: Timestamp
    public var type: ViolationType
    public var severity: Severity
    public var computer: String?
    public var mediumNumber: String?
    public var person: String?
    public var serial: String?
    public var device: String?
    public var outcome: ViolationOutcome
    public var reason: Bilingual
    public var status: ViolationStatus
    public var acknowledgedBy: String?
    public var acknowledgedAt: Timestamp?
    public var note: String?
    /// How it was handled (查处), by whom and when, and who was held responsible.
    public var handling: HandlingOutcome?
    public var responsible: String?
    public var handledBy: String?
    public var handledAt: Timestamp?
    public var handlingNote: String?

    public init(at: Timestamp, type: ViolationType, severity: Severity, outcome: ViolationOutcome, reason: Bilingual) {
        self.at = at
        self.type = type
        self.severity = severity
        self.outcome = outcome
        self.reason = reason
        self.status = .open
    }
}

/// Which violations a listing shows.
public struct ViolationFilter: Sendable, Hashable, Codable {
    public var openOnly: Bool
    public var since: Timestamp?
    /// Only violations in this state (`--state`); `openOnly` is `state == .open`.
    public var state: ViolationStatus?
    /// Only those found on this computer (`--computer`): at the hub, one computer of the unit.
    public var computer: String?
    /// Only those of people of this department (`--department`), as the ledger records them.
    public var department: String?

    public init(openOnly: Bool = false, since: Timestamp? = nil, state: ViolationStatus? = nil, computer: String? = nil,
                department: String? = nil) {
        self.openOnly = openOnly
        self.since = since
        self.state = state
        self.computer = computer
        self.department = department
    }
}
