import Dispatch
import Foundation
import SystemSupport

/// Bridges between GRDB's synchronous writes and the asynchronous PostgreSQL client. A ledger write
/// holds SQLite's writer while PostgreSQL commits (the two commit together or not at all), so some
/// thread must block while an async call runs. That call runs on `Blocking.executor`, a thread of
/// its own, never on Swift's cooperative pool: on Linux the pool is libdispatch's, and threads
/// blocked there (on the writer, on a semaphore) once left the commit no thread to run on for a
/// minute at a time (bench/findings.md, issue 15).
enum Blocking {
    /// Runs what blocked threads wait for: the PostgreSQL client's work up to its event loop.
    static let executor = ThreadExecutor(name: "mediahub-pg")

    /// Runs `operation` on `executor` and blocks the calling thread until it ends. Never call it on
    /// `executor`'s own thread (it would wait for itself).
    static func wait<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) throws -> T {
        precondition(!executor.isCurrent, "Blocking.wait on the thread it waits for")
        let box = Box<T>()
        let done = DispatchSemaphore(value: 0)
        Task.detached(executorPreference: executor) {
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

/// A task executor that is one thread: jobs run in the order they come. What runs here only waits
/// on PostgreSQL (its event loop does the I/O), so one thread serves every blocked caller.
final class ThreadExecutor: TaskExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var thread: pthread_t?

    init(name: String) {
        let started = DispatchSemaphore(value: 0)
        // The executor lives as long as the process (it is a static), so the thread may keep it.
        let thread = Thread { [self] in
            // Foundation names the Thread object, not the system thread; perf and gdb read the latter.
            Threads.nameCurrent(name)
            condition.withLock { self.thread = pthread_self() }
            started.signal()
            run()
        }
        thread.start()
        started.wait()
    }

    /// Whether the caller runs on this executor's thread.
    var isCurrent: Bool { condition.withLock { thread.map { pthread_equal($0, pthread_self()) != 0 } ?? false } }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.withLock {
            jobs.append(job)
            condition.signal()
        }
    }

    private func run() -> Never {
        while true {
            let ready = condition.withLock {
                while jobs.isEmpty { condition.wait() }
                defer { jobs.removeAll(keepingCapacity: true) }
                return jobs
            }
            for job in ready { job.runSynchronously(on: asUnownedTaskExecutor()) }
        }
    }
}

/// Threads for the hub's synchronous reads of the working copy asked for from async code (a
/// reader never waits for the writer: the copy is in WAL mode). Writes go through `IngestLane`
/// (deliveries) or a caller's own thread (mediactl's), never here: a pool thread parked on the
/// writer is one the commit it waits for may need.
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
