import ArgumentParser
import AssetCore
import Foundation
import SystemSupport

/// `--tz`, for every command that prints times: they are printed in local time with the offset.
struct ZoneOption: ParsableArguments {
    @Option(help: ArgumentHelp("Time zone for printed times: Asia/Shanghai, +08:00 or UTC (default: TZ, else the system's).",
                               valueName: "zone"))
    var tz: ZoneChoice?

    var zone: ZoneChoice { tz ?? .fromEnvironment(ProcessInfo.processInfo.environment["TZ"]) }
}

/// Options every command takes: which ledger, which language.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Work on this ledger database directly (local mode).",
                                            valueName: "path"))
    var db: String?

    @Flag(name: .long, help: "Ask the unit hub (mediahub) instead of this computer's mediad.")
    var hub = false

    @Option(name: .long, help: ArgumentHelp("Language of output: zh or en (default: from LANG).", valueName: "zh|en"))
    var lang: Language?

    @Option(name: .long, help: ArgumentHelp("The control socket (default /run/mediad/mediad.sock; with --hub "
                                            + "/run/mediahub/mediahub.sock).", valueName: "path"))
    var socket: String?

    var language: Language { lang ?? .ofEnvironment }

    /// `--hub` names where the ledger is (the unit's, at the hub) and `--db` a ledger file: asking
    /// for both cannot be served, and guessing which one was meant could change the wrong ledger.
    func validate() throws {
        if hub && db != nil {
            ArgumentRefusal.record(LedgerError(.usage, zh: "--hub 与 --db 不能同用：--hub 操作单位中心的台账，--db 操作一个台账文件",
                                               en: "--hub and --db do not go together: --hub works on the unit hub's ledger, --db on a ledger file"))
            throw ValidationError("--hub and --db do not go together")
        }
    }
}

/// Which daemon a command talks to, for the socket's default and for errors that name it.
enum ControlDaemon: String, Sendable, Hashable {
    case mediad
    case mediahub

    var defaultSocket: String {
        switch self {
        case .mediad: ControlClient.defaultPath
        case .mediahub: ControlClient.defaultHubPath
        }
    }

    /// The variable that overrides `defaultSocket` (`--socket` overrides both).
    var socketVariable: String {
        switch self {
        case .mediad: "MEDIAD_SOCKET"
        case .mediahub: "MEDIAHUB_SOCKET"
        }
    }

    /// `--socket`, else the daemon's variable when set and not empty, else its default.
    func socketPath(option: String?, environment: [String: String]) -> String {
        option ?? environment[socketVariable].flatMap { $0.isEmpty ? nil : $0 } ?? defaultSocket
    }
}

extension Language {
    /// The reader's language when `--lang` is not given, from the locale variables in the order
    /// gettext reads them.
    static var ofEnvironment: Language {
        let env = ProcessInfo.processInfo.environment
        return fromLocale(env["LC_ALL"].flatMap { $0.isEmpty ? nil : $0 } ?? env["LC_MESSAGES"] ?? env["LANG"])
    }

    /// The language `arguments` ask for, for a message printed before they are parsed (a value the
    /// parser refused): `--lang X` or `--lang=X` where X is understood, else the environment's.
    static func asked(in arguments: [String]) -> Language {
        for (index, argument) in arguments.enumerated() {
            let value = argument.hasPrefix("--lang=") ? String(argument.dropFirst("--lang=".count))
                : argument == "--lang" && index + 1 < arguments.count ? arguments[index + 1] : nil
            if let value, let language = Language(parsing: value) { return language }
        }
        return ofEnvironment
    }
}

/// One command's conversation with the ledger: resolve who is asking, send one request, print the
/// answer or the error. Holds no rule: every rule is in AssetCore's service.
struct Session {
    let globals: GlobalOptions

    var language: Language { globals.language }

    /// The daemon asked: the hub with `--hub`, else this computer's mediad.
    var daemon: ControlDaemon { globals.hub ? .mediahub : .mediad }

    /// The ledger file for local mode (`--db` or $MEDIAD_DB); nil means: ask the running daemon.
    /// With `--hub` never a file: `--db` is refused with it, and $MEDIAD_DB, a default for this
    /// computer's ledger, gives way to the flag that asks for the hub.
    var localDatabase: String? {
        if globals.hub { return nil }
        return globals.db ?? ProcessInfo.processInfo.environment["MEDIAD_DB"].flatMap { $0.isEmpty ? nil : $0 }
    }

    var socketPath: String {
        daemon.socketPath(option: globals.socket, environment: ProcessInfo.processInfo.environment)
    }

    /// A command only the hub answers (`computer enrol`, `unit computers`): without `--hub` it is
    /// refused here, naming the flag, rather than sent to mediad to be refused there.
    func requireHub(_ verb: String) throws {
        guard globals.hub else {
            throw fail(LedgerError(.usage, zh: "“\(verb)” 由单位中心回答：请加 --hub（mediactl --hub \(verb) …）",
                                   en: "'\(verb)' is answered by the unit hub: add --hub (mediactl --hub \(verb) …)"))
        }
    }

    /// One ledger request: served by the daemon over its socket, or, with --db, by the same service
    /// in this process. Either way the same role checks apply.
    func perform(_ request: Request) throws -> Response {
        do {
            if let path = localDatabase {
                let service = InventoryService(store: try LedgerStore(path: path))
                return try service.handle(request, caller: localCaller)
            }
            switch try call(.ledger(request)) {
            case .response(let response): return response
            case .error(let error): throw error
            default: throw ControlClientError.unexpectedReply
            }
        } catch let error as CommandFailure {
            throw fail(error)
        }
    }

    /// Who is asking in local mode: this process's user (or the sudo user behind it).
    var localCaller: Caller {
        SystemAccounts.currentProcess(sudoUser: ProcessInfo.processInfo.environment["SUDO_USER"])
    }

    /// A call only the running daemon can answer (status, devices, allow-once).
    func live(_ call: ControlCall) throws -> ControlReply {
        do {
            guard localDatabase == nil else {
                throw LedgerError(.usage, zh: "“\(call.verb)” 需要连接运行中的 mediad，不能与 --db 同用",
                                  en: "'\(call.verb)' asks the running mediad; it does not work with --db")
            }
            let reply = try self.call(call)
            if case .error(let error) = reply { throw error }
            return reply
        } catch let error as CommandFailure {
            throw fail(error)
        }
    }

    private func call(_ call: ControlCall) throws(ControlClientError) -> ControlReply {
        let client = try ControlClient(path: socketPath)
        defer { client.close() }
        try client.send(call)
        guard let reply = try client.receive() else { throw .unreachable(path: socketPath) }
        return reply
    }

    /// `watch`: every reply until the daemon closes the connection.
    func stream(_ call: ControlCall, _ body: (ControlReply) throws -> Void) throws {
        do {
            guard localDatabase == nil else {
                throw LedgerError(.usage, zh: "watch 需要连接运行中的 mediad", en: "watch asks the running mediad; it does not work with --db")
            }
            let client = try ControlClient(path: socketPath)
            defer { client.close() }
            try client.send(call)
            while let reply = try client.receive() {
                if case .error(let error) = reply { throw error }
                try body(reply)
            }
        } catch let error as CommandFailure {
            throw fail(error)
        }
    }

    /// Runs `body` (a parse with AssetCore's parser, a listing), turning its failure into
    /// mediactl's message and exit status; other errors pass as they are.
    func parse<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as CommandFailure { throw fail(error) }
    }

    /// The failure's line and exit status; a socket's failure names the daemon this session asked.
    func fail(_ error: any CommandFailure) -> ExitCode {
        if var socketError = error as? ControlClientError {
            socketError.daemon = daemon
            return Output.fail(socketError, language)
        }
        return Output.fail(error, language)
    }
}

enum Output {
    /// The error's one line on standard error, and the exit status that says what kind it was.
    static func fail(_ error: any CommandFailure, _ language: Language) -> ExitCode {
        Output.error(error.text(language))
        return ExitCode(error.exitCode)
    }

    static func error(_ message: String) {
        FileHandle.standardError.write(Data("mediactl: \(message)\n".utf8))
    }

    static func warning(_ message: String) {
        FileHandle.standardError.write(Data("mediactl: \(message)\n".utf8))
    }

    static func print(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func json<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }
}
