import Dispatch
import Foundation

/// Bridges between GRDB's synchronous writes and the asynchronous PostgreSQL client. A ledger write
/// holds SQLite's writer while PostgreSQL commits (the two commit together or not at all), so the
/// wait happens on the writer's thread; async callers hand their writes to `HubWorkers` first, so
/// no thread of Swift's cooperative pool ever blocks (on 2 cores, two blocked ones would deadlock).
enum Blocking {
    static func wait<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) throws -> T {
        let box = Box<T>()
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            do { box.result = .success(try await operation()) } catch { box.result = .failure(error) }
            done.signal()
        }
        done.wait()
        return try box.result!.get()
    }

    private final class Box<T>: @unchecked Sendable {
        var result: Result<T, any Error>?
    }
}

/// Threads for the hub's synchronous work (ledger writes and reads) asked for from async code.
enum HubWorkers {
    private static let queue = DispatchQueue(label: "mediahub-ledger", attributes: .concurrent)

    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                do { continuation.resume(returning: try body()) } catch { continuation.resume(throwing: error) }
            }
        }
    }
}
