import AssetCore
import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// SIGTERM and SIGINT, turned into a call (which cancels the service's task). Dispatch sources:
/// the courier already runs SwiftNIO's threads, so libdispatch's idle monitor, which mediad avoids
/// with its own signal thread, costs it nothing it does not already pay.
public final class StopSignals {
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

/// The language of what a person reads: LC_ALL, then LC_MESSAGES, then LANG, as mediactl reads it.
public enum SyncLanguage {
    public static func fromEnvironment() -> Language {
        for name in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let value = getenv(name).map({ String(cString: $0) }), !value.isEmpty { return Language.fromLocale(value) }
        }
        return .en
    }
}
