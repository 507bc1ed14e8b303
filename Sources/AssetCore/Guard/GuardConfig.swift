/// Whether the guard blocks or only records.
public enum GuardMode: String, Sendable, Hashable, Codable {
    /// Block what the rules forbid.
    case enforce
    /// Block nothing, record everything: for rolling out on a computer whose ledger is not complete.
    case audit
}

/// What to do about one kind of violation.
public enum ViolationAction: String, Sendable, Hashable, Codable {
    case block
    case log
    /// Only for `lower-level-medium`: allow the medium and raise its level in the ledger to the
    /// computer's, because from then on it may hold that level's data (000 §5.2.1).
    case raise
}

/// The daemon's configuration (`/etc/mediad/mediad.conf`).
public struct GuardConfig: Sendable, Hashable {
    public var database = LedgerStore.defaultPath
    public var socket = "/run/mediad/mediad.sock"
    /// Where the records the ledger cannot take are kept until it can (`spool = PATH`); nil: see
    /// `spoolPath`.
    public var spool: String?
    public var mode = GuardMode.enforce
    /// Set `authorized_default=0` on every root hub, so nothing new is usable before a verdict.
    public var lockdown = true
    /// Put `authorized_default` back to 1 when the daemon stops. Off by default: fail closed.
    public var releaseOnStop = false
    /// Send every verdict, violation, start and stop to the kernel audit log too (AUDIT_USER_DEVICE
    /// records, when the kernel has audit): a second copy for the system auditor. Never a gate.
    public var kernelAudit = true
    public var actions: [ViolationType: ViolationAction] = GuardConfig.defaultActions
    /// The group that owns the control socket (mode 0660): members may connect; what they may do
    /// is decided by their role groups.
    public var socketGroup = "mediad"
    public var roles = RoleMap()

    public init() {}

    /// The spool: away from the ledger's disk by default (/run is memory), so that a full or
    /// read-only disk does not take the spool with it; beside a ledger named elsewhere (a
    /// developer's or a test's), so that two ledgers never share one.
    public var spoolPath: String {
        spool ?? (database == LedgerStore.defaultPath ? "/run/mediad/ledger.spool" : database + ".spool")
    }

    /// Everything blocks except what only needs an officer's attention.
    public static let defaultActions: [ViolationType: ViolationAction] = {
        var actions = Dictionary(uniqueKeysWithValues: ViolationType.allCases.map { ($0, ViolationAction.block) })
        actions[.overdue] = .log
        actions[.lowerLevelMedium] = .raise
        // A printer on a classified computer prints what the computer holds: the officer must know,
        // but stopping it mid-job is for the unit to decide (`unregistered-peripheral = block`).
        actions[.unregisteredPeripheral] = .log
        return actions
    }()

    public func action(for type: ViolationType) -> ViolationAction { actions[type] ?? .block }

    /// Parses the `key = value` file, with an `[actions]` section of `violation-type = block|log`.
    /// Every mistake is reported with its line: a daemon that guesses at its configuration fails open.
    public static func parse(_ text: String) throws(LedgerError) -> GuardConfig {
        var config = GuardConfig()
        var section = ""
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = index + 1
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init)?
                .trimmingWhitespace() ?? ""
            if line.isEmpty { continue }
            if line.hasPrefix("[") && line.hasSuffix("]") {
                section = String(line.dropFirst().dropLast()).trimmingWhitespace()
                guard section == "actions" else { throw bad(lineNumber, "unknown section [\(section)]; the only section is [actions]") }
                continue
            }
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingWhitespace() }
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { throw bad(lineNumber, "expected key = value") }
            let (key, value) = (parts[0].lowercased(), parts[1])
            if section == "actions" {
                guard let type = ViolationType(parsing: key) else {
                    throw bad(lineNumber, "unknown violation type '\(key)'; known: \(ViolationType.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                // A setting that cannot take effect is refused rather than silently ignored.
                guard !type.blocksNothing else {
                    throw bad(lineNumber, "'\(type.rawValue)' blocks nothing (there is no device or link to block; it is always recorded as logged): remove this line")
                }
                config.actions[type] = try action(value, for: type, lineNumber)
                continue
            }
            switch key {
            case "database": config.database = value
            case "socket": config.socket = value
            case "spool": config.spool = value
            case "mode":
                guard let mode = GuardMode(rawValue: value.lowercased()) else { throw bad(lineNumber, "mode takes enforce or audit") }
                config.mode = mode
            case "lockdown": config.lockdown = try yesNo(value, lineNumber)
            case "release-on-stop": config.releaseOnStop = try yesNo(value, lineNumber)
            case "kernel-audit": config.kernelAudit = try yesNo(value, lineNumber)
            case "socket-group": config.socketGroup = value
            case ViolationType.lowerLevelMedium.rawValue:
                // The one rule with three choices, also accepted outside [actions].
                config.actions[.lowerLevelMedium] = try action(value, for: .lowerLevelMedium, lineNumber)
            case "admin-groups": config.roles.admin = try groups(value, lineNumber)
            case "officer-groups": config.roles.officer = try groups(value, lineNumber)
            case "auditor-groups": config.roles.auditor = try groups(value, lineNumber)
            case "courier-groups": config.roles.courier = try groups(value, lineNumber)
            default: throw bad(lineNumber, "unknown setting '\(key)'")
            }
        }
        return config
    }

    /// What to do about violations of `type`: block or log, and for `lower-level-medium` also raise.
    private static func action(_ value: String, for type: ViolationType, _ line: Int) throws(LedgerError) -> ViolationAction {
        let choices: [ViolationAction] = type == .lowerLevelMedium ? [.raise, .block, .log] : [.block, .log]
        guard let action = ViolationAction(rawValue: value.lowercased()), choices.contains(action) else {
            throw bad(line, "'\(type.rawValue)' takes \(choices.map(\.rawValue).joined(separator: ", ")), not '\(value)'")
        }
        return action
    }

    private static func groups(_ value: String, _ line: Int) throws(LedgerError) -> [String] {
        let list = Parse.list(value)
        guard !list.isEmpty else { throw bad(line, "expected group names or gids, comma-separated") }
        return list
    }

    private static func yesNo(_ value: String, _ line: Int) throws(LedgerError) -> Bool {
        switch value.lowercased() {
        case "yes", "true", "on", "1": return true
        case "no", "false", "off", "0": return false
        default: throw bad(line, "expected yes or no, not '\(value)'")
        }
    }

    private static func bad(_ line: Int, _ message: String) -> LedgerError {
        LedgerError(.validation, zh: "配置文件第 \(line) 行：\(message)", en: "configuration line \(line): \(message)")
    }
}

extension GuardConfig {
    /// M18: why a guard with this configuration watches less than the rules ask of a classified
    /// computer (audit mode lets everything in; without lockdown a device is usable before its
    /// verdict), nil when it watches fully or the computer is not classified.
    public func weakness(on host: Computer?) -> Bilingual? {
        guard let host, host.level.isStateSecret else { return nil }
        var zh: [String] = [], en: [String] = []
        if mode == .audit { zh.append("审计模式（只记录不阻断）"); en.append("audit mode (records, blocks nothing)") }
        if !lockdown { zh.append("未锁定新设备（lockdown = no）"); en.append("no lockdown (lockdown = no)") }
        guard !zh.isEmpty else { return nil }
        return Bilingual(zh: "涉密计算机 \(host.assetNumber) 上的监控以削弱方式启动：" + zh.joined(separator: "，"),
                         en: "the guard started weakened on classified computer \(host.assetNumber): " + en.joined(separator: ", "))
    }
}
