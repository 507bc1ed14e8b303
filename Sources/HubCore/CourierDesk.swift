import AssetCore
import Foundation

/// What the couriers' HTTPS endpoint asks of the hub. The endpoint only speaks HTTP (routes,
/// tokens in headers, bodies, long-polls); every decision — is this code valid, which computer owns
/// this token, which change sets come after a version, is this batch acceptable — is the hub's, so
/// the endpoint can be tested with a fake desk and the hub without HTTP.
public protocol CourierDesk: Sendable {
    /// Enrols a computer with its one-time code; a refusal (unknown computer, spent or wrong code)
    /// reaches the administrator running `mediad-sync enrol` word for word.
    func enrol(_ request: EnrolmentRequest) async throws(CourierRefusal) -> EnrolmentAnswer
    /// The signed change sets after `after`, in order, or a snapshot when the computer is too far
    /// behind; `[]` when nothing is newer (the endpoint then waits on the `LedgerVersionSignal`).
    /// An unknown or revoked token is a refusal with status 401.
    func changes(token: String, after: Int64) async throws(CourierRefusal) -> [SignedPayload]
    /// Stores a computer's signed event batch once and answers the signed receipt.
    func deliver(token: String, batch: SignedPayload) async throws(CourierRefusal) -> SignedPayload
    /// The unit ledger's version now (`GET /v1/health`).
    func ledgerVersion() async -> Int64
}

/// A refusal the endpoint sends as it is: an HTTP status and the reason in both languages, as the
/// JSON body `{"zh": "…", "en": "…"}` that mediad-sync shows the administrator.
public struct CourierRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    public var status: Int
    public var zh: String
    public var en: String

    public init(status: Int, zh: String, en: String) {
        self.status = status
        self.zh = zh
        self.en = en
    }

    /// A ledger error as a refusal: the hub's rules speak `LedgerError`, the couriers HTTP.
    public init(status: Int, _ error: LedgerError) {
        self.init(status: status, zh: error.message.zh, en: error.message.en)
    }

    public var description: String { "\(status) \(en)" }

    /// No token, or one the hub does not know (401).
    public static let unauthorized = CourierRefusal(
        status: 401,
        zh: "缺少或未知的通行令牌：请在本机重新运行 mediad-sync enrol",
        en: "missing or unknown courier token: enrol this computer again with mediad-sync enrol")

    /// A request the endpoint cannot read (400).
    public static func malformed(_ detail: String) -> CourierRefusal {
        CourierRefusal(status: 400, zh: "请求格式错误：\(detail)", en: "malformed request: \(detail)")
    }

    /// A body above `limit` bytes (413).
    public static func tooLarge(limit: Int) -> CourierRefusal {
        CourierRefusal(status: 413,
                       zh: "请求体超过 \(limit >> 20) MiB 上限；请减小 sync.conf 中的 batch",
                       en: "the request body is larger than \(limit >> 20) MiB; lower batch in sync.conf")
    }

    /// The body sent for this refusal.
    var body: Data {
        struct Body: Encodable { var zh: String; var en: String }
        return (try? UnitCoding.encoder.encode(Body(zh: zh, en: en))) ?? Data()
    }
}
