import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// SIGTERM and SIGINT, turned into a call (which cancels the service's task). Dispatch sources:
/// mediahub and mediad-sync already run SwiftNIO's threads, so libdispatch's idle monitor, which
/// mediad avoids with its own signal thread, costs them nothing they do not already pay. Sendable:
/// its sources are only kept alive, never touched after `init`.
public final class StopSignals: @unchecked Sendable {
    private let sources: [any DispatchSourceSignal]

    public init(_ stop: @escaping @Sendable (Int32) -> Void) {
        sources = [SIGTERM, SIGINT].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { stop(number) }
            source.resume()
            return source
        }
    }

    deinit {
        for source in sources { source.cancel() }
    }
}
