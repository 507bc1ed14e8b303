/// What mediactl can ask the running daemon: any ledger request, plus the live verbs only the
/// daemon can answer.
public enum ControlCall: Sendable, Hashable, Codable {
    case ledger(Request)
    case status
    case devices
    /// Keep the connection open and receive every event and violation as it happens.
    case watch
    case allowOnce(AllowOnce)
    case links
    /// `media list` / `violations list` printed by the daemon and streamed back as it is read: raw
    /// frames of the report's bytes (`ControlProtocol.reportChunkHeader`), then `.finished` or
    /// `.error`. A million-row ledger would not fit one reply frame, and building it as one cost
    /// the daemon gigabytes.
    case report(ReportCall)
    /// 保密检查: the daemon adds what only it knows (`LiveFacts`), then judges and stores the run.
    case inspect
    /// `computer inventory` / `computer baseline`: the daemon reads the hardware itself (as root, the
    /// way it compares it) and serves the ledger request with what it read; a client's inventory is
    /// never taken on trust.
    case hardware(HardwareAsk)
    /// The unit: enrolment, ledger changes in, records out (`UnitCall`).
    case unit(UnitCall)
    /// What only the hub answers (`HubCall`); mediad refuses it.
    case hub(HubCall)

    public var permission: Permission {
        switch self {
        case .ledger(let request): request.permission
        case .report(let call): call.listing.request.permission
        case .status, .devices, .watch, .links, .inspect: .read
        case .hardware(let ask): ask.request(HardwareInventory()).permission
        case .allowOnce: .administer
        case .unit(let call): call.permission
        case .hub(let call): call.permission
        }
    }

    public var verb: String {
        switch self {
        case .ledger(let request): request.verb
        case .report(let call): call.listing.request.verb
        case .status: "status"
        case .devices: "devices"
        case .watch: "watch"
        case .allowOnce: "allow-once"
        case .links: "links"
        case .inspect: "inspect"
        case .hardware(let ask): ask.request(HardwareInventory()).verb
        case .unit(let call): call.verb
        case .hub(let call): call.verb
        }
    }
}

/// What a client asks of the hardware the daemon reads.
public enum HardwareAsk: Sendable, Hashable, Codable {
    case inventory
    case baseline(approver: String, note: String?)

    /// The ledger request this becomes once the daemon has read `present`.
    public func request(_ present: HardwareInventory) -> Request {
        switch self {
        case .inventory: .computerInventory(present)
        case .baseline(let approver, let note): .computerBaseline(BaselineRequest(inventory: present, approver: approver, note: note))
        }
    }
}

/// A listing as the caller wants to read it: the daemon prints it in this format and language.
public struct ReportCall: Sendable, Hashable, Codable {
    public var listing: Listing
    public var format: ReportFormat
    public var language: Language
    /// The zone the caller reads times in; nil (an older mediactl) is the daemon's own.
    public var zone: ZoneChoice?

    public init(listing: Listing, format: ReportFormat, language: Language, zone: ZoneChoice? = nil) {
        self.listing = listing
        self.format = format
        self.language = language
        self.zone = zone
    }
}

/// An administrator's temporary override: this device, for this long, for this reason.
public struct AllowOnce: Sendable, Hashable, Codable {
    /// A sysfs path, a port (`1-1.4`) or a serial, as `mediactl devices` shows them.
    public var device: String
    public var minutes: Double
    public var reason: String

    public init(device: String, minutes: Double, reason: String) {
        self.device = device
        self.minutes = minutes
        self.reason = reason
    }

    /// Overrides are for minutes, not for ever: a week at most.
    public static let longest = 7 * 24 * 60.0
}

/// One request frame.
public struct ControlRequest: Sendable, Hashable, Codable {
    public var version: Int
    public var call: ControlCall

    public init(call: ControlCall, version: Int = ControlProtocol.version) {
        self.version = version
        self.call = call
    }
}

/// One reply frame; `watch` gets many.
public enum ControlReply: Sendable, Hashable, Codable {
    case response(Response)
    case status(GuardStatus)
    case devices([AttachedDevice])
    case event(WatchItem)
    case links([LinkState])
    case error(LedgerError)
    /// One inspection, as stored.
    case inspection(InspectionRecord)
    case unit(UnitReply)
    case hub(HubReply)
    /// The end of a streamed report: every byte of it was sent.
    case finished
}

/// One network interface now, and the verdict it is under (nil when it was never judged).
public struct LinkState: Sendable, Hashable, Codable {
    public var link: LinkObservation
    public var verdict: LinkVerdict?

    public init(link: LinkObservation, verdict: LinkVerdict?) {
        self.link = link
        self.verdict = verdict
    }
}

public struct ControlResponse: Sendable, Hashable, Codable {
    public var version: Int
    public var reply: ControlReply

    public init(reply: ControlReply, version: Int = ControlProtocol.version) {
        self.version = version
        self.reply = reply
    }
}

/// `mediactl status`.
public struct GuardStatus: Sendable, Hashable, Codable {
    public var version: String
    public var startedAt: Timestamp
    public var uptimeSeconds: Int64
    public var mode: GuardMode
    public var lockdown: Bool
    public var host: Computer?
    public var mediaRegistered: Int
    public var openViolations: Int
    public var devicesAttached: Int
    public var lastEvent: GuardEvent?
    /// Set while the ledger cannot store records (a full or read-only disk, a damaged file).
    public var ledgerTrouble: LedgerTrouble?

    public init(version: String, startedAt: Timestamp, uptimeSeconds: Int64, mode: GuardMode, lockdown: Bool,
                host: Computer?, mediaRegistered: Int, openViolations: Int, devicesAttached: Int, lastEvent: GuardEvent?,
                ledgerTrouble: LedgerTrouble? = nil) {
        self.version = version
        self.startedAt = startedAt
        self.uptimeSeconds = uptimeSeconds
        self.mode = mode
        self.lockdown = lockdown
        self.host = host
        self.mediaRegistered = mediaRegistered
        self.openViolations = openViolations
        self.devicesAttached = devicesAttached
        self.lastEvent = lastEvent
        self.ledgerTrouble = ledgerTrouble
    }
}

/// A device attached now, with the verdict it is under (`mediactl devices`).
public struct AttachedDevice: Sendable, Hashable, Codable {
    public var observation: USBDeviceObservation
    public var decision: Decision
    public var audited: Bool
    public var mediumNumber: String?
    public var violations: [ViolationType]
    /// Set while an administrator's allow-once override is in force.
    public var allowedUntil: Timestamp?

    public init(observation: USBDeviceObservation, decision: Decision, audited: Bool, mediumNumber: String?,
                violations: [ViolationType], allowedUntil: Timestamp?) {
        self.observation = observation
        self.decision = decision
        self.audited = audited
        self.mediumNumber = mediumNumber
        self.violations = violations
        self.allowedUntil = allowedUntil
    }
}

/// One item of `mediactl watch`: an event and the violations found with it.
public struct WatchItem: Sendable, Hashable, Codable {
    public var event: GuardEvent
    public var violations: [Violation]

    public init(event: GuardEvent, violations: [Violation]) {
        self.event = event
        self.violations = violations
    }
}
