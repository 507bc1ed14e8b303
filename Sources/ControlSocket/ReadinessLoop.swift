#if canImport(Glibc)
import Glibc
#endif
import SystemSupport

/// A thread asleep in poll(2) on one descriptor: it calls `onReadable` each time the descriptor
/// has input (or an error to collect), and `onStop` once, on that same thread, after the last
/// `onReadable` — the moment to release what the reader used.
///
/// `stop()` wakes the thread through a pipe; it is safe from any thread, any number of times.
/// Idle, the thread costs nothing: no timeout, no timer.
public final class ReadinessLoop: Sendable {
    /// The pipe `stop()` writes to and the thread polls (eventfd does not import into Swift).
    /// Closed only in deinit, when neither the owner nor the thread can use it any more (so a late
    /// `stop()` never writes to a reused descriptor number).
    private let wake: (read: Int32, write: Int32)

    /// Starts the thread. Throws the errno when the eventfd or the thread cannot be created.
    /// - Parameter urgency: `.decision` for a reader a decision waits on (`Threads.Urgency`).
    public init(name: String, fd: Int32, urgency: Threads.Urgency = .standard, onReadable: @escaping @Sendable () -> Void,
         onStop: @escaping @Sendable () -> Void) throws(ReadinessLoopError) {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { throw ReadinessLoopError(operation: "pipe", code: errno) }
        for end in ends {
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            // Non-blocking, so a stop() into a full pipe returns instead of hanging its caller.
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
        }
        wake = (ends[0], ends[1])
        let started = Threads.start(name: name, urgency: urgency) { [self] in
            self.loop(fd: fd, onReadable: onReadable)
            onStop()
        }
        guard started else {
            // deinit closes the pipe.
            throw ReadinessLoopError(operation: "pthread_create(\(name))", code: errno)
        }
    }

    deinit {
        close(wake.read)
        close(wake.write)
    }

    public func stop() {
        var byte: UInt8 = 1
        _ = write(wake.write, &byte, 1)
    }

    private func loop(fd: Int32, onReadable: () -> Void) {
        var watched = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: wake.read, events: Int16(POLLIN), revents: 0)]
        while true {
            watched[0].revents = 0
            watched[1].revents = 0
            let count = Descriptor.retryingInterrupts { poll(&watched, nfds_t(watched.count), -1) }
            // poll itself failed: stop rather than spin; the owner's stream ends.
            if count < 0 { return }
            if watched[1].revents != 0 { return }
            if watched[0].revents & Int16(POLLNVAL) != 0 { return }
            if watched[0].revents != 0 { onReadable() }
        }
    }
}

/// The reader thread could not be set up.
public struct ReadinessLoopError: Error, Sendable, CustomStringConvertible {
    public var operation: String
    public var code: Int32

    public init(operation: String, code: Int32) {
        self.operation = operation
        self.code = code
    }

    public var description: String { "\(operation): \(Self.text(for: code))" }

    /// strerror(3)'s words, or the number when there are none.
    public static func text(for code: Int32) -> String {
        guard code != 0, let text = strerror(code) else { return "errno \(code)" }
        return String(cString: text)
    }
}
