import Foundation
import SystemSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// mediad's decision threads run before everything else, and only they: a thread started from one
/// of them (the Guard's loop starts the control socket's) must not inherit real-time, or a flood of
/// connections would take the processors from every other program.
@Suite struct UrgencyTests {
    /// (policy, real-time priority, slice in ns) of the calling thread, as /proc says (proc(5):
    /// rt_priority is field 40, policy 41; se.slice from /proc/thread-self/sched).
    static func current() -> (policy: Int, priority: Int, slice: Int?) {
        let stat = (try? String(contentsOfFile: "/proc/thread-self/stat", encoding: .utf8)) ?? ""
        let fields = stat[stat.index(after: stat.lastIndex(of: ")")!)...].split(separator: " ")
        let sched = (try? String(contentsOfFile: "/proc/thread-self/sched", encoding: .utf8)) ?? ""
        let slice = sched.split(separator: "\n").first { $0.hasPrefix("se.slice") }
            .flatMap { Int($0.split(separator: ":").last!.trimmingCharacters(in: .whitespaces)) }
        return (Int(fields[38])!, Int(fields[37])!, slice)
    }

    /// Runs `body` on a thread started by `Threads.start` and waits for what it returns.
    static func onThread<T: Sendable>(_ urgency: Threads.Urgency, _ body: @escaping @Sendable () -> T) -> T {
        let box = Box<T>()
        let done = DispatchSemaphore(value: 0)
        #expect(Threads.start(name: "urgency-test", urgency: urgency) {
            box.value = body()
            done.signal()
        })
        done.wait()
        return box.value!
    }

    @Test func aDecisionThreadGetsWhatItSaysAndItsChildrenAreOrdinary() {
        let seen = Self.onThread(.decision) {
            // What `setUrgency` reports for the thread `Threads.start` made (asked again: the same).
            let obtained = Threads.setUrgency(.decision)
            let mine = Self.current()
            let child = Self.onThread(.standard) { Self.current() }
            return (obtained, mine, child)
        }
        let (obtained, mine, child) = seen
        switch obtained {
        case .realTime:
            #expect(mine.policy == 1 && mine.priority == 1)
        case .shortSlice:
            #expect(mine.policy == 0 && mine.slice == 100_000)
        case .standard, .unchanged:
            Issue.record("a decision thread was left ordinary: \(obtained)")
        }
        // SCHED_OTHER, no real-time priority, and the kernel's slice, not the short one.
        #expect(child.policy == 0 && child.priority == 0)
        #expect(child.slice != 100_000)
    }
}

private final class Box<T>: @unchecked Sendable {
    var value: T?
}
