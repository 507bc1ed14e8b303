import Foundation

/// A payload decoded by `JSONScanner` where it can be, `JSONDecoder` where it cannot.
protocol ScannedPayload: Decodable {
    /// The value the JSON text `bytes` holds, or `nil` when the scanner cannot tell (then the same
    /// bytes go to `JSONDecoder`): never a different value from the one `JSONDecoder` would give.
    static func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> Self?
}

extension ScannedPayload {
    static func scan(_ data: Data) -> Self? {
        data.withUnsafeBytes { raw in scan(raw.bindMemory(to: UInt8.self)) }
    }
}

extension EventBatch: ScannedPayload {
    /// The hub reads every batch a computer delivers: hundreds of records, each with its content as
    /// an escaped JSON string, thousands a second from a unit.
    static func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> EventBatch? {
        var scanner = JSONScanner(bytes)
        var unit: String?, computer: String?, sentAt: Timestamp?, head: Int64?, ledgerVersion: Int64?
        var records: [ChainedRecord]?
        let read = scanner.object { scanner, key in
            switch key {
            case "unit": unit = scanner.string(); return unit != nil
            case "computer": computer = scanner.string(); return computer != nil
            case "sentAt": sentAt = scanner.string().flatMap(Timestamp.init(parsing:)); return sentAt != nil
            case "head": head = scanner.int64(); return head != nil
            case "ledgerVersion": ledgerVersion = scanner.int64(); return ledgerVersion != nil
            case "records":
                var list: [ChainedRecord] = []
                let complete = scanner.array { scanner in
                    guard let record = ChainedRecord.scan(&scanner) else { return false }
                    list.append(record)
                    return true
                }
                records = list
                return complete
            default: return scanner.skipValue()
            }
        }
        guard read, scanner.atEnd(), let unit, let computer, let sentAt, let head, let ledgerVersion, let records else { return nil }
        return EventBatch(unit: unit, computer: computer, sentAt: sentAt, head: head, ledgerVersion: ledgerVersion, records: records)
    }
}

extension ChainedRecord {
    static func scan(_ scanner: inout JSONScanner) -> ChainedRecord? {
        var seq: Int64?, table: String?, localID: Int64?, at: Timestamp?, content: String?, previous: String?, hash: String?
        let read = scanner.object { scanner, key in
            switch key {
            case "seq": seq = scanner.int64(); return seq != nil
            case "table": table = scanner.string(); return table != nil
            case "localID": localID = scanner.int64(); return localID != nil
            case "at": at = scanner.string().flatMap(Timestamp.init(parsing:)); return at != nil
            case "content": content = scanner.string(); return content != nil
            case "previous": previous = scanner.string(); return previous != nil
            case "hash": hash = scanner.string(); return hash != nil
            default: return scanner.skipValue()
            }
        }
        guard read, let seq, let table, let localID, let at, let content, let previous, let hash else { return nil }
        return ChainedRecord(seq: seq, table: table, localID: localID, at: at, content: content, previous: previous, hash: hash)
    }
}
