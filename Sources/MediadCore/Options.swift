#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import AssetCore

/// mediad's command line: four options and `--version`, read by `OptionParser` (the one parser of
/// mediad's modes).
struct DaemonOptions {
    static let defaultConfig = "/etc/mediad/mediad.conf"

    var configPath: String?
    var database: String?
    var mode: GuardMode?
    var socket: String?

    static let usage = """
        usage: mediad [--config FILE] [--db PATH] [--mode enforce|audit] [--socket PATH]
               mediad --inventory

        Guards this computer's USB ports: every device is blocked until the storage-media ledger allows
        it, and every verdict and violation is recorded. Runs in the foreground (systemd starts it).

          --config FILE   configuration (default /etc/mediad/mediad.conf when it exists)
          --db PATH       the ledger database (default /var/lib/mediad/mediad.db)
          --mode MODE     enforce (block violations) or audit (block nothing, record everything)
          --socket PATH   the control socket for mediactl (default /run/mediad/mediad.sock)
          --version       print the version
          --inventory     print this computer's hardware inventory as JSON and exit
        """

    enum Outcome {
        case run(DaemonOptions)
        case exit(message: String, status: Int32)
    }

    static let parser = OptionParser(valued: ["--config", "--db", "--mode", "--socket"], flags: ["--version"])

    static func parse(_ arguments: [String]) -> Outcome {
        let words: [OptionParser.Word]
        do {
            switch try parser.parse(arguments) {
            case .help: return .exit(message: usage, status: ExitStatus.success)
            case .words(let read): words = read
            }
        } catch {
            switch error {
            case .missingValue(let name): return needsValue(name)
            case .unknown(let word): return .exit(message: "mediad: unknown option '\(word)'\n\n\(usage)", status: ExitStatus.usage)
            }
        }
        var options = DaemonOptions()
        for word in words {
            switch word {
            case .flag:   // --version
                return .exit(message: "mediad \(MediadVersion.string)", status: ExitStatus.success)
            case .option(let name, let value):
                guard !value.isEmpty else { return needsValue(name) }
                switch name {
                case "--config": options.configPath = value
                case "--db": options.database = value
                case "--socket": options.socket = value
                default:
                    guard let mode = GuardMode(rawValue: value) else {
                        return .exit(message: "mediad: --mode takes enforce or audit, not '\(value)'", status: ExitStatus.usage)
                    }
                    options.mode = mode
                }
            }
        }
        return .run(options)
    }

    private static func needsValue(_ name: String) -> Outcome {
        .exit(message: "mediad: \(name) needs a value\n\n\(usage)", status: ExitStatus.usage)
    }

    /// The configuration in force: the file (when there is one), then the command line over it.
    func configuration() throws(LedgerError) -> GuardConfig {
        var config = GuardConfig()
        let path = configPath ?? (FileManager.default.fileExists(atPath: Self.defaultConfig) ? Self.defaultConfig : nil)
        if let path {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw LedgerError(.notFound, zh: "无法读取配置文件 \(path)", en: "cannot read the configuration file \(path)")
            }
            do {
                config = try GuardConfig.parse(String(decoding: data, as: UTF8.self))
            } catch {
                throw LedgerError(error.kind, zh: "\(path)：\(error.message.zh)", en: "\(path): \(error.message.en)")
            }
        }
        if let database { config.database = database }
        if let mode { config.mode = mode }
        if let socket { config.socket = socket }
        return config
    }
}

