import AssetCore
import Synchronization

/// What `mediactl status` shows of the running guard, kept current by the Guard as it changes, so
/// that a status request is answered on its connection's thread without a job on the Guard's.
/// Why: every job on the Guard's executor is one a device decision may queue behind; a flood of
/// 5,000 status requests a second took decisions' p99 from 10 to 135 ms (bench/findings.md,
/// floods).
final class LiveStatus: Sendable {
    struct State: Sendable {
        var devicesAttached = 0
        var ledgerTrouble: LedgerTrouble?
    }

    private let state = Mutex(State())

    var current: State { state.withLock { $0 } }

    func setDevices(_ count: Int) {
        state.withLock { $0.devicesAttached = count }
    }

    func setTrouble(_ trouble: LedgerTrouble?) {
        state.withLock { $0.ledgerTrouble = trouble }
    }
}
