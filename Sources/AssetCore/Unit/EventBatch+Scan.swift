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
            case "unit": return once(&unit) { scanner.string() }
            case "computer": return once(&computer) { scanner.string() }
            case "sentAt": return once(&sentAt) { scanner.string().flatMap(Timestamp.init(parsing:)) }
            case "head": return once(&head) { scanner.int64() }
            case "ledgerVersion": return once(&ledgerVersion) { scanner.int64() }
            case "records":
                guard records == nil else { return false }
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
            case "seq": return once(&seq) { scanner.int64() }
            case "table": return once(&table) { scanner.string() }
            case "localID": return once(&localID) { scanner.int64() }
            case "at": return once(&at) { scanner.string().flatMap(Timestamp.init(parsing:)) }
            case "content": return once(&content) { scanner.string() }
            case "previous": return once(&previous) { scanner.string() }
            case "hash": return once(&hash) { scanner.string() }
            default: return scanner.skipValue()
            }
        }
        guard read, let seq, let table, let localID, let at, let content, let previous, let hash else { return nil }
        return ChainedRecord(seq: seq, table: table, localID: localID, at: at, content: content, previous: previous, hash: hash)
    }
}

/// Reads a member's value into `slot`, unless the member came before: JSON leaves a repeated key's
/// meaning open and `JSONDecoder` keeps the first, so a scanner keeping the last would hand the hub
/// another record than the one `JSONDecoder` reads (a `previous` or `content` chosen twice). A
/// repeated member makes the scanner give up, and the same bytes go to `JSONDecoder`.
private func once<T>(_ slot: inout T?, _ read: () -> T?) -> Bool {
    guard slot == nil, let value = read() else { return false }
    slot = value
    return true
}
