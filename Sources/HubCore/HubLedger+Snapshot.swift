import AssetCore
import GRDB

extension HubLedger {
    /// The ledger rows computers need, as they are now, signed as a snapshot of the current version.
    public func snapshot() throws -> SignedPayload {
        let (rows, versions) = try store.readRaw { db in
            (try LedgerCapture.rows(db, tables: ReplicatedTable.allCases.map(\.rawValue)), try WorkingCopy.versions(db))
        }
        return try SignedPayload.sign(ChangeSet(unit: unit, from: 0, to: versions.ledger, at: clock.now(), rows: rows),
                                      kind: .snapshot, with: key)
    }
}
