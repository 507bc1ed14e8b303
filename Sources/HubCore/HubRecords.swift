import AssetCore
import HubStore

/// The computers' records for the officer's reports at the hub (`UnitRecords`), read from
/// PostgreSQL. Reports are written on the control socket's connection threads, never on Swift's
/// cooperative pool, so each question waits for its answer there (`Blocking.wait`).
struct HubRecords: UnitRecords {
    let database: HubDatabase
    let unitName: String
    let periods: UnitView.Periods
    let clock: WallClock
    /// Events per page of `guardEvents`: a page's rows are decoded and written before the next is asked.
    static let page = 2_000

    func eventCounts(in interval: Interval, computers: [String]?) throws -> [EventCount] {
        let database = self.database
        return try Blocking.wait { try await database.eventCounts(from: interval.start, to: interval.end, computers: computers) }
    }

    func deviceUses(in interval: Interval, decision: Decision, computers: [String]?) throws -> [DeviceUse] {
        let database = self.database
        return try Blocking.wait {
            try await database.deviceUses(from: interval.start, to: interval.end, decision: decision, computers: computers)
        }
    }

    func guardEvents(in interval: Interval, kinds: [GuardEventKind], computers: [String]?,
                     _ body: (GuardEvent) throws -> Void) throws {
        let database = self.database
        var position: HubDatabase.EventPosition?
        repeat {
            let after = position
            let (events, last) = try Blocking.wait {
                try await database.guardEvents(from: interval.start, to: interval.end, kinds: kinds, computers: computers,
                                               after: after, limit: Self.page)
            }
            for event in events { try body(event) }
            position = last
        } while position != nil
    }

    func latestEvents(since: Timestamp?, limit: Int) throws -> [GuardEvent] {
        let database = self.database
        return try Blocking.wait { try await database.latestEvents(since: since, limit: limit) }
    }

    var silentAfterDays: Int { periods.silent }
    var standaloneAfterDays: Int { periods.standalone }

    func computerStates() throws -> [UnitComputerState] {
        let database = self.database
        let states = try Blocking.wait { try await database.computerStates() }
        let now = clock.now()
        return states.map { UnitView.state($0, name: nil, department: nil, now: now, periods: periods) }
    }
}
