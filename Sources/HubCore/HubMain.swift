import AssetCore
import ControlSocket
import Foundation
import HubStore
import Logging
import SystemSupport

/// `mediahub`: reads its configuration, connects to PostgreSQL and migrates it, opens (or rebuilds)
/// the working copy, then serves mediactl on its Unix socket and the couriers on HTTPS until SIGTERM.
/// Fails at start, with the reason, rather than serve a unit it cannot keep.
public enum HubMain {
    public static let usage = """
        usage: mediahub [--config PATH]
          The unit hub: the unit's ledger in PostgreSQL, mediactl --hub on its socket,
          the computers' couriers (mediad-sync) on HTTPS.
          --config PATH   the configuration (default \(HubConfig.defaultPath)); see mediahub.conf(5)
          --version       print the version
        """

    public static func run(_ arguments: [String]) async -> Int32 {
        var path = HubConfig.defaultPath
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            switch argument {
            case "--config":
                guard let value = rest.popFirst() else { return fail("--config needs a path") }
                path = value
            case "--help", "-h":
                print(usage)
                return 0
            case "--version":
                print("mediahub \(MediadVersion.string)")
                return 0
            default:
                return fail("unknown argument '\(argument)'\n\(usage)")
            }
        }
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        var logger = Logger(label: "mediahub")
        logger.logLevel = .info
        let config: HubConfig
        do {
            guard let text = FileManager.default.contents(atPath: path).flatMap({ String(data: $0, encoding: .utf8) }) else {
                return fail("cannot read \(path)")
            }
            config = try HubConfig.parse(text)
        } catch {
            return fail(error.message.en)
        }
        do {
            try await serve(config, logger: logger)
            return 0
        } catch {
            logger.critical("mediahub stopped", metadata: ["ERROR": "\(HubDesk.ledgerError(error).message.en)"])
            return 1
        }
    }

    static func serve(_ config: HubConfig, logger: Logger) async throws {
        let settings = try HubDatabaseSettings(parsing: config.database)
        let database = HubDatabase(settings: settings, logger: logger)
        let key = try SigningKey.load(path: config.key, create: true)
        let signal = LedgerVersionSignal()
        let stop = StopSignal()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await database.run() }
            group.addTask { for await _ in stop.stream { return } }
            let ledger = try await HubLedger.open(database: database, directory: config.state, unit: config.unit, key: key,
                                                  logger: logger) { version in Task { await signal.advance(to: version) } }
            await signal.advance(to: ledger.ledgerVersion)
            let desk = HubDesk(ledger: ledger, hubName: config.name)
            let listener = try ControlListener(path: config.socket, group: config.socketGroup, roles: config.roles,
                                               threadName: "mediahub-client", daemonName: "mediahub", logger: logger,
                                               responder: HubResponder(ledger: ledger, desk: desk, config: config, logger: logger))
            try listener.start()
            defer { listener.stop() }
            let endpoint = CourierEndpoint(desk: desk, signal: signal,
                                           tls: CourierTLS(certificatePath: config.certificate, keyPath: config.certificateKey),
                                           address: config.listen, port: config.port,
                                           firstRequestSeconds: config.firstRequestSeconds,
                                           connectionsPerAddress: config.connectionsPerAddress, logger: logger)
            group.addTask {
                try await endpoint.run { port in
                    logger.notice("serving", metadata: ["UNIT": "\(config.unit)", "PORT": "\(port)", "SOCKET": "\(config.socket)",
                                                        "LEDGER_VERSION": "\(ledger.ledgerVersion)"])
                    SystemdNotifier.fromProcessEnvironment().notify("READY=1\nSTATUS=serving the unit \(config.unit)")
                }
            }
            // The first to end (SIGTERM, or a part that failed) ends them all.
            try await group.next()
            group.cancelAll()
        }
    }

    private static func fail(_ message: String) -> Int32 {
        FileHandle.standardError.write(Data("mediahub: \(message)\n".utf8))
        return 64
    }
}

/// SIGTERM and SIGINT (`StopSignals`) as a stream the service's task group awaits.
final class StopSignal: Sendable {
    let stream: AsyncStream<Void>
    private let signals: StopSignals

    init() {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self)
        self.stream = stream
        signals = StopSignals { _ in continuation.yield() }
    }
}
