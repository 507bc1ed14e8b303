import AssetCore
#if canImport(Glibc)
import Glibc
#endif

/// The control socket could not be opened: no ledger is involved, so not a `LedgerError`. Each
/// case says what the administrator can do about it.
public enum ControlSocketError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Another daemon (`daemon`: mediad, mediahub) answers on the socket: never taken over.
    case alreadyRunning(path: String, daemon: String)
    /// A step of setting up the socket failed; `code` is the errno (0 when there is none).
    case setup(path: String, step: String, code: Int32)
    /// The thread that accepts connections could not be started.
    case acceptThread(String)

    public var message: Bilingual {
        switch self {
        case .alreadyRunning(let path, let daemon):
            Bilingual(zh: "另一个 \(daemon) 正在 \(path) 上运行", en: "another \(daemon) is already running on \(path)")
        case .setup(let path, let step, let code):
            Bilingual(zh: "无法建立控制套接字 \(path)：\(step)（\(Self.text(code))）",
                      en: "cannot create the control socket \(path): \(step) (\(Self.text(code)))")
        case .acceptThread(let reason):
            Bilingual(zh: "无法启动控制套接字线程：\(reason)", en: "cannot start the control socket's thread: \(reason)")
        }
    }

    public var description: String { message.en }

    private static func text(_ code: Int32) -> String { String(cString: strerror(code)) }
}
