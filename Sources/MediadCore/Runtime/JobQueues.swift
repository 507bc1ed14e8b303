@_spi(ExperimentalCustomExecutors) import _Concurrency

/// Jobs ready to run, first in first out. Priorities are ignored: one thread runs everything and
/// the daemon has no background work to hold back.
struct JobQueue {
    private var jobs: [UnownedJob] = []
    private var head = 0

    mutating func push(_ job: UnownedJob) { jobs.append(job) }

    mutating func pop() -> UnownedJob? {
        guard head < jobs.count else { return nil }
        let job = jobs[head]
        head += 1
        // Compact once the consumed prefix dominates, so the array does not grow forever.
        if head == jobs.count {
            jobs.removeAll(keepingCapacity: jobs.count <= 1024)
            head = 0
        } else if head >= 1024, head * 2 >= jobs.count {
            jobs.removeFirst(head)
            head = 0
        }
        return job
    }
}

/// Delayed jobs ordered by deadline (CLOCK_MONOTONIC nanoseconds), ties in arrival order: a binary
/// min-heap, so the loop finds the next wake-up in O(1) and adds a timer in O(log n). Generic over
/// what it holds so that its order is tested with plain values (Tests/MediadTests).
struct DeadlineHeap<Job> {
    private struct Entry {
        var deadline: UInt64
        var sequence: UInt64
        var job: Job

        func precedes(_ other: Entry) -> Bool {
            (deadline, sequence) < (other.deadline, other.sequence)
        }
    }

    private var entries: [Entry] = []
    private var sequence: UInt64 = 0

    var earliest: UInt64? { entries.first?.deadline }

    mutating func push(_ job: Job, deadline: UInt64) {
        sequence &+= 1
        entries.append(Entry(deadline: deadline, sequence: sequence, job: job))
        var child = entries.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard entries[child].precedes(entries[parent]) else { break }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    /// The earliest job whose deadline is at or before `now`, taken off the heap; nil when none is due.
    mutating func popDue(asOf now: UInt64) -> Job? {
        guard let first = entries.first, first.deadline <= now else { return nil }
        removeFirst()
        return first.job
    }

    private mutating func removeFirst() {
        let last = entries.removeLast()
        guard !entries.isEmpty else { return }
        entries[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < entries.count, entries[left].precedes(entries[smallest]) { smallest = left }
            if right < entries.count, entries[right].precedes(entries[smallest]) { smallest = right }
            if smallest == parent { return }
            entries.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
