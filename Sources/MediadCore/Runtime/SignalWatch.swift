import AssetCore
import HardwareProbe
import Synchronization
import SystemSupport
#if canImport(Glibc)
import Glibc
#endif

/// SIGTERM and SIGINT, the one way mediad takes them: the daemon ends its event stream and records
/// the stop; the observe modes exit.
///
/// The signals are blocked in every thread and taken by one thread asleep in sigwaitinfo(2): no
/// handler runs at an arbitrary point, and no Dispatch source (whose worker pool would wake the
/// idle daemon every second) is needed. A signal sent during start-up stays pending until the
/// watch begins, so it is never lost and never kills the daemon before its stop is recorded.
final class SignalWatch: Sendable {
    private static let names = [SIGTERM: "SIGTERM", SIGINT: "SIGINT"]

    private struct Stop {
        var signal: String
        var request: StopRequest?
    }

    /// The first stop signal; later ones change nothing.
    private let first = Mutex<Stop?>(nil)

    var reason: String? { first.withLock { $0?.signal } }
    /// Who sent the first stop signal (M18: a requested stop is recorded as a violation naming them).
    var request: StopRequest? { first.withLock { $0?.request } }

    /// Blocks SIGTERM and SIGINT in the calling thread; threads started afterwards inherit the
    /// mask. Call it before any other thread exists (`MediadEntry.run` does, first).
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

    /// Starts the thread; `onStop` runs on it at every stop signal, after the first has been kept.
    /// Nil when the thread cannot be started (errno says why).
    init?(onStop: @escaping @Sendable () -> Void) {
        let started = Threads.start(name: "mediad-signals") { [self] in
            var set = Self.stopSet()
            while true {
                var info = siginfo_t()
                let number = sigwaitinfo(&set, &info)
                // -1: a signal outside the set (SIGSTOP and SIGCONT from a test) interrupted the wait.
                guard number > 0 else { continue }
                let name = Self.names[number] ?? "signal \(number)"
                let request = Self.sender(of: info, signal: name)
                first.withLock { stop in
                    if stop == nil { stop = Stop(signal: name, request: request) }
                }
                onStop()
            }
        }
        if !started { return nil }
    }

    /// For the observe modes: SIGTERM and SIGINT end the process with status 0.
    static func exitingOnStop() -> SignalWatch {
        guard let watch = SignalWatch(onStop: { exit(EXIT_SUCCESS) }) else {
            JSONLines.fail("cannot start the signal thread: \(UdevError.text(for: errno))")
        }
        return watch
    }
}

extension SignalWatch {
    /// The sender the kernel names in siginfo (SI_USER from kill(2), SI_TKILL from tgkill; a signal
    /// the kernel raised itself names nobody, and is no one's request).
    /// More than a command name can be (TASK_COMM_LEN is 16 with its NUL).
    private static let commLimit = 64

    static func sender(of info: siginfo_t, signal: String) -> StopRequest? {
        guard info.si_code == SI_USER || info.si_code == SI_TKILL || info.si_code == SI_QUEUE else { return nil }
        let pid = info._sifields._kill.si_pid
        let uid = info._sifields._kill.si_uid
        let comm = Sysfs.readBytes("/proc/\(pid)/comm", limit: commLimit).map(SafeText.attribute)
        return StopRequest(signal: signal, pid: pid, uid: uid, user: SystemAccounts.userName(uid: uid), command: comm)
    }
}
