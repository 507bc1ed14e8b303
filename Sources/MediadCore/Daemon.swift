import AssetCore
import HardwareProbe
import Logging
import SystemSupport
#if canImport(Glibc)
import Glibc
#endif

/// Start-up, the event loop and shutdown: the edge around the Guard.
enum Daemon {
    static func run(_ options: DaemonOptions) async -> Int32 {
        let sink = JournalSink()
        LoggingSystem.bootstrap { JournalLogHandler(label: $0, sink: sink) }
        let logger = Logger(label: "mediad")

        let config: GuardConfig
        do {
            config = try options.configuration()
        } catch {
            // Without a readable configuration nothing is known, so the ports are closed anyway.
            lockDown(logger)
            logger.critical("\(error.message.en)")
            notStarted(KernelAudit.start(enabled: true, logger: logger), nil, error.message.en)
            return ExitStatus.configuration
        }
        if config.lockdown { lockDown(logger) }
        let audit = KernelAudit.start(enabled: config.kernelAudit, logger: logger)

        // The monitor is open before anything is enumerated, so no device falls between the two.
        let monitor: DeviceMonitor
        do {
            monitor = try DeviceMonitor(prefetch: true)
        } catch {
            logger.critical("cannot listen to udev: \(error)")
            notStarted(audit, config, "cannot listen to udev: \(error)")
            return ExitStatus.systemError
        }
        if !monitor.receiveBufferSizeApplied {
            logger.warning("the udev receive buffer could not be enlarged; bursts may overflow and trigger re-enumeration")
        }
        let store: LedgerStore
        do {
            store = try LedgerStore(path: config.database)
        } catch {
            logger.critical("\(error.message.en)", metadata: ["DATABASE": "\(config.database)"])
            notStarted(audit, config, error.message.en)
            return ExitStatus.ledgerUnavailable
        }
        // rtnetlink, subscribed before the dump in start(), like udev before enumeration.
        var linkWatch: LinkWatch? = nil
        do {
            linkWatch = try LinkWatch()
        } catch {
            logger.critical("cannot listen to rtnetlink: network links are NOT guarded", metadata: ["ERROR": "\(error)"])
        }
        let linkEvents = linkWatch?.events
        let broadcaster = Broadcaster()
        let guardian = Guard(recorder: GuardRecorder(store: store), config: config, logger: logger, broadcaster: broadcaster,
                             links: linkWatch, audit: audit)
        // SIGTERM and SIGINT end the event stream, so the loop below records the stop and returns.
        guard let stopping = SignalWatch(onStop: { monitor.stop() }) else {
            logger.critical("cannot start the signal thread", metadata: ["ERROR": "\(UdevError.text(for: errno))"])
            notStarted(audit, config, "cannot start the signal thread")
            return ExitStatus.systemError
        }
        // Before the start-up scan, so the verdicts on devices present at start follow it.
        audit?.record(.start(version: MediadVersion.string, config: config))
        await guardian.start()
        let server: ControlServer
        do {
            server = try ControlServer(path: config.socket, group: config.socketGroup, service: InventoryService(store: store),
                                       guardian: guardian, broadcaster: broadcaster, roles: config.roles, logger: logger)
        } catch {
            logger.critical("\(error.message.en)")
            await guardian.stop(reason: "control socket unavailable")
            stopped(audit, "control socket unavailable", nil)
            return ExitStatus.systemError
        }
        do {
            try server.start()
        } catch {
            logger.critical("\(error.message.en)")
            await guardian.stop(reason: "control socket unavailable")
            stopped(audit, "control socket unavailable", nil)
            return ExitStatus.systemError
        }
        // Ready only now: every device present at start has been decided.
        let notifier = SystemdNotifier.fromProcessEnvironment()
        notifier.notify("READY=1\nSTATUS=guarding, mode \(config.mode.rawValue)")
        // What starting ran and allocated, and will not run again, need not stay resident.
        IdleMemory.release()
        let watchdog = Task { await Self.watch(guardian, notifier) }
        let linkLoop = Task {
            guard let linkEvents else { return }
            for await event in linkEvents { await guardian.linkEvent(event) }
        }
        for await event in monitor.events {
            await guardian.handle(event)
        }
        watchdog.cancel()
        linkLoop.cancel()
        notifier.notify("STOPPING=1")
        server.stop()
        await guardian.stop(reason: stopping.reason ?? "event stream ended", requestedBy: stopping.request)
        stopped(audit, stopping.reason ?? "event stream ended", stopping.request)
        return ExitStatus.success
    }

    /// A guard that could not start is what a system auditor most needs to see: a failed start
    /// record, sent before the process ends (at most a second's wait; audit never holds a start-up
    /// that works).
    static func notStarted(_ audit: KernelAudit?, _ config: GuardConfig?, _ reason: String) {
        audit?.record(.start(version: MediadVersion.string, config: config, failure: reason))
        audit?.drain(within: .seconds(1))
    }

    /// The stop record, sent before the process ends (at most a second's wait).
    static func stopped(_ audit: KernelAudit?, _ reason: String, _ request: StopRequest?) {
        audit?.record(.stop(reason: reason, request: request))
        audit?.drain(within: .seconds(1))
    }

    /// The watchdog is fed only after a round trip through the Guard actor, so a wedged decision loop
    /// stops the pings and systemd restarts the daemon. Without a watchdog, the same loop keeps the
    /// heartbeat that lets a crash be measured as a gap.
    static func watch(_ guardian: Guard, _ notifier: SystemdNotifier) async {
        let interval = notifier.watchdogInterval.map { min($0, .seconds(15)) } ?? .seconds(15)
        while !Task.isCancelled {
            await guardian.heartbeat()
            notifier.notify("WATCHDOG=1")
            try? await Task.sleep(for: interval)
        }
    }

    /// Closes every present root hub, and usbcore's default for buses that appear later.
    static func lockDown(_ logger: Logger) {
        let authorizer = SysfsAuthorizer()
        switch authorizer.denyNewBuses() {
        case .done: break
        case .absent:
            logger.notice("no usbcore parameters: new USB buses are locked when mediad sees their root hub")
        case .failed(let error):
            logger.critical("cannot set usbcore's default for new USB buses; each is locked when mediad sees its root hub",
                            metadata: ["ERROR": "\(error)"])
        }
        for failure in authorizer.denyNewDevicesOnAllRootHubs() {
            logger.critical("cannot lock down a root hub", metadata: ["ERROR": "\(failure)"])
        }
    }
}
