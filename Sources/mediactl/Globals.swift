import ArgumentParser
import AssetCore
import Foundation

/// Options every command takes: which ledger, which language.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Work on this ledger database directly (local mode).",
                                            valueName: "path"))
    var db: String?

    @Option(name: .long, help: ArgumentHelp("Language of output: zh or en (default: from LANG).", valueName: "zh|en"))
    var lang: String?

    var language: Language {
        if let lang, let chosen = Language(parsing: lang) { return chosen }
        let env = ProcessInfo.processInfo.environment
        return Language.fromLocale(env["LC_ALL"].flatMap { $0.isEmpty ? nil : $0 } ?? env["LC_MESSAGES"] ?? env["LANG"])
    }

    func validate() throws {
        if let lang, Language(parsing: lang) == nil {
            throw ValidationError("--lang takes zh or en, not '\(lang)'")
        }
    }
}

/// Output formats offered on every listing.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv
}

/// One command's conversation with the ledger: resolve who is asking, send one request, print the
/// answer or the error. Holds no rule: every rule is in AssetCore's service.
struct Session {
    let globals: GlobalOptions

    var language: Language { globals.language }

    func perform(_ request: Request) throws -> Response {
        do {
            let path = globals.db ?? ProcessInfo.processInfo.environment["MEDIAD_DB"] ?? LedgerStore.defaultPath
            let service = InventoryService(store: try LedgerStore(path: path))
            let caller = SystemAccounts.currentProcess(sudoUser: ProcessInfo.processInfo.environment["SUDO_USER"])
            return try service.handle(request, caller: caller)
        } catch {
            throw fail(error)
        }
    }

    /// Parses a typed value with AssetCore's parser, turning its error into mediactl's exit.
    func parse<T>(_ body: () throws(LedgerError) -> T) throws -> T {
        do { return try body() } catch { throw fail(error) }
    }

    func fail(_ error: LedgerError) -> ExitCode {
        Output.error(error.text(language))
        return ExitCode(error.exitCode)
    }
}

enum Output {
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
