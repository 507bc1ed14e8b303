#if canImport(Glibc)
import Glibc
#endif

// Swift concurrency runs on mediad's own loop (the main thread), not on Dispatch's worker pool,
// whose 1 s monitor timer would wake the idle daemon every second. First, before anything is
// enqueued.
LoopExecutor.install()

// mediad: parse the command line, then hand over to the daemon (or to the udev diagnostic mode).
let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "--observe" {
    await ObserveMode.run(arguments: arguments)
}
if arguments.first == "--observe-links" {
    await LinkObserveMode.run(arguments: arguments)
}
switch DaemonOptions.parse(arguments) {
case .exit(let message, let status):
    let text = Array((message + "\n").utf8)
    _ = text.withUnsafeBytes { write(status == 0 ? 1 : 2, $0.baseAddress, $0.count) }
    exit(status)
case .run(let options):
    exit(await Daemon.run(options))
}
