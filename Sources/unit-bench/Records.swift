import AssetCore
import Foundation

/// The records a simulated computer writes, as mediad writes them: a row of `device_event` or
/// `violation` whose chained columns (`RecordChain.chainedColumns`, in that order) are the content
/// as SQLite's `json_object` prints it, chained with `RecordChain.hash` from the previous record.
enum RecordKind: String, Sendable {
    case deviceEvent = "device_event"
    case violation
}

enum Records {
    /// Seconds of 2026-01-01T00:00:00Z.
    static let yearStart: Int64 = 1_767_225_600
    static let yearSeconds: Int64 = 365 * 86_400

    /// When record `seq` of computer `index` happened: two hours after the one before, from an
    /// offset of the computer's own, wrapping within the year, so records spread over 2026.
    static func time(computer index: Int, seq: Int64) -> Timestamp {
        let offset = (Int64(index) * 104_729 + seq * 7_200) % yearSeconds
        return Timestamp(secondsSinceEpoch: yearStart + offset)
    }

    static let violationTypes: [(type: ViolationType, severity: Severity, outcome: ViolationOutcome)] = [
        (.unregisteredMedium, .high, .blocked),
        (.levelAboveComputer, .high, .blocked),
        (.unclassifiedOnClassified, .high, .blocked),
        (.boundElsewhere, .medium, .blocked),
        (.noSerial, .medium, .blocked),
        (.unregisteredStorageCapable, .high, .blocked),
        (.unauthorizedLink, .critical, .blocked),
        (.overdue, .low, .logged),
    ]

    /// The content of one record. Strings are JSON-escaped by hand: none of them holds a quote,
    /// a backslash or a control character, so they are written as they are.
    static func content(_ kind: RecordKind, computer: String, index: Int, localID: Int64, at: Timestamp) -> String {
        let serial = "4C5300012301011\(String(format: "%05d", (index * 31 + Int(localID)) % 100_000))"
        let port = "1-\(1 + Int(localID % 4))"
        switch kind {
        case .deviceEvent:
            let blocked = localID % 3 == 0
            return "{\"id\":\(localID),\"at\":\"\(at)\",\"kind\":\"attach\",\"computer\":\"\(computer)\","
                + "\"syspath\":\"/sys/devices/pci0000:00/0000:00:14.0/usb1/\(port)\",\"port\":\"\(port)\","
                + "\"vendor_id\":\"0781\",\"product_id\":\"5567\",\"serial\":\"\(serial)\",\"device\":\"SanDisk Cruzer Blade\","
                + "\"decision\":\"\(blocked ? "block" : "allow")\",\"audited\":0,"
                + "\"medium_number\":\(blocked ? "null" : "\"U-2026-\(String(format: "%04d", index % 10_000))\""),"
                + "\"holder\":\(blocked ? "null" : "\"P001\""),\"stores\":1,"
                + "\"observation\":\"{\\\"class\\\":\\\"00\\\",\\\"interfaces\\\":[\\\"08/06/50\\\"],\\\"speed\\\":480}\",\"note\":null}"
        case .violation:
            let pick = violationTypes[Int(localID) % violationTypes.count]
            return "{\"id\":\(localID),\"event_id\":null,\"at\":\"\(at)\",\"type\":\"\(pick.type.rawValue)\","
                + "\"severity\":\"\(pick.severity.rawValue)\",\"computer\":\"\(computer)\",\"medium_number\":null,"
                + "\"person\":null,\"serial\":\"\(serial)\",\"device\":\"SanDisk Cruzer Blade\",\"outcome\":\"\(pick.outcome.rawValue)\","
                + "\"reason_zh\":\"\(pick.type.names.zh)：0781:5567 序列号 \(serial)（端口 \(port)）\","
                + "\"reason_en\":\"\(pick.type.names.en): 0781:5567 serial \(serial) (port \(port))\"}"
        }
    }

    /// `count` new records of `member`'s chain; the member's chain end moves past them.
    static func next(_ kind: RecordKind, count: Int, of member: inout BenchState.Member, index: Int) -> [ChainedRecord] {
        var records: [ChainedRecord] = []
        records.reserveCapacity(count)
        for _ in 0..<count {
            let seq = member.seq + 1
            let at = time(computer: index, seq: seq)
            let content = content(kind, computer: member.computer, index: index, localID: seq, at: at)
            let hash = RecordChain.hash(previous: member.hash, table: kind.rawValue, content: content)
            records.append(ChainedRecord(seq: seq, table: kind.rawValue, localID: seq, at: at, content: content,
                                         previous: member.hash, hash: hash))
            member.seq = seq
            member.hash = hash
        }
        return records
    }
}

