import AssetCore

/// What every failure of the courier can say: why, in both languages, and the exit status the
/// command ends with. Scripts (and the package's postinst) tell the statuses apart:
///
/// | status | meaning |
/// | --- | --- |
/// | 0 | done |
/// | 64 | the command line was wrong |
/// | 65 | the hub or mediad refused (a spent enrolment code, a change set mediad would not take) |
/// | 69 | mediad or the hub could not be reached |
/// | 74 | the state folder or the token file could not be read or written |
/// | 76 | the hub's certificate is not trusted by the `ca` file |
/// | 77 | not allowed: the control socket's permissions, or enrolment run without the admin role |
/// | 78 | the configuration file is wrong (the message names the line) |
public protocol SyncFailure: Error, Sendable, CustomStringConvertible {
    var message: Bilingual { get }
    var exitCode: Int32 { get }
}

extension SyncFailure {
    public var description: String { message.en }
}

/// The exit statuses, named once (sysexits.h values, like mediactl's).
public enum SyncExit {
    public static let ok: Int32 = 0
    public static let usage: Int32 = 64
    public static let refused: Int32 = 65
    public static let unavailable: Int32 = 69
    public static let io: Int32 = 74
    public static let untrusted: Int32 = 76
    public static let permission: Int32 = 77
    public static let config: Int32 = 78
}

/// The courier's own failures: the command line, the configuration, the state folder.
public struct SyncError: SyncFailure, Hashable {
    public var message: Bilingual
    public var exitCode: Int32

    public init(_ exitCode: Int32, zh: String, en: String) {
        self.exitCode = exitCode
        self.message = Bilingual(zh: zh, en: en)
    }

    static func usage(zh: String, en: String) -> SyncError { SyncError(SyncExit.usage, zh: zh, en: en) }
}
