import NIOConcurrencyHelpers
import NIOCore

/// Which courier connections are still there, so that a long-poll whose courier hung up stops
/// waiting at once instead of holding its `LedgerVersionSignal` entry until its timeout.
///
/// Why a channel handler: the server keeps connections alive between requests (a courier polls
/// again right after each answer, and a TLS handshake per poll would cost the hub far more than
/// the poll), and it allows half-closed connections, so a courier's FIN reaches the server only as
/// an `inputClosed` event in the pipeline — nothing a route can await. Hummingbird's own
/// `consumeWithCancellationOnInboundClose` sees it too, but ends the connection after every
/// response. One handler per connection reports the hang-up here; the route looks its channel up.
final class CourierConnections: Sendable {
    private struct Watch {
        var hungUp = false
        var onHangUp: (@Sendable () -> Void)?
    }

    private struct State {
        var watches: [ObjectIdentifier: Watch] = [:]
        /// The endpoint is stopping: every long-poll is released, and a new one is not held.
        var closing = false
    }

    private let state = NIOLockedValueBox(State())

    /// Connections open now (tests check that none is left behind).
    var count: Int { state.withLockedValue { $0.watches.count } }

    func opened(_ channel: ObjectIdentifier) {
        state.withLockedValue { $0.watches[channel] = Watch() }
    }

    /// The courier closed its side: whatever waits for it is woken, the entry stays until the
    /// channel closes (a response may still be written to a half-closed connection).
    func hungUp(_ channel: ObjectIdentifier) {
        let action = state.withLockedValue { state -> (@Sendable () -> Void)? in
            state.watches[channel]?.hungUp = true
            return state.watches[channel]?.onHangUp
        }
        action?()
    }

    func closed(_ channel: ObjectIdentifier) {
        let action = state.withLockedValue { $0.watches.removeValue(forKey: channel)?.onHangUp }
        action?()
    }

    /// Answers every long-poll now (each courier gets what is there, usually `[]`, and asks again
    /// — of the next hub): a graceful stop would otherwise wait up to a minute for them.
    func releaseAll() {
        let actions = state.withLockedValue { state -> [@Sendable () -> Void] in
            state.closing = true
            return state.watches.values.compactMap(\.onHangUp)
        }
        for action in actions { action() }
    }

    /// `operation`'s result, its task cancelled as soon as the courier on `channel` hangs up (at
    /// once when it already has, when the channel is unknown because it is already closed, or when
    /// the endpoint is stopping). `operation` must answer its cancellation by returning, as
    /// `LedgerVersionSignal.wait` does.
    func untilHangUp<T: Sendable>(_ channel: ObjectIdentifier,
                                  _ operation: @escaping @Sendable () async -> T) async -> T {
        let task = Task { await operation() }
        let live = state.withLockedValue { state -> Bool in
            guard !state.closing, var watch = state.watches[channel], !watch.hungUp else { return false }
            watch.onHangUp = { task.cancel() }
            state.watches[channel] = watch
            return true
        }
        if !live { task.cancel() }
        defer { state.withLockedValue { $0.watches[channel]?.onHangUp = nil } }
        return await withTaskCancellationHandler { await task.value } onCancel: { task.cancel() }
    }
}

/// The per-connection observer behind `CourierConnections`; it passes everything on untouched.
final class CourierHangUpHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let connections: CourierConnections

    init(connections: CourierConnections) {
        self.connections = connections
    }

    func handlerAdded(context: ChannelHandlerContext) {
        connections.opened(ObjectIdentifier(context.channel))
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        connections.closed(ObjectIdentifier(context.channel))
    }

    func channelInactive(context: ChannelHandlerContext) {
        connections.closed(ObjectIdentifier(context.channel))
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            connections.hungUp(ObjectIdentifier(context.channel))
        }
        context.fireUserInboundEventTriggered(event)
    }
}
