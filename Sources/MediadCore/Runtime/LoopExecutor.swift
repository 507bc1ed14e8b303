@_spi(ExperimentalCustomExecutors) @_spi(ExperimentalScheduling) import _Concurrency
import SystemSupport
#if canImport(Glibc)
import Glibc
#endif

/// Swift concurrency's main and default executor for the daemon: one thread (the main thread, which
/// the async entry point hands to `run()`), a FIFO of jobs and a deadline heap for `Task.sleep`.
///
/// Why not the platform's executor: on Linux it is Dispatch, and the first Dispatch worker thread
/// starts libdispatch's worker-pool monitor, a 1 s repeating timer that wakes an idle process 60
/// times a minute (`_dispatch_workq_init_once`). Here the loop sleeps in `pthread_cond_timedwait`
/// until a job is enqueued or the earliest deadline (the watchdog's, an allow-once expiry) is due,
/// so an idle daemon wakes only for those.
///
/// One thread suffices: the Guard is one actor (its work is serial anyway), the udev, rtnetlink and
/// control-socket readers block on threads of their own, and nothing on this thread may wait for
/// another job of this executor (GRDB's synchronous `read`/`write` run inline, no job involved).
final class LoopExecutor: MainExecutor, TaskExecutor, SchedulingExecutor, @unchecked Sendable {
    /// The one instance; `install()` makes it the main and default executor.
    static let shared = LoopExecutor()

    private var mutex = pthread_mutex_t()
    private var condition = pthread_cond_t()
    // Guarded by `mutex`.
    private var ready = JobQueue()
    private var timers = DeadlineHeap<UnownedJob>()
    private var stopping = false
    /// The thread that made the executor: `install()` runs first thing in main.swift, so this is
    /// the main thread, the only one the runtime hands to `run()`.
    private let mainThread = pthread_self()
    /// What the loop's thread obtained from the kernel (`Threads.Urgency.decision`), for the
    /// start-up line in the journal. Written once by `run()` before the first job.
    nonisolated(unsafe) private(set) static var scheduling = Threads.Scheduling.unchanged

    private init() {
        pthread_mutex_init(&mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        // Deadlines are CLOCK_MONOTONIC nanoseconds, so the wait must measure the same clock
        // (a CLOCK_REALTIME wait would jump with the wall clock).
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(&condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    /// Makes this executor Swift concurrency's main and default executor. Call it first thing in
    /// main.swift, before anything is enqueued: the runtime reads the factory once.
    static func install() {
        _ = shared
        _createExecutors(factory: LoopExecutorFactory.self)
    }

    // MARK: Executor

    func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        pthread_mutex_lock(&mutex)
        ready.push(unowned)
        pthread_cond_signal(&condition)
        pthread_mutex_unlock(&mutex)
    }

    /// `Task.sleep` arrives here (continuous or suspending clock). Both are turned into a
    /// CLOCK_MONOTONIC deadline: a daemon on a machine that suspends would see a continuous-clock
    /// sleep end late by the time suspended, never early.
    func enqueue<C: Clock>(_ job: consuming ExecutorJob, at instant: C.Instant, tolerance: C.Duration?, clock: C) {
        enqueue(job, after: clock.now.duration(to: instant), tolerance: tolerance, clock: clock)
    }

    func enqueue<C: Clock>(_ job: consuming ExecutorJob, after delay: C.Duration, tolerance: C.Duration?, clock: C) {
        // A clock whose Duration is not Swift.Duration does not occur in this program; its job
        // runs at once rather than never (an allow-once expiry ends early, never late).
        let nanoseconds = (delay as? Duration).map(Self.nanoseconds) ?? 0
        let unowned = UnownedJob(job)
        pthread_mutex_lock(&mutex)
        timers.push(unowned, deadline: Monotonic.now &+ nanoseconds)
        pthread_cond_signal(&condition)
        pthread_mutex_unlock(&mutex)
    }

    // MARK: RunLoopExecutor

    /// Runs jobs on the calling thread until `stop()`; the runtime calls it on the main thread.
    func run() throws {
        // The Guard's decisions run here. Threads started from this one are standard again
        // (`Threads.start`).
        Self.scheduling = Threads.setUrgency(.decision)
        pthread_mutex_lock(&mutex)
        stopping = false
        while !stopping {
            let now = Monotonic.now
            while let due = timers.popDue(asOf: now) { ready.push(due) }
            if let job = ready.pop() {
                pthread_mutex_unlock(&mutex)
                job.runSynchronously(on: asUnownedSerialExecutor())
                pthread_mutex_lock(&mutex)
            } else if let deadline = timers.earliest {
                var until = Monotonic.absolute(deadline)
                _ = pthread_cond_timedwait(&condition, &mutex, &until)
            } else {
                pthread_cond_wait(&condition, &mutex)
            }
        }
        pthread_mutex_unlock(&mutex)
    }

    func stop() {
        pthread_mutex_lock(&mutex)
        stopping = true
        pthread_cond_signal(&condition)
        pthread_mutex_unlock(&mutex)
    }

    // MARK: SerialExecutor (as the main executor)

    var isMainExecutor: Bool { true }

    /// Called by the runtime when isolation to the main actor must be proven dynamically: only
    /// the main thread is. Not `runner`: the runtime runs the async entry point's first job on the
    /// main thread before it calls `run()`, so top-level code (the option parser's exit path, say)
    /// is main-actor code with no loop running yet, and checking `runner` crashed `mediad --help`.
    func checkIsolated() {
        precondition(pthread_equal(mainThread, pthread_self()) != 0, "not on the executor thread")
    }

    private static func nanoseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0 else { return 0 }
        let (whole, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? UInt64.max / 2 : whole &+ UInt64(max(0, attoseconds) / 1_000_000_000)
    }
}

/// What `_createExecutors` reads: the same loop serves the main actor and every other task.
struct LoopExecutorFactory: ExecutorFactory {
    static var mainExecutor: any MainExecutor { LoopExecutor.shared }
    static var defaultExecutor: any TaskExecutor { LoopExecutor.shared }
}

/// CLOCK_MONOTONIC in nanoseconds: what the executor's deadlines and condition variable use.
enum Monotonic {
    static var now: UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
    }

    static func absolute(_ nanoseconds: UInt64) -> timespec {
        timespec(tv_sec: Int(min(nanoseconds / 1_000_000_000, UInt64(Int.max))),
                       tv_nsec: Int(nanoseconds % 1_000_000_000))
    }
}
