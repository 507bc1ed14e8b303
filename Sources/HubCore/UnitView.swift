import AssetCore
import GRDB
import HubStore

/// The officer's view of the unit's computers: every computer in the unit ledger, enrolled or not,
/// when it was last heard from, the ledger version it holds, how many records it owes. Silent for
/// longer than the period (or never heard from since enrolling) is overdue.
enum UnitView {
    static func computers(_ ledger: HubLedger, silentAfterDays: Int) throws -> UnitComputers {
        let registered = try ledger.store.readRaw { db in
            try Row.fetchAll(db, sql: """
                SELECT c.asset_number, c.name, p.department FROM computer c LEFT JOIN person p ON p.id = c.holder ORDER BY c.asset_number
                """).map { (asset: $0[0] as String, name: $0[1] as String?, department: $0[2] as String?) }
        }
        let database = ledger.database
        let states = Dictionary(try Blocking.wait { try await database.computerStates() }.map { ($0.computer, $0) },
                                uniquingKeysWith: { first, _ in first })
        let now = ledger.clock.now().secondsSinceEpoch
        let period = Int64(silentAfterDays) * 86_400
        let computers = registered.map { computer -> UnitComputerState in
            let state = states[computer.asset]
            let heard = state?.lastHeard ?? state?.enrolledAt
            let silent = state?.enrolledAt != nil && (heard.map { now - $0.secondsSinceEpoch > period } ?? true)
            return UnitComputerState(computer: computer.asset, name: computer.name, department: computer.department,
                                     enrolledAt: state?.enrolledAt, lastHeard: state?.lastHeard,
                                     ledgerVersion: state?.ledgerVersion ?? 0, head: state?.head ?? 0, stored: state?.stored ?? 0,
                                     silent: silent)
        }
        return UnitComputers(ledgerVersion: ledger.ledgerVersion, silentAfterDays: silentAfterDays, computers: computers)
    }
}
