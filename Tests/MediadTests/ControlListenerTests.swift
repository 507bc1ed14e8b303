#if canImport(Glibc)
import Glibc
#endif
import AssetCore
import ControlSocket
import Foundation
import Logging
@testable import MediadCore
import Testing

/// The listener mediad and mediahub share, in-process: a live socket is never taken over (and the
/// message names the daemon that asked), a stale one is replaced and opened to its group only; and
/// mediad's answer to what only the hub answers names the command that asks the hub.
@Suite struct ControlListenerTests {
    final class Silent: ControlResponder {
        func respond(to call: ControlCall, caller: Caller, on connection: ControlConnection) {}
    }

    static func directory() throws -> String {
        let path = NSTemporaryDirectory() + "control-listener-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func listener(_ path: String, daemon: String) throws(ControlSocketError) -> ControlListener {
        try ControlListener(path: path, group: String(getgid()), roles: RoleMap(), threadName: "test-client",
                            daemonName: daemon, logger: Logger(label: "test"), responder: Silent())
    }

    @Test func aLiveSocketIsNeverTakenOver() throws {
        let path = try Self.directory() + "/hub.sock"
        let first = try Self.listener(path, daemon: "mediahub")
        try first.start()
        defer { first.stop() }
        #expect(throws: ControlSocketError.alreadyRunning(path: path, daemon: "mediahub")) {
            _ = try Self.listener(path, daemon: "mediahub")
        }
        #expect(ControlSocketError.alreadyRunning(path: path, daemon: "mediahub").message.en
                == "another mediahub is already running on \(path)")
    }

    @Test func aStaleSocketIsReplacedAndOpenToItsGroupOnly() throws {
        let path = try Self.directory() + "/mediad.sock"
        // A socket file nobody listens on: what a killed daemon leaves.
        let stale = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { bytes in
            for (index, byte) in path.utf8.enumerated() { bytes[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(stale, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        try #require(bound == 0)
        close(stale)
        let listener = try Self.listener(path, daemon: "mediad")
        defer { listener.stop() }
        var info = stat()
        try #require(stat(path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o660)
        #expect(UInt32(info.st_gid) == UInt32(getgid()))
        listener.stop()
        #expect(access(path, F_OK) != 0, "stop removes the socket")
    }

    @Test func hubCallsAreRefusedNamingMediactlHub() {
        let computers = ControlServer.refusal(.computers)
        #expect(computers.kind == .usage)
        #expect(computers.message.en == "'unit computers' is answered by the unit hub: mediactl --hub unit computers")
        #expect(computers.message.zh == "“unit computers” 由单位中心回答：mediactl --hub unit computers")
        #expect(ControlServer.refusal(.enrolmentCode(computer: "PC-003")).message.en
                == "'computer enrol' is answered by the unit hub: mediactl --hub computer enrol")
    }
}
