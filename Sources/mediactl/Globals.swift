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

    @Option(name: .long, help: ArgumentHelp("Language of output: zh or en (default: from LANG).", valueName: "zh|en"))
    var lang: Language?

    @Option(name: .long, help: ArgumentHelp("mediad's control socket (default /run/mediad/mediad.sock).", valueName: "path"))
    var socket: String?

    var language: Language { lang ?? .ofEnvironment }
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

    /// The ledger file for local mode (`--db` or $MEDIAD_DB); nil means: ask the running daemon.
    var localDatabase: String? {
        globals.db ?? ProcessInfo.processInfo.environment["MEDIAD_DB"].flatMap { $0.isEmpty ? nil : $0 }
    }

    var socketPath: String {
        globals.socket ?? ProcessInfo.processInfo.environment["MEDIAD_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ControlClient.defaultPath
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

    func fail(_ error: any CommandFailure) -> ExitCode {
        Output.fail(error, language)
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
