import AssetCore
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The two methods the hub's endpoint answers.
public enum HubMethod: String, Sendable {
    case get = "GET"
    case post = "POST"
}
import NIOSSL

/// The courier's side of the hub's HTTPS endpoint (HubCore's `CourierEndpoint`).
///
/// Trust is the `ca` file and nothing else: the system's store is not consulted, so a certificate
/// any public CA issued for the hub's name is still refused. HTTP/1.1 only, no redirects (a
/// redirect would carry the token elsewhere), and no connection retries of its own: the courier's
/// loops back off and retry, and a handshake refused for a certificate must surface at once rather
/// than after the connect timeout.
public final class HubClient: Sendable {
    /// The largest reply read. A snapshot of a large unit ledger is tens of MiB and comes whole in
    /// one answer (as parts, base64 in JSON): 256 MiB carries about 190 MiB of snapshot, some
    /// 300,000 media, while bounding what a hub (or anything posing as one) can make the courier hold.
    public static let maxReplyBytes = 256 << 20
    /// How long an ordinary request may take; a long-poll gets its wait on top.
    public static let requestTimeout: TimeAmount = .seconds(120)

    public let hub: String
    public let caPath: String
    private let client: HTTPClient

    /// `hub`: `https://HOST:PORT`; `caPath`: the PEM file of the certificate or CA to trust.
    /// `connections`: how many requests may be in flight at once (the courier needs two).
    public init(hub: String, caPath: String, connections: Int = 4) throws(HubError) {
        self.hub = hub.hasSuffix("/") ? String(hub.dropLast()) : hub
        self.caPath = caPath
        guard let bytes = FileManager.default.contents(atPath: caPath) else {
            throw .badCA(path: caPath, reason: Bilingual(zh: "文件不存在或无权读取", en: "missing or not readable"))
        }
        let roots = (try? NIOSSLCertificate.fromPEMBytes([UInt8](bytes))) ?? []
        guard !roots.isEmpty else {
            throw .badCA(path: caPath, reason: Bilingual(zh: "其中没有 PEM 格式的证书", en: "it holds no PEM certificate"))
        }
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(roots)
        tls.certificateVerification = .fullVerification
        tls.minimumTLSVersion = .tlsv12
        // BoringSSL's default list leaves Ed25519 out; a hub certificate may well be Ed25519 (the
        // unit's own keys are), and SHA-1 signatures are left out instead.
        tls.verifySignatureAlgorithms = [.ed25519, .ecdsaSecp256R1Sha256, .ecdsaSecp384R1Sha384, .ecdsaSecp521R1Sha512,
                                         .rsaPssRsaeSha256, .rsaPssRsaeSha384, .rsaPssRsaeSha512,
                                         .rsaPkcs1Sha256, .rsaPkcs1Sha384, .rsaPkcs1Sha512]
        var pool = HTTPClient.Configuration.ConnectionPool(
            idleTimeout: .seconds(90), concurrentHTTP1ConnectionsPerHostSoftLimit: max(1, connections))
        pool.retryConnectionEstablishment = false
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: tls, redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(10)), connectionPool: pool)
        configuration.httpVersion = .http1Only
        client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// Closes the connections; call once, when done.
    public func shutdown() async {
        try? await client.shutdown()
    }

    public func enrol(_ request: EnrolmentRequest) async throws(HubError) -> EnrolmentAnswer {
        try decode(EnrolmentAnswer.self, try await send(.post, "/v1/enrol", body: encode(request)))
    }

    /// The signed change sets after `after`; `[]` when nothing came within `wait` seconds.
    public func changes(token: String, after: Int64, wait: Int) async throws(HubError) -> [SignedPayload] {
        let reply = try await send(.get, "/v1/changes?after=\(after)&wait=\(wait)", token: token,
                                   timeout: Self.requestTimeout + .seconds(Int64(wait)))
        return try decode([SignedPayload].self, reply)
    }

    /// Posts a signed event batch; the hub's signed receipt.
    public func deliver(token: String, batch: SignedPayload) async throws(HubError) -> SignedPayload {
        try decode(SignedPayload.self, try await send(.post, "/v1/events", token: token, body: encode(batch)))
    }

    /// The unit ledger's version as the hub reports it (`GET /v1/health`).
    public func health() async throws(HubError) -> Int64 {
        struct Health: Decodable { var version: Int64 }
        return try decode(Health.self, try await send(.get, "/v1/health")).version
    }

    /// One request; the reply's body when the status is 200, the hub's refusal otherwise.
    public func send(_ method: HubMethod, _ path: String, token: String? = nil, body: Data? = nil,
                     timeout: TimeAmount = requestTimeout) async throws(HubError) -> Data {
        var request = HTTPClientRequest(url: hub + path)
        request.method = HTTPMethod(rawValue: method.rawValue)
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let status: Int
        let bytes: Data
        do {
            let response = try await client.execute(request, timeout: timeout)
            status = Int(response.status.code)
            bytes = Data(try await response.body.collect(upTo: Self.maxReplyBytes).readableBytesView)
        } catch is NIOTooManyBytesError {
            throw HubError.malformedReply(hub: hub, detail: "the answer to \(path) is larger than the \(Self.maxReplyBytes >> 20) MiB"
                                          + " a courier reads; the unit ledger's snapshot has outgrown this release of mediad-sync")
        } catch {
            throw HubError.from(error, hub: hub, caPath: caPath)
        }
        guard status == 200 else { throw HubError.refusal(status: status, body: bytes) }
        return bytes
    }

    private func encode<T: Encodable>(_ value: T) throws(HubError) -> Data {
        do { return try UnitCoding.encoder.encode(value) } catch {
            throw .malformedReply(hub: hub, detail: "cannot encode \(T.self): \(error)")
        }
    }

    private func decode<T: Decodable>(_ type: T.Type, _ data: Data) throws(HubError) -> T {
        do { return try UnitCoding.decoder.decode(T.self, from: data) } catch {
            throw .malformedReply(hub: hub, detail: "the reply is not a valid \(T.self)")
        }
    }
}
