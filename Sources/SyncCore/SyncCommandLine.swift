/// mediad-sync's command line, parsed by hand (three commands and three options do not need a
/// parser library in an unprivileged daemon's binary).
public struct SyncInvocation: Sendable, Hashable {
    public enum Command: Sendable, Hashable {
        case run
        case enrol(code: String, computer: String?)
        case status
        /// `--help` or `help [COMMAND]`: nil for the overview.
        case help(String?)
    }

    public var configPath: String
    public var command: Command

    public init(configPath: String, command: Command) {
        self.configPath = configPath
        self.command = command
    }

    public static func parse(_ arguments: [String]) throws(SyncError) -> SyncInvocation {
        var configPath = SyncConfig.defaultPath
        var words: [String] = []
        var options: [String: String] = [:]
        var wantsHelp = false
        var index = 0
        func value(_ name: String, _ inline: String?) throws(SyncError) -> String {
            if let inline { return inline }
            index += 1
            guard index < arguments.count, !arguments[index].hasPrefix("--") else {
                throw .usage(zh: "\(name) 需要一个值", en: "\(name) needs a value")
            }
            return arguments[index]
        }
        while index < arguments.count {
            let argument = arguments[index]
            var name = argument
            var inline: String?
            if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
                name = String(argument[..<equals])
                inline = String(argument[argument.index(after: equals)...])
            }
            switch name {
            case "-h", "--help": wantsHelp = true
            case "--config": configPath = try value(name, inline)
            case "--code", "--computer":
                guard options[name] == nil else { throw .usage(zh: "\(name) 只能给一次", en: "\(name) is given twice") }
                options[name] = try value(name, inline)
            default:
                guard !argument.hasPrefix("-") else {
                    throw .usage(zh: "未知的选项 \(argument)；见 mediad-sync --help", en: "unknown option \(argument); see mediad-sync --help")
                }
                words.append(argument)
            }
            index += 1
        }
        let verb = words.first
        if wantsHelp || verb == "help" {
            let topic = verb == "help" ? words.dropFirst().first : verb
            if let topic, !SyncHelp.commands.contains(topic) {
                throw .usage(zh: "没有命令 \(topic)；可用：\(SyncHelp.commands.joined(separator: ", "))",
                             en: "no command \(topic); commands: \(SyncHelp.commands.joined(separator: ", "))")
            }
            return SyncInvocation(configPath: configPath, command: .help(topic))
        }
        guard words.count <= 1 else {
            throw .usage(zh: "多余的参数 \(words.dropFirst().joined(separator: " "))", en: "unexpected argument \(words.dropFirst().joined(separator: " "))")
        }
        let command: Command
        switch verb ?? "run" {
        case "run", "status":
            guard options.isEmpty else {
                throw .usage(zh: "--code 与 --computer 只用于 enrol", en: "--code and --computer belong to enrol")
            }
            command = verb == "status" ? .status : .run
        case "enrol", "enroll":
            guard let code = options["--code"], !code.isEmpty else {
                throw .usage(zh: "enrol 需要 --code 一次性注册码（中心登记本机时显示）",
                             en: "enrol needs --code CODE, the one-time code the hub showed when this computer was registered")
            }
            command = .enrol(code: code, computer: options["--computer"])
        default:
            throw .usage(zh: "未知的命令 \(verb ?? "")；可用：\(SyncHelp.commands.joined(separator: ", "))",
                         en: "unknown command \(verb ?? ""); commands: \(SyncHelp.commands.joined(separator: ", "))")
        }
        return SyncInvocation(configPath: configPath, command: command)
    }
}

/// What `--help` teaches: what each command does, the configuration keys, the exit statuses.
public enum SyncHelp {
    public static let commands = ["run", "enrol", "status", "help"]

    public static func text(_ topic: String?) -> String {
        switch topic {
        case "run": run
        case "enrol", "enroll": enrol
        case "status": status
        default: overview
        }
    }

    static let overview = """
    mediad-sync — the courier between mediad (this computer's guard) and the unit's hub (mediahub).

    It carries, it is never believed: ledger changes arrive signed by the unit's key and mediad
    checks them; this computer's records leave signed by its own key and the hub checks them. It
    runs unprivileged, as the mediad-sync user, and talks to mediad only through its control socket.

    Usage: mediad-sync [--config PATH] [COMMAND]

    Commands:
      run      the service (the default): ledger changes in, records out, until SIGTERM
      enrol    join this computer to the unit, once, with the hub's one-time code
      status   what mediad holds of the unit, and whether the hub answers
      help     this text, or `help COMMAND`

    Options:
      --config PATH   the configuration file (default \(SyncConfig.defaultPath))

    \(configuration)

    \(exitStatuses)
    """

    static let configuration = """
    Configuration (key = value lines, # starts a comment; a wrong line stops mediad-sync and is named):
      hub = https://HOST:PORT       the hub's courier endpoint (HTTPS only)
      ca = PATH                     PEM file of the hub's certificate or its CA: the only one trusted
      socket = /run/mediad/mediad.sock    mediad's control socket
      state = /var/lib/mediad-sync  where the courier's token is kept (token, mode 0600)
      batch = 500                   records per batch posted to the hub (1–10000)
      wait = 30                     seconds the hub holds a request for ledger changes, and mediad
                                    the ask for records (0–60; 0 holds neither)
      flush = 2                     seconds between asks nobody holds: with wait = 0, to the hub
                                    and to mediad; to an older mediad's outbox (1–3600)
    """

    static let exitStatuses = """
    Exit status:
      0 done · 64 wrong command line · 65 refused by the hub or by mediad · 69 mediad or the hub
      unreachable · 74 state folder or token unreadable/unwritable · 76 the hub's certificate is not
      trusted by `ca` · 77 not allowed (socket group, administrator role) · 78 configuration error
    """

    static let run = """
    mediad-sync run — the service (also what plain `mediad-sync` does).

    Two loops, side by side:
      ledger changes  asks mediad which ledger version it holds, asks the hub for what comes after
                      it (the hub holds the request up to `wait` seconds and answers as soon as the
                      ledger moves), hands what arrives to mediad, which checks and applies it
      records         takes up to `batch` records from mediad's outbox, posts them to the hub, hands
                      the hub's signed receipt back to mediad; again at once while records are owed;
                      when nothing is, mediad holds the ask up to `wait` seconds and answers as soon
                      as a record is written (with wait = 0, or a mediad of an older release, the
                      outbox is looked at every `flush` seconds instead)
    A failure (hub away, mediad restarting, not enrolled yet) is logged once and retried after 1 s,
    doubling to 60 s; while the hub is away only mediad's outbox grows. SIGTERM or SIGINT stops it
    at once, even in the middle of a request (exit 0). Under systemd it reports READY=1.
    Logs go to standard error (the journal).

    \(configuration)
    """

    static let enrol = """
    mediad-sync enrol --code CODE [--computer ASSET] — join this computer to the unit, once.

    First register this computer at the hub (`mediactl computer add`) and have the hub show its
    one-time code. Then, on this computer, as an administrator (root or the admin group of mediad):
      1. mediad makes this computer's key pair (the private key stays with mediad, readable by root only)
      2. the computer's public key and the code go to the hub, which answers the unit's name, the
         unit's public key and this courier's token
      3. mediad pins the unit's key; from now on its ledger is a replica of the unit's
      4. the token is written to STATE/token (mode 0600, owned by the mediad-sync user)
    It prints the unit and the fingerprint of the unit's key: compare it with the hub's screen.

    --computer ASSET  the asset number the hub knows this computer by, when mediad does not know it
                      (or to override what mediad knows)

    \(exitStatuses)
    """

    static let status = """
    mediad-sync status — this computer's place in the unit and the hub's answer.

    Prints the unit and its key fingerprint, this computer's asset number, the ledger version mediad
    holds, the records written and not yet acknowledged by the hub, and whether the hub answers
    GET /v1/health (with its ledger version). Exits 0 when mediad and the hub both answered.
    """
}
