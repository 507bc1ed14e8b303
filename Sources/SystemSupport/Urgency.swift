#if canImport(Glibc)
import Glibc
#endif

extension Threads {
    /// How soon a thread runs when it wakes, against the other threads of the computer.
    ///
    /// Why: mediad's decisions pass through three threads that sleep almost always and run for
    /// well under a millisecond when they wake (udev's reader, the Guard's loop, rtnetlink's
    /// reader). Under a flood of control requests the two cores were busy with the flooding clients
    /// and mediad's own connection threads, and each hop of a decision waited for a core: p99 from
    /// 2 ms quiet to 12 ms at nice -10 (bench/findings.md, floods). Nice cannot order the threads of
    /// one process safely: connection threads lowered below the flooding clients were preempted
    /// while holding what the process shares, and the guard waited for them.
    public enum Urgency: Sendable, Equatable {
        /// SCHED_OTHER at the process's nice value, the kernel's slice.
        case standard
        /// SCHED_FIFO at priority 1, the lowest real-time one: the thread runs as soon as it wakes,
        /// before every ordinary thread (the kernel still keeps 5 % of each second for them). Where
        /// real-time is refused (no CAP_SYS_NICE, `RestrictRealtime=`), SCHED_OTHER with the
        /// shortest slice EEVDF takes (0.1 ms, Linux 6.12 and later): a nearer virtual deadline, so
        /// it runs before busy threads of the same weight.
        case decision
    }

    /// What the calling thread obtained from `setUrgency`.
    public enum Scheduling: String, Sendable, Equatable {
        case realTime = "SCHED_FIFO 1"
        case shortSlice = "SCHED_OTHER, 0.1 ms slice"
        case standard = "SCHED_OTHER"
        /// The kernel refused even the ordinary class (a seccomp filter without sched_setattr):
        /// the thread keeps what it inherited.
        case unchanged = "unchanged"
    }

    /// Sets the calling thread's urgency, keeping its nice value. A thread starts with its
    /// creator's scheduling, so `Threads.start` sets it for every thread it starts.
    @discardableResult
    public static func setUrgency(_ urgency: Urgency) -> Scheduling {
        errno = 0
        let nice = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        guard errno == 0 else { return .unchanged }
        if urgency == .decision {
            if apply(policy: 1, nice: 0, priority: 1, slice: 0) { return .realTime }
            return apply(policy: 0, nice: nice, priority: 0, slice: 100_000) ? .shortSlice : .unchanged
        }
        return apply(policy: 0, nice: nice, priority: 0, slice: 0) ? .standard : .unchanged
    }

    private static func apply(policy: UInt32, nice: Int32, priority: UInt32, slice: UInt64) -> Bool {
        var attributes = SchedulingAttributes(size: UInt32(MemoryLayout<SchedulingAttributes>.size), policy: policy,
                                              flags: 0, nice: nice, priority: priority, runtime: slice,
                                              deadline: 0, period: 0)
        return withUnsafeMutablePointer(to: &attributes) {
            rawSyscall(Self.schedSetattr, 0, UnsafeMutableRawPointer($0), 0)
        } == 0
    }

    #if arch(x86_64)
    private static let schedSetattr = 314
    #elseif arch(arm64)
    private static let schedSetattr = 274
    #endif
}

/// struct sched_attr as of its first version (SCHED_ATTR_SIZE_VER0, 48 bytes), which every kernel
/// since 3.14 takes (one before 6.12 ignores the slice).
private struct SchedulingAttributes {
    var size: UInt32
    var policy: UInt32
    var flags: UInt64
    var nice: Int32
    var priority: UInt32
    var runtime: UInt64
    var deadline: UInt64
    var period: UInt64
}

/// syscall(2) with three arguments: it is variadic in C, so it does not import. Its arguments are
/// integers and a pointer, passed in the same registers by the C and Swift conventions.
@_silgen_name("syscall")
private func rawSyscall(_ number: Int, _ a: Int, _ b: UnsafeMutableRawPointer, _ c: Int) -> Int
