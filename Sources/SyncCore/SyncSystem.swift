import AssetCore
import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// The language of what a person reads: LC_ALL, then LC_MESSAGES, then LANG, as mediactl reads it.
public enum SyncLanguage {
    public static func fromEnvironment() -> Language {
        for name in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let value = getenv(name).map({ String(cString: $0) }), !value.isEmpty { return Language.fromLocale(value) }
        }
        return .en
    }
}
