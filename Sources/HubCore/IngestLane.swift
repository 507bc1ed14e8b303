import AssetCore
import Foundation
import SystemSupport

/// The one thread that writes what computers deliver into the working copy. A delivery waits here
/// as a continuation, holding no thread; the lane takes every delivery waiting when it comes round
/// (up to `maximumRecords`) and stores them in one write of the working copy, whose hook commits
/// them to PostgreSQL in one transaction: the commit's fixed cost (two fsyncs, the round trips) is
/// paid once for the lot instead of once a batch, and the writer is never waited for by more than
/// this one thread (64 pool threads parked on it once starved the commit they waited for).
final class IngestLane: @unchecked Sendable {
    /// A batch opened under its computer's key, its records sorted and hashed (`HashedRecords`).
    struct Delivery: Sendable {
        let batch: EventBatch
        let records: HashedRecords
    }

    /// Stores deliveries in one write and returns each one's chain end, in order; throws when the
    /// write as a whole failed.
    typealias Store = @Sendable ([Delivery]) throws -> [ChainState]

    /// A write takes deliveries up to this many records (always at least one delivery): enough to
    /// spread the commit's fixed cost, few enough that the first in a write is not kept long.
    static let maximumRecords = 5_000

    private struct Waiting {
        let delivery: Delivery
        let continuation: CheckedContinuation<ChainState, any Error>
    }

    private let condition = NSCondition()
    private var waiting: [Waiting] = []

    /// Starts the lane's thread, which stores with `store` from now on.
    func start(name: String, store: @escaping Store) {
        let thread = Thread { [self] in
            Threads.nameCurrent(name)
            run(store)
        }
        thread.start()
    }

    /// Hands `delivery` to the lane and waits, without a thread, until it is stored or refused.
    func deliver(_ delivery: Delivery) async throws -> ChainState {
        try await withCheckedThrowingContinuation { continuation in
            condition.withLock {
                waiting.append(Waiting(delivery: delivery, continuation: continuation))
                condition.signal()
            }
        }
    }

    private func run(_ store: Store) -> Never {
        while true {
            let group = condition.withLock { () -> [Waiting] in
                while waiting.isEmpty { condition.wait() }
                var records = 0
                var count = 0
                while count < waiting.count, count == 0 || records + waiting[count].delivery.records.records.count <= Self.maximumRecords {
                    records += waiting[count].delivery.records.records.count
                    count += 1
                }
                defer { waiting.removeFirst(count) }
                return Array(waiting[..<count])
            }
            write(group, with: store)
        }
    }

    /// One write for the group; if it fails, each delivery again on its own, so one computer's bad
    /// batch (or a failure that has passed) is refused to that computer alone.
    private func write(_ group: [Waiting], with store: Store) {
        do {
            let ends = try store(group.map(\.delivery))
            for (waiting, end) in zip(group, ends) { waiting.continuation.resume(returning: end) }
        } catch {
            guard group.count > 1 else {
                group[0].continuation.resume(throwing: error)
                return
            }
            for waiting in group { write([waiting], with: store) }
        }
    }
}
