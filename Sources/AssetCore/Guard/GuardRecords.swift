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

public enum ViolationStatus: String, Sendable, Hashable, Codable {
    case open
    case acknowledged
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

    public init(openOnly: Bool = false, since: Timestamp? = nil) {
        self.openOnly = openOnly
        self.since = since
    }
}
