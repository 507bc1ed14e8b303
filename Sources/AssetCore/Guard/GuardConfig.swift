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
}

/// The daemon's configuration (`/etc/mediad/mediad.conf`).
public struct GuardConfig: Sendable, Hashable {
    public var database = LedgerStore.defaultPath
    public var socket = "/run/mediad/mediad.sock"
    public var mode = GuardMode.enforce
    /// Set `authorized_default=0` on every root hub, so nothing new is usable before a verdict.
    public var lockdown = true
    /// Put `authorized_default` back to 1 when the daemon stops. Off by default: fail closed.
    public var releaseOnStop = false
    public var actions: [ViolationType: ViolationAction] = GuardConfig.defaultActions
    /// The group that owns the control socket (mode 0660): members may connect; what they may do
    /// is decided by their role groups.
    public var socketGroup = "mediad"
    public var roles = RoleMap()

    public init() {}

    /// Everything blocks except what only needs an officer's attention.
    public static let defaultActions: [ViolationType: ViolationAction] = {
        var actions = Dictionary(uniqueKeysWithValues: ViolationType.allCases.map { ($0, ViolationAction.block) })
        actions[.overdue] = .log
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
                guard let action = ViolationAction(rawValue: value.lowercased()) else { throw bad(lineNumber, "'\(key)' takes block or log") }
                config.actions[type] = action
                continue
            }
            switch key {
            case "database": config.database = value
            case "socket": config.socket = value
            case "mode":
                guard let mode = GuardMode(rawValue: value.lowercased()) else { throw bad(lineNumber, "mode takes enforce or audit") }
                config.mode = mode
            case "lockdown": config.lockdown = try yesNo(value, lineNumber)
            case "release-on-stop": config.releaseOnStop = try yesNo(value, lineNumber)
            case "socket-group": config.socketGroup = value
            case "admin-groups": config.roles.admin = try groups(value, lineNumber)
            case "officer-groups": config.roles.officer = try groups(value, lineNumber)
            case "auditor-groups": config.roles.auditor = try groups(value, lineNumber)
            default: throw bad(lineNumber, "unknown setting '\(key)'")
            }
        }
        return config
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
