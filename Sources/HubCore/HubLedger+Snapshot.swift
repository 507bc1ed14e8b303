import AssetCore
import Foundation
import GRDB

extension HubLedger {
    /// The bound on one snapshot part's body (`SnapshotParts.defaultPartBytes`), or the bytes set
    /// in `MEDIAHUB_SNAPSHOT_PART_BYTES` (kept within `SnapshotParts.partBytesRange`): a tuning knob,
    /// and how the tests make a small unit's snapshot come in several parts.
    public static let snapshotPartBytes: Int = {
        guard let text = ProcessInfo.processInfo.environment["MEDIAHUB_SNAPSHOT_PART_BYTES"], let bytes = Int(text) else {
            return SnapshotParts.defaultPartBytes
        }
        return min(max(bytes, SnapshotParts.partBytesRange.lowerBound), SnapshotParts.partBytesRange.upperBound)
    }()

    /// The ledger rows computers need, as they are now, signed as a snapshot of the current version:
    /// one payload when it fits in `partBytes`, else its parts in order (`SnapshotParts.sign`), each
    /// small enough for mediad's control socket however large the unit's ledger grows.
    public func snapshot(partBytes: Int = HubLedger.snapshotPartBytes) throws -> [SignedPayload] {
        let (rows, versions) = try store.readRaw { db in
            (try LedgerCapture.rows(db, tables: ReplicatedTable.allCases.map(\.rawValue)), try WorkingCopy.versions(db))
        }
        let snapshot = ChangeSet(unit: unit, from: 0, to: versions.ledger, at: clock.now(), rows: rows)
        return try SnapshotParts.sign(snapshot, partBytes: partBytes, with: key)
    }
}
