#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Wakes the courier's held `unit await-outbox` calls when a record may be owed to the hub. Each
/// held call has a pipe of its own, whose read end its connection thread sleeps on beside the
/// client's socket (`ControlConnection.hold`); `notify` writes one byte to each pipe not yet
/// written since its last `drain`. A pipe, not a semaphore, so that one poll(2) sees both the
/// record and the courier hanging up.
///
/// No wake-up is lost: a waiter registers, drains, and only then reads the outbox; a record
/// committed after that read started is notified after its commit, and its byte waits in the pipe
/// until the waiter polls. Notifying never blocks and takes no lock the Guard or the ledger holds:
/// it is called from the Guard's actor after each record is written.
final class RecordSignal: Sendable {
    final class Waiter: Sendable {
        /// The pipe's ends, both non-blocking and close-on-exec; closed by `RecordSignal.leave`.
        let read: Int32
        fileprivate let write: Int32

        fileprivate init(read: Int32, write: Int32) {
            self.read = read
            self.write = write
        }
    }

    private struct State {
        var waiters: [ObjectIdentifier: Waiter] = [:]
        /// Waiters with a byte in their pipe that they have not drained yet: notifying them again
        /// would only cost a system call.
        var pending: Set<ObjectIdentifier> = []
        var stopped = false
    }

    private let state = Mutex(State())

    /// Held calls now.
    var waiting: Int { state.withLock { $0.waiters.count } }

    /// A waiter of its own for one held call, or nil when mediad is stopping (answer at once) or no
    /// pipe can be made (answer at once: the courier asks again, as if the wait had timed out).
    func join() -> Waiter? {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { return nil }
        for end in ends {
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
        }
        let waiter = Waiter(read: ends[0], write: ends[1])
        let joined = state.withLock { state -> Bool in
            guard !state.stopped else { return false }
            state.waiters[ObjectIdentifier(waiter)] = waiter
            return true
        }
        guard joined else {
            close(ends[0])
            close(ends[1])
            return nil
        }
        return waiter
    }

    /// Forgets the waiter and closes its pipe.
    func leave(_ waiter: Waiter) {
        state.withLock { state in
            state.waiters[ObjectIdentifier(waiter)] = nil
            state.pending.remove(ObjectIdentifier(waiter))
        }
        close(waiter.read)
        close(waiter.write)
    }

    /// Empties the waiter's pipe before it looks at the outbox; false once mediad is stopping.
    /// The pipe first, then the mark: a notify in between finds the waiter still marked and skips
    /// it, which is safe because its record was committed before the look that follows.
    func drain(_ waiter: Waiter) -> Bool {
        var bytes = [UInt8](repeating: 0, count: 64)
        while bytes.withUnsafeMutableBytes({ Glibc.read(waiter.read, $0.baseAddress, $0.count) }) > 0 {}
        return state.withLock { state -> Bool in
            state.pending.remove(ObjectIdentifier(waiter))
            return !state.stopped
        }
    }

    /// A record was written (or may have been): every held call looks at the outbox again.
    func notify() {
        state.withLock { state in
            for (id, waiter) in state.waiters where !state.pending.contains(id) {
                state.pending.insert(id)
                var byte: UInt8 = 1
                _ = Glibc.write(waiter.write, &byte, 1)
            }
        }
    }

    /// mediad is stopping: every held call answers now, and none is held from here on.
    func stop() {
        state.withLock { state in
            state.stopped = true
            for waiter in state.waiters.values {
                var byte: UInt8 = 1
                _ = Glibc.write(waiter.write, &byte, 1)
            }
        }
    }
}
