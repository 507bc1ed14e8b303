#if canImport(Glibc)
import Glibc
#endif
import AssetCore
import ControlSocket
import Dispatch
import Logging
import SystemSupport

/// mediad's answers on its control socket: the Guard's live verbs, the ledger through the service,
/// the unit through the recorder. Everything before the answer — the socket, peer credentials, roles,
/// deny by default, a thread per connection with its timeouts, streamed listings — is
/// `ControlListener`'s, shared with mediahub so that both keep the same guarantees.
final class ControlServer: ControlResponder, @unchecked Sendable {
    let service: InventoryService
    let guardian: Guard
    let broadcaster: Broadcaster
    let logger: Logger
    /// Set in init, once `self` exists to answer it; let go of in `stop`, which ends the cycle
    /// (the listener holds its responder) so the listening socket is closed.
    private var listener: ControlListener?

    init(path: String, group: String, service: InventoryService, guardian: Guard, broadcaster: Broadcaster,
         roles: RoleMap, logger: Logger) throws(ControlSocketError) {
        self.service = service
        self.guardian = guardian
        self.broadcaster = broadcaster
        self.logger = logger
        // What a request left resident goes back once no other is being answered (`IdleMemory`).
        let afterEach: @Sendable (Bool) -> Void = { quiet in if quiet { IdleMemory.release() } }
        listener = try ControlListener(path: path, group: group, roles: roles, threadName: "mediad-client", daemonName: "mediad",
                                       gate: RequestGate(width: 1), afterEach: afterEach, logger: logger, responder: self)
    }

    /// Starts accepting connections.
    func start() throws(ControlSocketError) {
        try listener?.start()
    }

    /// Stops accepting, removes the socket, and ends every `watch` stream.
    func stop() {
        listener?.stop()
        listener = nil
        broadcaster.closeAll()
    }

    func respond(to call: ControlCall, caller: Caller, on connection: ControlConnection) {
        switch call {
        case .ledger(let ledgerRequest):
            do {
                let response = try service.handle(ledgerRequest, caller: caller)
                // A ledger command may record for the hub (a check finished, a departure).
                broadcaster.records.notify()
                connection.send(.response(response))
            } catch {
                connection.send(.error(error))
            }
        case .status:
            // The ledger's counts on this thread, not on the Guard (see `Guard.status(counts:)`).
            let guardian = self.guardian
            let counts = try? guardian.recorder.counts()
            connection.send(.status(guardian.status(counts: counts)))
        case .devices:
            let guardian = self.guardian
            connection.send(.devices(blocking { await guardian.attachedDevices() }))
        case .links:
            let guardian = self.guardian
            connection.send(.links(blocking { await guardian.linkStates() }))
        case .allowOnce(let request):
            let guardian = self.guardian
            switch blocking({ await guardian.allowOnce(request, by: caller) }) {
            case .success(let device): connection.send(.devices([device]))
            case .failure(let error): connection.send(.error(error))
            }
        case .report(let report):
            connection.streamReport(report, service: service, caller: caller, logger: logger)
        case .inspect:
            connection.send(inspect(caller: caller))
        case .hardware(let ask):
            connection.send(hardware(ask, caller: caller))
        case .unit(let unitCall):
            connection.send(unit(unitCall, on: connection))
        case .hub(let hubCall):
            connection.send(.error(Self.refusal(hubCall)))
        case .watch:
            let subscription = broadcaster.subscribe()
            defer { subscription.cancel() }
            connection.sendEach { subscription.next().map { .event($0) } }
        }
    }

    /// What only the unit hub answers: said with the command that asks it there.
    static func refusal(_ call: HubCall) -> LedgerError {
        LedgerError(.usage, zh: "“\(call.verb)” 由单位中心回答：mediactl --hub \(call.verb)",
                    en: "'\(call.verb)' is answered by the unit hub: mediactl --hub \(call.verb)")
    }

    /// Waits, on this connection's thread, for work done on the Guard actor.
    func blocking<T: Sendable>(_ operation: @escaping @Sendable () async -> T) -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        Task {
            box.value = await operation()
            done.signal()
        }
        done.wait()
        return box.value!
    }
}

private final class ResultBox<T>: @unchecked Sendable {
    var value: T?
}
