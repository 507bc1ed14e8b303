#if canImport(Glibc)
import Glibc
#endif

/// The one retry for system calls a signal interrupted (EINTR), and the whole-buffer transfers
/// built on it, for mediad and mediactl alike. mediad installs no signal handler, but a stop and
/// continue (SIGSTOP, SIGCONT: a debugger, a test) still makes a blocked read, send or poll fail
/// with EINTR.
///
/// Hand-written rather than swift-system's `FileDescriptor`: that covers read(2) and write(2), but
/// not send(2) with flags (MSG_NOSIGNAL, MSG_MORE), recvfrom(2) or poll(2), which are most of the
/// calls here.
public enum Descriptor {
    /// `call`'s result, calling it again while it fails with EINTR; when negative, errno says why.
    @inlinable
    public static func retryingInterrupts<Result: SignedInteger>(_ call: () -> Result) -> Result {
        while true {
            let result = call()
            if result >= 0 || errno != EINTR { return result }
        }
    }

    /// Hands all of `bytes` to `transfer` (write(2), or send(2) with its flags), as many times as it
    /// takes; false once it fails or takes nothing (errno says why: the peer gone, a timeout).
    public static func transferAll(_ bytes: UnsafeRawBufferPointer, _ transfer: (UnsafeRawBufferPointer) -> Int) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let done = retryingInterrupts { transfer(UnsafeRawBufferPointer(rebasing: bytes[offset...])) }
            if done <= 0 { return false }
            offset += done
        }
        return true
    }

    /// Fills all of `buffer` through `transfer` (recv(2)); false at end of stream, on an error or a
    /// timeout, the buffer then holding only part of what was asked.
    public static func fillAll(_ buffer: UnsafeMutableRawBufferPointer, _ transfer: (UnsafeMutableRawBufferPointer) -> Int) -> Bool {
        var offset = 0
        while offset < buffer.count {
            let done = retryingInterrupts { transfer(UnsafeMutableRawBufferPointer(rebasing: buffer[offset...])) }
            if done <= 0 { return false }
            offset += done
        }
        return true
    }
}
