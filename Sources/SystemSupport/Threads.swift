#if canImport(Glibc)
import Glibc
#endif

/// Plain detached threads for work that waits in the kernel (poll, accept, recv, sigwaitinfo).
///
/// Why not Dispatch queues: the first Dispatch worker thread starts libdispatch's 1 s worker-pool
/// monitor, and an idle daemon would wake every second for it. A thread blocked in a system call
/// costs no wake-up at all. Here rather than in mediad because a report printed by the daemon
/// needs a helper thread too (AssetCore's `RowPipeline`).
public enum Threads {
    /// Starts `body` on a new detached thread named `name` (at most 15 bytes are kept: Linux's
    /// limit for /proc/PID/task/TID/comm), at `urgency` (a thread would otherwise inherit its
    /// creator's: every thread the Guard's loop starts would be real-time). Returns false when the
    /// thread could not be created.
    @discardableResult
    public static func start(name: String, urgency: Urgency = .standard, _ body: @escaping @Sendable () -> Void) -> Bool {
        let box = Unmanaged.passRetained(ThreadBody(name: name, urgency: urgency, body: body)).toOpaque()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        var thread = pthread_t()
        let created = pthread_create(&thread, &attributes, { argument in
            let body = Unmanaged<ThreadBody>.fromOpaque(argument!).takeRetainedValue()
            Threads.nameCurrent(body.name)
            Threads.setUrgency(body.urgency)
            body.body()
            return nil
        }, box)
        if created != 0 {
            Unmanaged<ThreadBody>.fromOpaque(box).release()
            errno = created
            return false
        }
        return true
    }

    /// Names the calling thread (prctl(PR_SET_NAME) through glibc, no file opened: a control
    /// socket starts thousands of threads a second in a flood), so ps, top and the footprint test
    /// can tell the threads apart.
    public static func nameCurrent(_ name: String) {
        let bytes = Array(name.utf8.prefix(15)).map { CChar(bitPattern: $0) } + [0]
        _ = setThreadName(pthread_self(), bytes)
    }
}

private final class ThreadBody {
    let name: String
    let urgency: Threads.Urgency
    let body: @Sendable () -> Void

    init(name: String, urgency: Threads.Urgency, body: @escaping @Sendable () -> Void) {
        self.name = name
        self.urgency = urgency
        self.body = body
    }
}

/// pthread_setname_np(3), which the Glibc module does not import.
@_silgen_name("pthread_setname_np")
private func setThreadName(_ thread: pthread_t, _ name: UnsafePointer<CChar>) -> Int32
