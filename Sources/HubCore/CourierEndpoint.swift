import AssetCore
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import ServiceLifecycle

/// The couriers' HTTPS endpoint of the hub: four routes in front of a `CourierDesk`.
///
/// - `POST /v1/enrol` — an `EnrolmentRequest`, answered with the `EnrolmentAnswer`;
/// - `GET /v1/changes?after=V&wait=S` — the signed change sets after V; when there are none, the
///   request is held up to S seconds (0…60) and answered as soon as the ledger moves past V, or
///   with `[]` at the timeout (a long-poll: one suspended continuation per idle courier, no thread
///   and no timer spinning);
/// - `POST /v1/events` — a signed event batch (at most 16 MiB), answered with the signed receipt;
/// - `GET /v1/health` — `{"version": N}`, the ledger's version.
///
/// `changes` and `events` need `Authorization: Bearer TOKEN`. Refusals carry their status and the
/// bilingual body `{"zh": …, "en": …}`. HTTPS only (TLS 1.2 and later): the signatures decide what
/// is trusted, TLS keeps the ledger's contents off the LAN.
public struct CourierEndpoint: Sendable {
    /// The largest request body read (an event batch of ~10,000 records fits several times over).
    public static let maxBodyBytes = 16 << 20
    /// The longest a long-poll is held, whatever the courier asks.
    public static let maxWaitSeconds: Int64 = 60

    let desk: any CourierDesk
    let signal: LedgerVersionSignal
    let tls: CourierTLS
    let address: String
    let port: Int
    let firstRequestSeconds: Int
    let connectionsPerAddress: Int
    let logger: Logger

    /// - Parameter firstRequestSeconds: a connection that has not finished its TLS handshake and
    ///   sent a request by then is closed.
    /// - Parameter connectionsPerAddress: connections one address holds at once.
    public init(desk: any CourierDesk, signal: LedgerVersionSignal, tls: CourierTLS, address: String, port: Int,
                firstRequestSeconds: Int = 10, connectionsPerAddress: Int = 64, logger: Logger) {
        self.firstRequestSeconds = firstRequestSeconds
        self.connectionsPerAddress = connectionsPerAddress
        self.desk = desk
        self.signal = signal
        self.tls = tls
        self.address = address
        self.port = port
        self.logger = logger
    }

    /// Serves until the calling task is cancelled; then stops gracefully: no new connection is
    /// taken, every long-poll still waiting is answered at once, requests under way finish. Throws a `CourierSetupError` before listening when the certificate or
    /// key cannot be used, or the server's error when the address cannot be bound.
    /// `onListening` is told the port bound (useful with port 0, as the tests do).
    public func run(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let configuration = try tls.serverConfiguration()
        let connections = CourierConnections()
        let router = Router(context: CourierRequestContext.self)
        CourierRoutes(desk: desk, signal: signal, connections: connections, logger: logger).add(to: router)
        // Idle keep-alive connections are closed after five minutes: a courier polls far more
        // often than that, so only connections of computers that vanished without a FIN go.
        // Before that, each connection has `firstRequestSeconds` to finish its handshake and ask,
        // and one address holds at most `connectionsPerAddress` (CourierAdmission).
        let admission = CourierAdmission(firstRequestSeconds: Int64(firstRequestSeconds), perAddress: connectionsPerAddress,
                                         logger: logger)
        let http = HTTP1Channel.Configuration(
            additionalChannelHandlers: [CourierAdmissionHandler(admission: admission), CourierHangUpHandler(connections: connections)],
            idleTimeout: TimeAmount.minutes(5))
        let port = self.port
        let application = Application(
            router: router,
            server: try .tls(.http1(configuration: http), tlsConfiguration: configuration),
            // A backlog for a whole unit's couriers reconnecting at once after the hub restarts.
            configuration: ApplicationConfiguration(address: .hostname(address, port: port), backlog: 1024),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) },
            logger: logger)
        // The server runs in a task of its own so that the caller's cancellation becomes a graceful
        // shutdown (long-polls answered, connections closed in order) rather than Hummingbird's
        // cancellation, which drops every connection mid-request and logs each as an error.
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [application], logger: logger))
        let serving = Task { try await group.run() }
        try await withTaskCancellationHandler {
            try await serving.value
        } onCancel: {
            connections.releaseAll()
            Task { await group.triggerGracefulShutdown() }
        }
    }
}

/// The request context of the endpoint: Hummingbird's, plus the connection, so that a long-poll
/// can learn that its courier hung up (`CourierConnections`).
struct CourierRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        channel = source.channel
    }
}

/// The four routes; each turns a request into the desk's question and the desk's answer (or
/// refusal) into a response.
struct CourierRoutes: Sendable {
    let desk: any CourierDesk
    let signal: LedgerVersionSignal
    let connections: CourierConnections
    let logger: Logger

    func add(to router: Router<CourierRequestContext>) {
        router.post("/v1/enrol") { request, _ in await answer { try await enrol(request) } }
        router.get("/v1/changes") { request, context in await answer { try await changes(request, context) } }
        router.post("/v1/events") { request, _ in await answer { try await events(request) } }
        router.get("/v1/health") { _, _ in
            struct Health: Encodable { var version: Int64 }
            return await answer { Health(version: await desk.ledgerVersion()) }
        }
    }

    private func enrol(_ request: Request) async throws(CourierRefusal) -> EnrolmentAnswer {
        let enrolment = try await decode(EnrolmentRequest.self, from: request)
        do {
            let answer = try await desk.enrol(enrolment)
            logger.info("courier enrolled", metadata: ["computer": "\(answer.computer)", "unit": "\(answer.unit)"])
            return answer
        } catch {
            logger.notice("enrolment refused", metadata: ["computer": "\(enrolment.computer)", "reason": "\(error.en)"])
            throw error
        }
    }

    private func changes(_ request: Request, _ context: CourierRequestContext) async throws(CourierRefusal) -> [SignedPayload] {
        let token = try bearer(request)
        guard let afterText = request.uri.queryParameters["after"], let after = Int64(afterText), after >= 0 else {
            throw .malformed("after=V (the ledger version held, a whole number) is required")
        }
        var seconds: Int64 = 0
        if let waitText = request.uri.queryParameters["wait"] {
            guard let asked = Int64(waitText) else { throw .malformed("wait=S takes whole seconds") }
            seconds = asked
        }
        let wait = min(max(seconds, 0), CourierEndpoint.maxWaitSeconds)
        let ready = try await desk.changes(token: token, after: after)
        guard ready.isEmpty, wait > 0 else { return ready }
        let signal = self.signal
        let reached = await connections.untilHangUp(ObjectIdentifier(context.channel)) {
            await signal.wait(beyond: after, timeout: .seconds(wait))
        }
        guard reached > after, !Task.isCancelled else { return [] }
        return try await desk.changes(token: token, after: after)
    }

    private func events(_ request: Request) async throws(CourierRefusal) -> SignedPayload {
        let token = try bearer(request)
        let batch = try await decode(SignedPayload.self, from: request)
        return try await desk.deliver(token: token, batch: batch)
    }

    /// The token of `Authorization: Bearer TOKEN`; its absence is a 401 like an unknown token.
    private func bearer(_ request: Request) throws(CourierRefusal) -> String {
        guard let header = request.headers[.authorization] else { throw .unauthorized }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { throw .unauthorized }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        guard !token.isEmpty else { throw .unauthorized }
        return token
    }

    /// The JSON body as `T`; a body over `CourierEndpoint.maxBodyBytes` is refused with 413 before
    /// it is read when its length is announced, or as soon as it passes the limit when it is not.
    private func decode<T: Decodable>(_ type: T.Type, from request: Request) async throws(CourierRefusal) -> T {
        let limit = CourierEndpoint.maxBodyBytes
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw .tooLarge(limit: limit)
        }
        let buffer: ByteBuffer
        do { buffer = try await request.body.collect(upTo: limit) } catch let error as HTTPError {
            throw error.status == .contentTooLarge ? .tooLarge(limit: limit) : .malformed("\(error)")
        } catch {
            throw .malformed("the body could not be read")
        }
        do { return try UnitCoding.decoder.decode(T.self, from: Data(buffer.readableBytesView)) } catch {
            throw .malformed("the body is not a valid \(T.self)")
        }
    }

    /// The value as a 200 JSON response, or the refusal as its status and bilingual body.
    private func answer<T: Encodable>(_ work: () async throws -> T) async -> Response {
        do {
            let value = try await work()
            guard let body = try? UnitCoding.encoder.encode(value) else {
                return respond(.internalServerError, CourierRefusal(status: 500, zh: "无法编码应答", en: "cannot encode the answer").body)
            }
            return respond(.ok, body)
        } catch {
            // Every path throws a `CourierRefusal`; anything else would be a bug, answered as 500.
            let refusal = error as? CourierRefusal
                ?? CourierRefusal(status: 500, zh: "中心内部错误", en: "internal error of the hub")
            return respond(HTTPResponse.Status(code: refusal.status), refusal.body, authenticate: refusal.status == 401)
        }
    }

    private func respond(_ status: HTTPResponse.Status, _ body: Data, authenticate: Bool = false) -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        if authenticate { headers[.wwwAuthenticate] = "Bearer" }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}
