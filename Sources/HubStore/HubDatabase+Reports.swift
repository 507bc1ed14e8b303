import AssetCore
import Foundation
import PostgresNIO

/// The questions an officer's report asks of the computers' records (`UnitRecords`), answered by
/// PostgreSQL over `unit_event`, where each device event is the row its computer wrote (the chained
/// columns as one JSON object). The period is a range of `at` (its index, and the month partitions,
/// keep a quarter of a large unit to that quarter's rows); `computers` narrows to those computers.
/// A kind or decision this hub does not know (a newer computer's) is left out, never an error.
extension HubDatabase {
    /// Device and link events of the period by kind and decision.
    public func eventCounts(from start: Timestamp, to end: Timestamp,
                            computers: [String]?) async throws(HubStoreError) -> [EventCount] {
        try await read { connection in
            let rows = try await connection.query("""
                SELECT kind, decision, count(*) FROM unit_event
                WHERE tbl = 'device_event' AND at >= \(Self.date(start)) AND at < \(Self.date(end))
                  AND (\(computers == nil) OR computer = ANY(\(computers ?? [])))
                GROUP BY 1, 2
                """, logger: self.quiet)
            var counts: [EventCount] = []
            for try await (kind, decision, count) in rows.decode((String?, String?, Int64).self) {
                guard let kind = kind.flatMap(GuardEventKind.init(rawValue:)) else { continue }
                let known = decision.flatMap(Decision.init(rawValue:))
                guard decision == nil || known != nil else { continue }
                counts.append(EventCount(kind: kind, decision: known, count: Int(count)))
            }
            return counts
        }
    }

    /// Attachments with `decision` in the period, one line per computer and device identity, most
    /// used first.
    public func deviceUses(from start: Timestamp, to end: Timestamp, decision: Decision,
                           computers: [String]?) async throws(HubStoreError) -> [DeviceUse] {
        try await read { connection in
            let rows = try await connection.query("""
                SELECT computer, content->>'vendor_id', content->>'product_id', content->>'serial', max(content->>'device'),
                       max(content->>'medium_number'), max(content->>'holder'), count(*),
                       extract(epoch FROM min(at))::bigint, extract(epoch FROM max(at))::bigint
                FROM unit_event
                WHERE tbl = 'device_event' AND at >= \(Self.date(start)) AND at < \(Self.date(end))
                  AND kind = 'attach' AND decision = \(decision.rawValue)
                  AND (\(computers == nil) OR computer = ANY(\(computers ?? [])))
                GROUP BY 1, 2, 3, 4 ORDER BY 8 DESC, 1, 2, 3, 4
                """, logger: self.quiet)
            var uses: [DeviceUse] = []
            for try await (computer, vendor, product, serial, device, medium, holder, count, first, last)
                in rows.decode((String, String?, String?, String?, String?, String?, String?, Int64, Int64, Int64).self) {
                uses.append(DeviceUse(vendorID: vendor, productID: product, serial: serial, device: device, mediumNumber: medium,
                                      holder: holder, count: Int(count), first: Timestamp(secondsSinceEpoch: first),
                                      last: Timestamp(secondsSinceEpoch: last), computer: computer))
            }
            return uses
        }
    }

    /// Where a page of `guardEvents` ended; the next page starts after it.
    public struct EventPosition: Sendable, Hashable {
        let at: Date
        let computer: String
        let seq: Int64
    }

    /// One page of the period's events of `kinds`, oldest first (then by computer and sequence), after
    /// `position`; the position of the page's last row comes back with it, nil after the last page.
    public func guardEvents(from start: Timestamp, to end: Timestamp, kinds: [GuardEventKind], computers: [String]?,
                            after position: EventPosition?, limit: Int) async throws(HubStoreError) -> ([GuardEvent], EventPosition?) {
        try await read { connection in
            let from = position?.at ?? Self.date(start)
            let rows = try await connection.query("""
                SELECT at, computer, seq, content_bytes FROM unit_event
                WHERE tbl = 'device_event' AND at >= \(Self.date(start)) AND at < \(Self.date(end))
                  AND kind = ANY(\(kinds.map(\.rawValue)))
                  AND (\(computers == nil) OR computer = ANY(\(computers ?? [])))
                  AND (at, computer, seq) > (\(from), \(position?.computer ?? ""), \(position?.seq ?? Int64.min))
                ORDER BY at, computer, seq LIMIT \(Int64(limit))
                """, logger: self.quiet)
            var events: [GuardEvent] = []
            var last: EventPosition?
            for try await (at, computer, seq, content) in rows.decode((Date, String, Int64, ByteBuffer).self) {
                last = EventPosition(at: at, computer: computer, seq: seq)
                if let event = GuardEvent(recordContent: String(buffer: content), computer: computer) { events.append(event) }
            }
            return (events, last)
        }
    }

    /// The unit's newest `limit` device events since `since`, oldest first.
    public func latestEvents(since: Timestamp?, limit: Int) async throws(HubStoreError) -> [GuardEvent] {
        try await read { connection in
            let rows = try await connection.query("""
                SELECT computer, content_bytes FROM (
                    SELECT computer, seq, at, content_bytes FROM unit_event
                    WHERE tbl = 'device_event' AND at >= \(Self.date(since ?? Timestamp(secondsSinceEpoch: 0)))
                    ORDER BY at DESC, computer DESC, seq DESC LIMIT \(Int64(limit))) newest
                ORDER BY at, computer, seq
                """, logger: self.quiet)
            var events: [GuardEvent] = []
            for try await (computer, content) in rows.decode((String, ByteBuffer).self) {
                if let event = GuardEvent(recordContent: String(buffer: content), computer: computer) { events.append(event) }
            }
            return events
        }
    }

    static func date(_ time: Timestamp) -> Date {
        Date(timeIntervalSince1970: TimeInterval(time.secondsSinceEpoch))
    }
}
