import AssetCore
import ControlSocket

/// `unit await-outbox`: the courier's records loop, held open on this connection's thread until a
/// record is owed. An idle enrolled guard then wakes once per `seconds` (the courier asks for
/// `UnitCall.longestOutboxWait`) instead of once per outbox poll, and a record written meanwhile
/// leaves at once.
///
/// The wait holds no lock, no read transaction and nothing of the Guard's actor: the thread sleeps
/// in poll(2) on the client's socket and its own `RecordSignal` pipe. It ends when a record is
/// written (`Broadcaster.publish`, a change set applied, a ledger command), when the courier hangs
/// up (stopped, restarted, its call cancelled), when mediad stops, or at the timeout.
extension ControlServer {
    func awaitOutbox(limit: Int, seconds: Int, on connection: ControlConnection) throws(LedgerError) -> ControlReply {
        let recorder = guardian.recorder
        let key: SigningKey
        do { key = try SigningKey.load(path: computerKeyPath, create: false) } catch { throw error.ledgerError }
        let look = { () throws(LedgerError) -> ControlReply? in
            let owed = try recorder.unitOutbox(limit: limit, key: key, at: self.guardian.clock.now())
            return owed.map { .unit(.batch($0)) }
        }
        let timeout = Duration.seconds(min(max(seconds, 0), UnitCall.longestOutboxWait))
        // Stopping, or no pipe to sleep on: a plain look, as `outbox` answers.
        guard timeout > .zero, let waiter = broadcaster.records.join() else { return try look() ?? .unit(.batch(nil)) }
        defer { broadcaster.records.leave(waiter) }
        let deadline = ContinuousClock.now + timeout
        var released = false
        while true {
            // Drained before the look, so that a record committed after the look began is notified
            // into the pipe and wakes the poll below (`RecordSignal`).
            let running = broadcaster.records.drain(waiter)
            if let reply = try look() { return reply }
            let left = ContinuousClock.now.duration(to: deadline)
            guard running, left > .zero else { return .unit(.batch(nil)) }
            if !released {
                IdleMemory.release()
                released = true
            }
            switch connection.hold(wakingOn: waiter.read, timeout: left) {
            case .woken: continue
            case .timedOut, .clientGone: return .unit(.batch(nil))
            }
        }
    }
}
