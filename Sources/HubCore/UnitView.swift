import AssetCore
import GRDB
import HubStore

/// The officer's view of the unit's computers: every computer in the unit ledger, enrolled or not,
/// when it was last heard from, the ledger version it holds, how many records it owes. Silent for
/// longer than the period (or never heard from since enrolling) is overdue.
enum UnitView {
    /// Days of silence after which a computer is overdue: networked, and standalone (whose records
    /// come only when a person brings them).
    struct Periods: Sendable {
        var silent: Int
        var standalone: Int
    }

    static func computers(_ ledger: HubLedger, periods: Periods) throws -> UnitComputers {
        let registered = try ledger.store.readRaw { db in
            try Row.fetchAll(db, sql: """
                SELECT c.asset_number, c.name, p.department FROM computer c LEFT JOIN person p ON p.id = c.holder ORDER BY c.asset_number
                """).map { (asset: $0[0] as String, name: $0[1] as String?, department: $0[2] as String?) }
        }
        let database = ledger.database
        let states = Dictionary(try Blocking.wait { try await database.computerStates() }.map { ($0.computer, $0) },
                                uniquingKeysWith: { first, _ in first })
        let now = ledger.clock.now()
        let computers = registered.map { computer in
            state(states[computer.asset] ?? ComputerSyncState(computer: computer.asset, enrolledAt: nil, lastHeard: nil,
                                                              ledgerVersion: 0, head: 0, stored: 0),
                  name: computer.name, department: computer.department, now: now, periods: periods)
        }
        var unit = UnitComputers(ledgerVersion: ledger.ledgerVersion, silentAfterDays: periods.silent, computers: computers)
        unit.standaloneAfterDays = periods.standalone
        return unit
    }

    /// One computer's standing: silent when enrolled and nothing heard for longer than its period
    /// (counted from enrolment while it has never been heard from). A standalone computer is heard
    /// from when its records bundle is imported, so its period is the standalone one.
    static func state(_ sync: ComputerSyncState, name: String?, department: String?, now: Timestamp,
                      periods: Periods) -> UnitComputerState {
        let heard = sync.lastHeard ?? sync.enrolledAt
        let days = Int64(sync.standalone ? periods.standalone : periods.silent)
        let silent = sync.enrolledAt != nil && (heard.map { now.secondsSinceEpoch - $0.secondsSinceEpoch > days * 86_400 } ?? true)
        var state = UnitComputerState(computer: sync.computer, name: name, department: department, enrolledAt: sync.enrolledAt,
                                      lastHeard: sync.lastHeard, ledgerVersion: sync.ledgerVersion, head: sync.head, stored: sync.stored,
                                      silent: silent)
        state.standalone = sync.standalone
        state.lastExport = sync.lastExport
        state.exportedVersion = sync.exportedVersion
        return state
    }
}
