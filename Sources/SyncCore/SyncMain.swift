import AssetCore
import Foundation
import Logging
import SystemSupport

/// mediad-sync's entry: parse, load the configuration, run one command, return its exit status.
public enum SyncMain {
    public static func run(_ arguments: [String]) async -> Int32 {
        let language = SyncLanguage.fromEnvironment()
        do {
            let invocation = try SyncInvocation.parse(arguments)
            if case .help(let topic) = invocation.command {
                print(SyncHelp.text(topic))
                return SyncExit.ok
            }
            let config = try SyncConfig.load(path: invocation.configPath)
            switch invocation.command {
            case .help: return SyncExit.ok
            case .run: return try await service(config, file: invocation.configPath)
            case .enrol(let code, let computer):
                return try await enrol(config, file: invocation.configPath, code: code, computer: computer, language)
            case .status: return await status(config, file: invocation.configPath, language)
            }
        } catch let failure as any SyncFailure {
            report(failure, language)
            return failure.exitCode
        } catch {
            FileHandle.standardError.write(Data("mediad-sync: \(error)\n".utf8))
            return 70
        }
    }

    /// `run`: the loops until SIGTERM/SIGINT, then a clean exit 0.
    static func service(_ config: SyncConfig, file: String) async throws -> Int32 {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = ProcessInfo.processInfo.environment["MEDIAD_SYNC_DEBUG"] == nil ? .info : .debug
            return handler
        }
        let logger = Logger(label: "mediad-sync")
        let (hubAddress, ca) = try config.hubEndpoint(file: file)
        let hub = try HubClient(hub: hubAddress, caPath: ca)
        let courier = Courier(mediad: MediadClient(socketPath: config.socket), hub: hub,
                              token: TokenFile(path: config.tokenPath), settings: CourierSettings(config), logger: logger)
        let loops = Task { await courier.run() }
        let signals = StopSignals { number in
            logger.info("stopping (signal \(number))")
            loops.cancel()
        }
        let notifier = SystemdNotifier.fromProcessEnvironment()
        notifier.notify("READY=1")
        logger.info("mediad-sync started", metadata: ["hub": "\(hubAddress)", "socket": "\(config.socket)"])
        await loops.value
        notifier.notify("STOPPING=1")
        await hub.shutdown()
        withExtendedLifetime(signals) {}
        logger.info("mediad-sync stopped")
        return SyncExit.ok
    }

    static func enrol(_ config: SyncConfig, file: String, code: String, computer: String?, _ language: Language) async throws -> Int32 {
        let (hubAddress, ca) = try config.hubEndpoint(file: file)
        let hub = try HubClient(hub: hubAddress, caPath: ca)
        let outcome: Enrolment.Outcome
        do {
            outcome = try await Enrolment.perform(code: code, computer: computer, mediad: MediadClient(socketPath: config.socket),
                                                  hub: hub, token: TokenFile(path: config.tokenPath))
        } catch {
            await hub.shutdown()
            throw error
        }
        await hub.shutdown()
        if language == .zh {
            print("本机（\(outcome.computer)）已加入单位“\(outcome.unit)”")
            print("单位密钥指纹：\(outcome.unitKeyFingerprint)（请与中心显示的核对）")
            print("通行令牌已写入 \(config.tokenPath)；现在启动服务：systemctl enable --now mediad-sync")
        } else {
            print("this computer (\(outcome.computer)) has joined the unit '\(outcome.unit)'")
            print("unit key fingerprint: \(outcome.unitKeyFingerprint) (compare it with the hub's screen)")
            print("courier token written to \(config.tokenPath); now start the service: systemctl enable --now mediad-sync")
        }
        return SyncExit.ok
    }

    static func status(_ config: SyncConfig, file: String, _ language: Language) async -> Int32 {
        var hub: HubClient?
        var setupFailure: HubError?
        if let hubAddress = config.hub, let ca = config.ca {
            do { hub = try HubClient(hub: hubAddress, caPath: ca) } catch { setupFailure = error }
        }
        var report = await SyncStatus.gather(mediad: MediadClient(socketPath: config.socket), hub: hub)
        if let setupFailure { report.hub = .failure(setupFailure) }
        await hub?.shutdown()
        for line in report.lines(language, hubAddress: config.hub) { print(line) }
        return report.exitCode
    }

    /// A failure on standard error; the hub's refusals in both languages, as the hub wrote them.
    static func report(_ failure: any SyncFailure, _ language: Language) {
        var text = "mediad-sync: " + failure.message.text(language) + "\n"
        if case HubError.refused(_, let message)? = failure as? HubError {
            text += "  \(language == .zh ? message.en : message.zh)\n"
        }
        FileHandle.standardError.write(Data(text.utf8))
    }
}
