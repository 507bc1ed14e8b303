#if canImport(Glibc)
import Glibc
#endif
import SystemSupport

/// mediad's entry point, for the thin executable: the daemon's logic lives in this library so that
/// it can be tested in-process (Tests/MediadTests).
public enum MediadEntry {
    /// Swift concurrency runs on mediad's own loop (the main thread), not on Dispatch's worker pool,
    /// whose 1 s monitor timer would wake the idle daemon every second. Call it first, before
    /// anything is enqueued.
    public static func installExecutor() {
        LoopExecutor.install()
    }

    /// Parses the command line, then hands over to the daemon (or to a diagnostic mode); never returns.
    public static func run(arguments: [String]) async -> Never {
        // Before any thread exists, so every thread inherits the mask (see SignalWatch).
        SignalWatch.blockStopSignals()
        if arguments.first == "--observe" {
            await ObserveMode.run(arguments: arguments)
        }
        if arguments.first == "--observe-links" {
            await LinkObserveMode.run(arguments: arguments)
        }
        if arguments.first == "--inventory" {
            InventoryMode.run(arguments: arguments)
        }
        switch DaemonOptions.parse(arguments) {
        case .exit(let message, let status):
            let text = Array((message + "\n").utf8)
            let fd = status == ExitStatus.success ? STDOUT_FILENO : STDERR_FILENO
            _ = text.withUnsafeBytes { bytes in Descriptor.transferAll(bytes) { write(fd, $0.baseAddress, $0.count) } }
            exit(status)
        case .run(let options):
            exit(await Daemon.run(options))
        }
    }
}
