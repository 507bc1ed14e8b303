#if canImport(Glibc)
import Glibc
#endif
import HardwareProbe
import Logging
import Synchronization
import SystemSupport

/// The kernel audit log as a second, independent copy of what the guard decides: its start and
/// stop, every device verdict and recorded link verdict go out as AUDIT_USER_DEVICE records (as
/// USBGuard's LinuxAudit backend sends them), so a system auditor finds them with
/// `ausearch -m USER_DEVICE` next to logins and sudo, even if the ledger is lost or altered.
///
/// Audit is a witness, never a gate: `record` only queues (a lock and at most one byte written to
/// a pipe) and never blocks, fails, or changes a decision. One thread, `mediad-audit`, does the
/// sending, because the kernel handles a user message inside sendto and may hold the sender there
/// for up to `backlog_wait_time` (60 s by default) when auditd falls behind; asleep in read(2) it
/// costs the idle daemon no wake-up. Where audit cannot work (no audit in the kernel, a user namespace, no
/// CAP_AUDIT_WRITE) that is said once, at notice, and the records are dropped from then on; any
/// other failure is logged once per errno. At most `queueLimit` records wait; beyond that new
/// ones are dropped and counted (said once, and at stop).
final class KernelAudit: Sendable {
    static let defaultQueueLimit = 4_096

    private struct Queue {
        var pending: [AuditMessage] = []
        /// The thread is sending a batch it took.
        var busy = false
        /// Audit turned out unavailable: nothing is queued any more.
        var closed = false
        var dropped = 0
    }

    private let queue = Mutex(Queue())
    let queueLimit: Int
    /// The thread sleeps in read(2) on the pipe's read end; `record` writes a byte to the other
    /// (non-blocking) end when the queue was idle. (Glibc's Swift module has no eventfd.)
    private let wake: (read: Int32, write: Int32)
    /// `exe=` of every record, as libaudit fills it in.
    private let executable: String
    private let logger: Logger

    /// The audit sender, running; nil when `enabled` is false or audit cannot be used (said once).
    static func start(enabled: Bool, logger: Logger) -> KernelAudit? {
        guard enabled else {
            logger.info("kernel audit records are off (kernel-audit = no)")
            return nil
        }
        let socket: Int32
        do {
            socket = try AuditSocket.open()
        } catch {
            logger.notice("kernel audit is unavailable; records go to the ledger and the journal only",
                          metadata: ["ERROR": "\(UdevError.text(for: error.code))"])
            return nil
        }
        guard let audit = launch(executable: Self.executablePath(), logger: logger, sender: { AuditSocket(adopting: socket) }) else {
            close(socket)
            return nil
        }
        return audit
    }

    /// Starts the sending thread, which makes its sender with `sender` (the kernel's socket, or a
    /// test's stand-in); nil when no pipe or thread could be had (said once).
    static func launch(executable: String, logger: Logger, queueLimit: Int = defaultQueueLimit,
                       sender: @escaping @Sendable () -> any AuditSender) -> KernelAudit? {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else {
            logger.notice("kernel audit records are off: no pipe", metadata: ["ERROR": "\(UdevError.text(for: errno))"])
            return nil
        }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        _ = fcntl(ends[1], F_SETFL, fcntl(ends[1], F_GETFL) | O_NONBLOCK)
        let wake = (read: ends[0], write: ends[1])
        let audit = KernelAudit(wake: wake, executable: executable, logger: logger, queueLimit: queueLimit)
        guard Threads.start(name: "mediad-audit", { audit.run(sender()) }) else {
            logger.notice("kernel audit records are off: no thread", metadata: ["ERROR": "\(UdevError.text(for: errno))"])
            close(wake.read)
            close(wake.write)
            return nil
        }
        return audit
    }

    private init(wake: (read: Int32, write: Int32), executable: String, logger: Logger, queueLimit: Int) {
        self.wake = wake
        self.executable = executable
        self.logger = logger
        self.queueLimit = queueLimit
    }

    /// Records dropped because the queue was full (for the stop's log line and the tests).
    var dropped: Int { queue.withLock { $0.dropped } }

    /// Queues a record; returns at once whatever audit's state (see the type's comment).
    func record(_ message: AuditMessage) {
        enum Step { case none, signal, firstDrop }
        let step: Step = queue.withLock { queue in
            if queue.closed { return .none }
            guard queue.pending.count < queueLimit else {
                queue.dropped += 1
                return queue.dropped == 1 ? .firstDrop : .none
            }
            queue.pending.append(message)
            // The thread re-checks the queue after each batch: it needs waking only when idle.
            return queue.pending.count == 1 && !queue.busy ? .signal : .none
        }
        switch step {
        case .none: break
        case .signal:
            var one: UInt8 = 1
            _ = Descriptor.retryingInterrupts { write(wake.write, &one, 1) }
        case .firstDrop:
            logger.warning("kernel audit is falling behind: records are dropped (the ledger has them all)")
        }
    }

    /// Waits until every queued record has been handed to the kernel, at most `limit`: at stop, so
    /// the stop record is sent before the process ends. Never waits when audit is closed.
    func drain(within limit: Duration) {
        let deadline = ContinuousClock.now + limit
        while true {
            let (idle, dropped) = queue.withLock { ($0.closed || ($0.pending.isEmpty && !$0.busy), $0.dropped) }
            if idle {
                if dropped > 0 { logger.notice("kernel audit records dropped while mediad ran", metadata: ["DROPPED": "\(dropped)"]) }
                return
            }
            if ContinuousClock.now >= deadline {
                logger.notice("kernel audit records still queued at stop are lost")
                return
            }
            usleep(2_000)
        }
    }

    /// The thread: sleeps until records are queued, sends them in order, and stops for good once
    /// the kernel says audit cannot work for this process.
    private func run(_ socket: any AuditSender) {
        var logged: Set<Int32> = []
        while true {
            var signals = (UInt64(0), UInt64(0))   // any wake-ups written since the last read
            guard Descriptor.retryingInterrupts({ read(wake.read, &signals, 16) }) > 0 else {
                // The pipe is broken (never seen): stop rather than spin; records are dropped.
                let code = errno
                queue.withLock { $0.closed = true; $0.busy = false; $0.pending.removeAll() }
                logger.notice("kernel audit records are off: the sender's pipe failed", metadata: ["ERROR": "\(UdevError.text(for: code))"])
                return
            }
            while true {
                let batch: [AuditMessage] = queue.withLock { queue in
                    var batch: [AuditMessage] = []
                    swap(&batch, &queue.pending)
                    queue.busy = !batch.isEmpty
                    return batch
                }
                if batch.isEmpty { break }
                for message in batch {
                    guard let code = socket.send(message.rendered(executable: executable)).code else { continue }
                    if AuditDelivery.meansUnavailable(code) {
                        queue.withLock { $0.closed = true; $0.busy = false; $0.pending.removeAll() }
                        logger.notice("kernel audit is unavailable; records go to the ledger and the journal only",
                                      metadata: ["ERROR": "\(UdevError.text(for: code))"])
                        return
                    }
                    if logged.insert(code).inserted {
                        logger.notice("a kernel audit record could not be sent (said once per error)",
                                      metadata: ["ERROR": "\(UdevError.text(for: code))"])
                    }
                }
            }
        }
    }

    /// /proc/self/exe, the executable libaudit names in `exe=`; "?" when unreadable.
    private static func executablePath() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { return "?" }
        return String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// Where the sending thread hands each record: the kernel (`AuditSocket`), or a test's stand-in.
/// Made on that thread and used by it alone.
protocol AuditSender {
    func send(_ text: String) -> AuditDelivery
}

extension AuditSocket: AuditSender {}
