import AssetCore
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// Start-up, the event loop and shutdown: the edge around the Guard.
enum Daemon {
    static func run(_ options: DaemonOptions) async -> Int32 {
        // Before any thread exists, so every thread inherits the mask (see SignalWatch).
        SignalWatch.blockStopSignals()
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
            return 78
        }
        if config.lockdown { lockDown(logger) }

        // The monitor is open before anything is enumerated, so no device falls between the two.
        let monitor: DeviceMonitor
        do {
            monitor = try DeviceMonitor(prefetch: true)
        } catch {
            logger.critical("cannot listen to udev: \(error)")
            return 71
        }
        if !monitor.receiveBufferSizeApplied {
            logger.warning("the udev receive buffer could not be enlarged; bursts may overflow and trigger re-enumeration")
        }
        let store: LedgerStore
        do {
            store = try LedgerStore(path: config.database)
        } catch {
            logger.critical("\(error.message.en)", metadata: ["DATABASE": "\(config.database)"])
            return 74
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
                             links: linkWatch)
        guard let stopping = SignalWatch(monitor: monitor) else {
            logger.critical("cannot start the signal thread", metadata: ["ERROR": "\(UdevError.text(for: errno))"])
            return 71
        }
        await guardian.start()
        let server: ControlServer
        do {
            server = try ControlServer(path: config.socket, group: config.socketGroup, service: InventoryService(store: store),
                                       guardian: guardian, broadcaster: broadcaster, roles: config.roles, logger: logger)
        } catch {
            logger.critical("\(error.message.en)")
            await guardian.stop(reason: "control socket unavailable")
            return 71
        }
        do {
            try server.start()
        } catch {
            logger.critical("\(error.message.en)")
            await guardian.stop(reason: "control socket unavailable")
            return 71
        }
        // Ready only now: every device present at start has been decided.
        let notifier = SystemdNotifier.fromProcessEnvironment()
        notifier.notify("READY=1\nSTATUS=guarding, mode \(config.mode.rawValue)")
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
        return 0
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

/// SIGTERM and SIGINT end the event stream, so the loop can record the stop and exit cleanly.
///
/// The signals are blocked in every thread and taken by one thread asleep in sigwaitinfo(2): no
/// handler runs at an arbitrary point, and no Dispatch source (whose worker pool would wake the
/// idle daemon every second) is needed. A signal sent during start-up stays pending until the
/// watch begins, so it is never lost and never kills the daemon before its stop is recorded.
final class SignalWatch: @unchecked Sendable {
    private static let names = [SIGTERM: "SIGTERM", SIGINT: "SIGINT"]
    private let lock = NSLockLike()
    private var received: String?
    private var sender: StopRequest?

    var reason: String? { lock.withLock { received } }
    /// Who sent the first stop signal (M18: a requested stop is recorded as a violation naming them).
    var request: StopRequest? { lock.withLock { sender } }

    /// Blocks SIGTERM and SIGINT in the calling thread; threads started afterwards inherit the
    /// mask. Call it before any other thread exists.
    static func blockStopSignals() {
        var set = stopSet()
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    private static func stopSet() -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        for number in names.keys { sigaddset(&set, number) }
        return set
    }

    /// Nil when the thread cannot be started (errno says why).
    init?(monitor: DeviceMonitor) {
        let started = Threads.start(name: "mediad-signals") { [self] in
            var set = Self.stopSet()
            while true {
                var info = siginfo_t()
                let number = sigwaitinfo(&set, &info)
                guard number > 0 else { continue } // EINTR
                let name = Self.names[number] ?? "signal \(number)"
                let request = Self.sender(of: info, signal: name)
                lock.withLock {
                    if received == nil {
                        received = name
                        sender = request
                    }
                }
                monitor.stop()
            }
        }
        if !started { return nil }
    }
}

extension SignalWatch {
    /// The sender the kernel names in siginfo (SI_USER from kill(2), SI_TKILL from tgkill; a signal
    /// the kernel raised itself names nobody, and is no one's request).
    static func sender(of info: siginfo_t, signal: String) -> StopRequest? {
        guard info.si_code == SI_USER || info.si_code == SI_TKILL || info.si_code == SI_QUEUE else { return nil }
        let pid = info._sifields._kill.si_pid
        let uid = info._sifields._kill.si_uid
        let comm = Sysfs.readBytes("/proc/\(pid)/comm", limit: 64).map { SafeText.escape(bytes: Sysfs.droppingNewline($0)) }
        return StopRequest(signal: signal, pid: pid, uid: uid, user: SystemAccounts.userName(uid: uid), command: comm)
    }
}

/// A pthread mutex, so the daemon does not need Foundation's NSLock.
final class NSLockLike: @unchecked Sendable {
    private var mutex = pthread_mutex_t()

    init() { pthread_mutex_init(&mutex, nil) }
    deinit { pthread_mutex_destroy(&mutex) }

    func withLock<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return body()
    }
}
