import AssetCore

extension HubDesk {
    /// The change sets after `after`, or — for a computer new or more than `snapshotAfter` behind —
    /// the snapshot of the version now: one payload, or its parts in order when it is larger than a
    /// part may be. The parts go in this one answer, so a courier hands mediad a whole snapshot
    /// before it asks again (mediad stages them and applies the snapshot with its last part).
    public func changes(token: String, after: Int64) async throws(CourierRefusal) -> [SignedPayload] {
        _ = try await enrolled(token)
        let now = ledger.ledgerVersion
        guard after < now else { return [] }
        if after == 0 || now - after > Self.snapshotAfter {
            return try await refusing(status: 500) { [ledger] in try await HubWorkers.run { try ledger.snapshot() } }
        }
        return try await refusing(status: 500) { [ledger] in try await ledger.database.changeSets(after: after, limit: Int(Self.snapshotAfter)) }
    }
}
