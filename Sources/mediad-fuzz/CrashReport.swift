#if canImport(Glibc)
import Glibc
#endif

/// What the smoke was running when it crashed: a trap (Swift's runtime errors, SIGILL or
/// SIGTRAP), SIGSEGV (a stack overflow too, on its own stack), SIGBUS, SIGABRT or SIGFPE. The
/// handler writes the input to `<crash dir>/crash-<target>` and names it on stderr, then lets the
/// signal kill the process as before: CI fails, and the file is the regression test's input.
///
/// Only async-signal-safe calls in the handler: the message and path are made before each input.
enum CrashReport {
    nonisolated(unsafe) private static var input: [UInt8] = []
    nonisolated(unsafe) private static var message: [UInt8] = []
    nonisolated(unsafe) private static var path: [CChar] = []
    nonisolated(unsafe) static var directory = "/tmp"

    static func install() {
        // An alternate stack, so that a stack overflow can still be reported.
        let size = 1 << 16
        var stack = stack_t()
        stack.ss_sp = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        stack.ss_size = size
        sigaltstack(&stack, nil)
        for signal in [SIGILL, SIGTRAP, SIGSEGV, SIGBUS, SIGABRT, SIGFPE] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { number in CrashReport.report(number) }
            action.sa_flags = Int32(SA_ONSTACK) | Int32(bitPattern: UInt32(SA_RESETHAND))
            sigaction(signal, &action, nil)
        }
    }

    static func current(target: String, label: String, input bytes: [UInt8]) {
        input = bytes
        let file = directory + "/crash-" + target
        path = Array(file.utf8CString)
        message = Array("fuzz smoke: CRASH in \(target), \(label); its \(bytes.count) bytes are in \(file)\n".utf8)
    }

    static func clear() {
        input = []
        message = []
    }

    private static func report(_ signal: Int32) {
        guard !message.isEmpty else { raise(signal); return }
        message.withUnsafeBytes { _ = write(2, $0.baseAddress, $0.count) }
        let fd = path.withUnsafeBufferPointer { open($0.baseAddress!, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644) }
        if fd >= 0 {
            input.withUnsafeBytes { _ = write(fd, $0.baseAddress, $0.count) }
            close(fd)
        }
        // SA_RESETHAND restored the default action: the signal, raised again, ends the process.
        raise(signal)
    }
}
