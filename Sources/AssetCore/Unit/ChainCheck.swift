/// Where the hub stands with one computer's records: the last it stored, and that record's hash.
public struct ChainState: Sendable, Hashable, Codable {
    public var seq: Int64
    public var hash: String

    public init(seq: Int64, hash: String) {
        self.seq = seq
        self.hash = hash
    }

    public static let empty = ChainState(seq: 0, hash: RecordChain.genesis)
}

/// What the hub makes of a batch, decided before anything is stored: the records it does not hold
/// yet, the numbers that never came (deleted on the computer), the records whose hash no longer
/// follows (edited on the computer, or the chain around them broken), and where the chain stands
/// after. Pure, so each case is tested without a database.
public struct ChainCheck: Sendable, Hashable {
    public var new: [ChainedRecord] = []
    /// Records already held (a courier that delivered a batch and died before the receipt): dropped.
    public var duplicates = 0
    public var missing: [ClosedRange<Int64>] = []
    public var altered: [Int64] = []
    public var after: ChainState

    /// Checks `records` (in any order; sorted here) against the stored state `state`.
    public init(records: [ChainedRecord], after state: ChainState) {
        self.init(HashedRecords(records), after: state)
    }

    /// Checks records already sorted and hashed (`HashedRecords`, made outside the hub's writer)
    /// against the stored state `state`: only comparisons of numbers and hashes are left here.
    public init(_ hashed: HashedRecords, after state: ChainState) {
        after = state
        var seen = Set<Int64>()
        for (record, intact) in zip(hashed.records, hashed.intact) {
            guard record.seq > after.seq, seen.insert(record.seq).inserted else {
                duplicates += 1
                continue
            }
            if record.seq > after.seq + 1 {
                missing.append((after.seq + 1)...(record.seq - 1))
            } else if record.previous != after.hash {
                // Contiguous, yet it does not follow the record before: one of the two was changed.
                altered.append(record.seq)
            }
            if !intact, altered.last != record.seq {
                altered.append(record.seq)
            }
            new.append(record)
            after = ChainState(seq: record.seq, hash: record.hash)
        }
    }
}

/// A batch's records in sequence order, each with whether its stored hash still follows from its
/// content and previous hash. That depends on the record alone, so the hub works it out in the
/// request's own task, before it takes the working copy's writer; the SHA-256 of every record is
/// then no part of the section where batches wait for each other.
public struct HashedRecords: Sendable, Hashable {
    public let records: [ChainedRecord]
    /// `records[i].isIntact`, computed once.
    let intact: [Bool]

    public init(_ records: [ChainedRecord]) {
        let sorted = records.sorted { $0.seq < $1.seq }
        self.records = sorted
        intact = sorted.map(\.isIntact)
    }
}
