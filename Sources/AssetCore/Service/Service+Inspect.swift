/// 保密检查 (M19): one inspection, judged by `Inspection` and kept with who ran it.
extension InventoryService {
    /// Reads the ledger's facts, adds `live` (what the running mediad knows; nil when the caller
    /// could not ask it, and then the guard's items fail), judges, and stores the run with the
    /// caller's identity. Auditors and officers inspect: `.read`.
    public func inspect(live: LiveFacts?, caller: Caller) throws(LedgerError) -> InspectionRecord {
        try Permission.read.check("inspect", caller: caller)
        let now = clock.now()
        let (facts, horizon) = try store.read { try InspectionRows.facts($0, now: now, live: live) }
        let items = Inspection.judge(facts)
        let record = InspectionRecord(at: now, actor: caller.actor, result: Inspection.result(items), items: items,
                                      computer: facts.host?.assetNumber)
        return try store.write { try InspectionRows.insert($0, record, horizon: horizon) }
    }

    /// Every stored run, oldest first (`mediactl inspections`).
    func inspections() throws(LedgerError) -> Response {
        .inspections(try store.read { db in
            var records: [InspectionRecord] = []
            try InspectionRows.list(db, in: nil) { records.append($0) }
            return records
        })
    }
}
