import AssetCore
#if canImport(Glibc)
import Glibc
#endif
@testable import MediadCore
import Testing

/// Who asked mediad to stop, as the kernel names them in siginfo (M18: the stop record names them).
@Suite struct SignalWatchTests {
    static func info(code: Int32, pid: pid_t, uid: uid_t) -> siginfo_t {
        var info = siginfo_t()
        info.si_signo = SIGTERM
        info.si_code = code
        info._sifields._kill.si_pid = pid
        info._sifields._kill.si_uid = uid
        return info
    }

    @Test func aSignalSentWithKillNamesItsSender() throws {
        let sent = SignalWatch.sender(of: Self.info(code: Int32(SI_USER), pid: getpid(), uid: getuid()), signal: "SIGTERM")
        let request = try #require(sent)
        #expect(request.signal == "SIGTERM")
        #expect(request.pid == getpid())
        #expect(request.uid == getuid())
        // This test process's own name, as the kernel keeps it (at most 15 bytes and a newline).
        let fd = open("/proc/self/comm", O_RDONLY)
        try #require(fd >= 0)
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 64)
        let count = read(fd, &bytes, bytes.count)
        try #require(count > 1)
        let name = String(decoding: bytes[..<(count - 1)], as: UTF8.self)
        #expect(request.command == name)
    }

    @Test func aSignalTheKernelRaisedNamesNobody() {
        #expect(SignalWatch.sender(of: Self.info(code: Int32(SI_KERNEL), pid: 0, uid: 0), signal: "SIGINT") == nil)
    }
}
