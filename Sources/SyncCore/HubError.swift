import AssetCore
import AsyncHTTPClient
import Foundation
import NIOSSL

/// Why the hub could not be asked, or what it refused, in words an administrator can act on.
public enum HubError: SyncFailure, Hashable {
    /// The `ca` file cannot be used as a trust anchor.
    case badCA(path: String, reason: Bilingual)
    /// No connection (refused, no route, timed out) or the connection broke.
    case unreachable(hub: String, detail: String)
    /// The hub's certificate was not issued by the `ca` file, or does not name the hub's host.
    case untrusted(hub: String, caPath: String, detail: String)
    /// The hub answered with a refusal (its status and its bilingual reason).
    case refused(status: Int, message: Bilingual)
    /// The hub answered something that is not the protocol.
    case malformedReply(hub: String, detail: String)
    /// The request was given up because the courier is stopping.
    case cancelled

    public var message: Bilingual {
        switch self {
        case .badCA(let path, let reason):
            Bilingual(zh: "无法使用 ca 文件 \(path)：\(reason.zh)", en: "cannot use the ca file \(path): \(reason.en)")
        case .unreachable(let hub, let detail):
            Bilingual(zh: "无法连接中心 \(hub)（\(detail)）", en: "cannot reach the hub at \(hub) (\(detail))")
        case .untrusted(let hub, let caPath, let detail):
            Bilingual(zh: "中心 \(hub) 的证书不受信任：它不是由 \(caPath) 签发，或不属于这个主机名（\(detail)）",
                      en: "the certificate of the hub at \(hub) is not trusted: it was not issued by \(caPath) or does not name this host (\(detail))")
        case .refused(let status, let message):
            Bilingual(zh: "中心拒绝（\(status)）：\(message.zh)", en: "the hub refused (\(status)): \(message.en)")
        case .malformedReply(let hub, let detail):
            Bilingual(zh: "中心 \(hub) 的应答无法识别：\(detail)", en: "unreadable answer from the hub at \(hub): \(detail)")
        case .cancelled:
            Bilingual(zh: "已取消", en: "cancelled")
        }
    }

    public var exitCode: Int32 {
        switch self {
        case .badCA: SyncExit.config
        case .unreachable, .malformedReply, .cancelled: SyncExit.unavailable
        case .untrusted: SyncExit.untrusted
        case .refused: SyncExit.refused
        }
    }

    /// A non-200 reply: the hub's `{"zh", "en"}` body when it sent one, the bare status otherwise
    /// (a proxy in between, a hub of another release).
    static func refusal(status: Int, body: Data) -> HubError {
        struct Body: Decodable { var zh: String; var en: String }
        if let reason = try? UnitCoding.decoder.decode(Body.self, from: body) {
            return .refused(status: status, message: Bilingual(zh: reason.zh, en: reason.en))
        }
        return .refused(status: status, message: Bilingual(zh: "HTTP 状态 \(status)", en: "HTTP status \(status)"))
    }

    /// The client's error in the courier's words. A handshake that failed on the certificate is
    /// told apart from every other failure: retrying will not help, the `ca` file or the hub's
    /// certificate must change.
    static func from(_ error: any Error, hub: String, caPath: String) -> HubError {
        if let error = error as? HubError { return error }
        if error is CancellationError { return .cancelled }
        if let error = error as? HTTPClientError, error == .cancelled { return .cancelled }
        if let error = error as? NIOSSLExtraError, error == .failedToValidateHostname {
            return .untrusted(hub: hub, caPath: caPath, detail: "the certificate does not name this host")
        }
        let text = String(reflecting: error)
        if text.contains("CERTIFICATE_VERIFY_FAILED") || text.contains("certificate verify failed") {
            return .untrusted(hub: hub, caPath: caPath, detail: "certificate verify failed")
        }
        if let error = error as? HTTPClientError {
            return .unreachable(hub: hub, detail: error.description)
        }
        return .unreachable(hub: hub, detail: "\(error)")
    }
}
