import Logging
import NIOConcurrencyHelpers
import NIOCore

/// Who may hold a connection to the couriers' endpoint, and for how long before saying anything.
///
/// Why: the endpoint faces the unit's network. Before this, a connection that never started its TLS
/// handshake was held until Hummingbird's idle timeout (five minutes), and any one address could
/// open as many as the hub had descriptors: about a thousand idle TCP connections from one host
/// would have taken them all, PostgreSQL's included (bench/findings.md, floods). A courier sends
/// its first request within a second of connecting, and keeps one or two connections.
final class CourierAdmission: Sendable {
    /// A connection whose first request has not arrived (TLS handshake included) this long after
    /// it was accepted is closed.
    let firstRequestSeconds: Int64
    /// Connections one address may hold at once; more are closed as soon as they are accepted.
    let perAddress: Int
    private let logger: Logger
    private struct State {
        var open: [String: Int] = [:]
        /// Refusals since the last journal line (at most one every `logSeconds`).
        var refused = 0
        var loggedAt: NIODeadline?
    }
    private let state = NIOLockedValueBox(State())
    static let logSeconds: Int64 = 10

    init(firstRequestSeconds: Int64, perAddress: Int, logger: Logger) {
        self.firstRequestSeconds = firstRequestSeconds
        self.perAddress = perAddress
        self.logger = logger
    }

    /// Takes a place for `address`, or says there is none.
    func admit(_ address: String) -> Bool {
        let (admitted, report) = state.withLockedValue { state -> (Bool, (String, Int)?) in
            let mine = state.open[address, default: 0]
            if mine < perAddress {
                state.open[address] = mine + 1
                return (true, nil)
            }
            state.refused += 1
            let now = NIODeadline.now()
            if let last = state.loggedAt, now - last < .seconds(Self.logSeconds) { return (false, nil) }
            state.loggedAt = now
            defer { state.refused = 0 }
            return (false, (address, state.refused))
        }
        if let (address, count) = report {
            logger.warning("too many connections from one address; refused",
                           metadata: ["ADDRESS": "\(address)", "LIMIT": "\(perAddress)", "REFUSED": "\(count)"])
        }
        return admitted
    }

    func leave(_ address: String) {
        state.withLockedValue { state in
            let left = state.open[address, default: 1] - 1
            state.open[address] = left > 0 ? left : nil
        }
    }
}

/// One connection's admission: its place by address, and its deadline for a first request. Sits
/// after the TLS handler, so the first bytes it sees are a decrypted request.
final class CourierAdmissionHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let admission: CourierAdmission
    private var address: String?
    private var deadline: Scheduled<Void>?

    init(admission: CourierAdmission) {
        self.admission = admission
    }

    func channelActive(context: ChannelHandlerContext) {
        let address = context.channel.remoteAddress?.ipAddress ?? "unknown"
        guard admission.admit(address) else {
            context.close(promise: nil)
            return
        }
        self.address = address
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: .seconds(admission.firstRequestSeconds)) {
            channel.close(promise: nil)
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        deadline?.cancel()
        deadline = nil
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        if let address {
            admission.leave(address)
            self.address = nil
        }
        context.fireChannelInactive()
    }
}
