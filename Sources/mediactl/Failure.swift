import ArgumentParser
import AssetCore

/// An error mediactl reports itself: one line in the reader's language, and an exit status that
/// says what kind of failure it was (sysexits.h values, listed in `mediactl --help`). The ledger's
/// refusals (`LedgerError`), the socket's failures (`ControlClientError`) and an output that takes
/// no more bytes (`ReportSinkError`) are different types, each with its own statuses.
protocol CommandFailure: Error {
    func text(_ language: Language) -> String
    var exitCode: Int32 { get }
}

extension LedgerError: CommandFailure {}

extension ReportSinkError: CommandFailure {
    /// EX_IOERR: the listing was read, but could not be written out.
    var exitCode: Int32 { 74 }

    /// Standard output refused bytes (a full disk, a closed pipe when SIGPIPE is ignored).
    static func standardOutput(_ reason: String) -> ReportSinkError {
        ReportSinkError(zh: "无法写入标准输出：\(reason)", en: "cannot write to standard output: \(reason)")
    }
}

/// What can go wrong between mediactl and a daemon's control socket (mediad's, or the hub's with
/// `--hub`): the ledger was never reached, so these are not `LedgerError`s; each says what the
/// administrator can do about it, and names the daemon asked, so that a hub that is down is not
/// mistaken for this computer's mediad.
struct ControlClientError: Error, Hashable, CommandFailure {
    enum Kind: Hashable {
        /// No socket there, nobody listening, or the connection failed on sending.
        case unreachable(path: String)
        /// The socket's permissions keep this user out.
        case permission(path: String)
        /// A reply that is not a frame or message this release knows.
        case unreadable
        /// A reply of another kind than the request asks for.
        case unexpectedReply
        /// The daemon closed the connection in the middle of a streamed listing.
        case cutShort
        /// The request could not be encoded (a bug, not the user's doing).
        case unencodable
    }

    var kind: Kind
    /// Set by the session that asked (`Session.fail`); the client itself does not know which.
    var daemon = ControlDaemon.mediad

    static func unreachable(path: String) -> ControlClientError { ControlClientError(kind: .unreachable(path: path)) }
    static func permission(path: String) -> ControlClientError { ControlClientError(kind: .permission(path: path)) }
    static let unreadable = ControlClientError(kind: .unreadable)
    static let unexpectedReply = ControlClientError(kind: .unexpectedReply)
    static let cutShort = ControlClientError(kind: .cutShort)
    static let unencodable = ControlClientError(kind: .unencodable)

    var message: Bilingual {
        let name = daemon.rawValue
        switch (kind, daemon) {
        case (.unreachable(let path), .mediad):
            return Bilingual(zh: "无法连接 mediad（\(path)）：守护进程未运行？离线操作台账请用 --db PATH",
                             en: "cannot reach mediad at \(path): is it running? For offline work on a ledger file use --db PATH")
        case (.unreachable(let path), .mediahub):
            return Bilingual(zh: "无法连接 mediahub（\(path)）：单位中心未运行？本机不是中心时请在中心执行，或用 --socket 指明",
                             en: "cannot reach mediahub at \(path): is mediahub running? Run this on the hub, or give its socket with --socket")
        case (.permission(let path), _):
            return Bilingual(zh: "无权连接 \(path)：需加入 mediad 组（及 mediad-admin/-officer/-auditor 之一）",
                             en: "no permission to connect to \(path): join the group mediad (and one of mediad-admin, -officer, -auditor)")
        case (.unreadable, _):
            return Bilingual(zh: "\(name) 的回复无法识别（版本不一致？）", en: "\(name)'s reply could not be read (a different release?)")
        case (.unexpectedReply, _):
            return Bilingual(zh: "\(name) 的回复不符", en: "\(name) answered something else")
        case (.cutShort, _):
            return Bilingual(zh: "\(name) 在列表结束前断开了连接；以上输出不完整",
                             en: "\(name) closed the connection before the listing ended; the output above is incomplete")
        case (.unencodable, _):
            return Bilingual(zh: "无法编码请求", en: "cannot encode the request")
        }
    }

    func text(_ language: Language) -> String { message.text(language) }

    /// 69 (EX_UNAVAILABLE) when the daemon is not there to answer, 77 (EX_NOPERM) for the socket's
    /// permissions, 74 (EX_IOERR) for a reply that makes no sense, 64 for a request that cannot be sent.
    var exitCode: Int32 {
        switch kind {
        case .unreachable, .cutShort: 69
        case .permission: 77
        case .unreadable, .unexpectedReply: 74
        case .unencodable: 64
        }
    }
}

extension ReportOutput {
    /// What to report for a listing that stopped with `error`: the sink's own failure when the
    /// output was the cause (the listing's `LedgerError` then only carries it, see `flush`).
    func cause(of error: LedgerError) -> any CommandFailure {
        if let sinkFailure { return sinkFailure }
        return error
    }
}
