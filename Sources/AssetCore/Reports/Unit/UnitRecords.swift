/// The guard records of a whole unit, where a unit ledger keeps them apart from its working rows:
/// at mediahub every computer's device and link events are in PostgreSQL (`unit_event`), never in
/// the SQLite copy the ledger's rules run over. A report written at the hub asks these questions
/// here instead of the ledger's own `device_event` table, so `report audit` of the unit counts what
/// the computers recorded, and `report outstanding` lists computers that have fallen silent.
///
/// `computers` narrows each answer to those asset numbers (`--computer`); nil is the whole unit.
public protocol UnitRecords: Sendable {
    /// The unit's name, as its reports are headed.
    var unitName: String { get }
    /// Days without a word after which a computer is chased (mediahub.conf's `silent-after-days`).
    var silentAfterDays: Int { get }
    /// The same for standalone computers, heard from only when their records bundle is imported
    /// (mediahub.conf's `standalone-after-days`).
    var standaloneAfterDays: Int { get }
    func eventCounts(in interval: Interval, computers: [String]?) throws -> [EventCount]
    /// One line per computer and device identity, most used first.
    func deviceUses(in interval: Interval, decision: Decision, computers: [String]?) throws -> [DeviceUse]
    /// Oldest first; called page by page so a quarter of a large unit never sits in memory at once.
    func guardEvents(in interval: Interval, kinds: [GuardEventKind], computers: [String]?,
                     _ body: (GuardEvent) throws -> Void) throws
    /// The newest `limit` events since `since`, oldest first (`mediactl --hub events`).
    func latestEvents(since: Timestamp?, limit: Int) throws -> [GuardEvent]
    /// Where each computer the hub knows of stands with it: last heard, ledger version, records owed,
    /// and whether it has been silent for longer than the unit's period.
    func computerStates() throws -> [UnitComputerState]
}
