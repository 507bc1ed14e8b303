import AssetCore

extension HubDesk {
    public func changes(token: String, after: Int64) async throws(CourierRefusal) -> [SignedPayload] {
        _ = try await enrolled(token)
        let now = ledger.ledgerVersion
        guard after < now else { return [] }
        if after == 0 || now - after > Self.snapshotAfter {
            return [try await refusing(status: 500) { [ledger] in try await HubWorkers.run { try ledger.snapshot() } }]
        }
        return try await refusing(status: 500) { [ledger] in try await ledger.database.changeSets(after: after, limit: Int(Self.snapshotAfter)) }
    }
}
