#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import AssetCore

/// mediad's command line. Four options, parsed by hand: swift-argument-parser, which mediactl uses,
/// would cost the idle daemon 1 MiB of resident memory (bench/findings.md, section 5).
struct DaemonOptions {
    static let defaultConfig = "/etc/mediad/mediad.conf"

    var configPath: String?
    var database: String?
    var mode: GuardMode?
    var socket: String?

    static let usage = """
        usage: mediad [--config FILE] [--db PATH] [--mode enforce|audit] [--socket PATH]

        Guards this computer's USB ports: every device is blocked until the storage-media ledger allows
        it, and every verdict and violation is recorded. Runs in the foreground (systemd starts it).

          --config FILE   configuration (default /etc/mediad/mediad.conf when it exists)
          --db PATH       the ledger database (default /var/lib/mediad/mediad.db)
          --mode MODE     enforce (block violations) or audit (block nothing, record everything)
          --socket PATH   the control socket for mediactl (default /run/mediad/mediad.sock)
          --version       print the version
        """

    enum Outcome {
        case run(DaemonOptions)
        case exit(message: String, status: Int32)
    }

    static func parse(_ arguments: [String]) -> Outcome {
        var options = DaemonOptions()
        var index = 0
        func value(_ flag: String) -> String? {
            index += 1
            return index < arguments.count ? arguments[index] : nil
        }
        while index < arguments.count {
            let argument = arguments[index]
            switch argument {
            case "--help", "-h": return .exit(message: usage, status: ExitStatus.success)
            case "--version": return .exit(message: "mediad \(MediadVersion.string)", status: ExitStatus.success)
            case "--config", "--db", "--mode", "--socket":
                guard let given = value(argument), !given.isEmpty else {
                    return .exit(message: "mediad: \(argument) needs a value\n\n\(usage)", status: ExitStatus.usage)
                }
                switch argument {
                case "--config": options.configPath = given
                case "--db": options.database = given
                case "--socket": options.socket = given
                default:
                    guard let mode = GuardMode(rawValue: given) else {
                        return .exit(message: "mediad: --mode takes enforce or audit, not '\(given)'", status: ExitStatus.usage)
                    }
                    options.mode = mode
                }
            default: return .exit(message: "mediad: unknown option '\(argument)'\n\n\(usage)", status: ExitStatus.usage)
            }
            index += 1
        }
        return .run(options)
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

