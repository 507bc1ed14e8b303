import Foundation
import SystemSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The addresses the daemon, mediactl, journald and systemd's notify socket are reached at: what
/// fits `sun_path`, and the abstract namespace's length (a wrong length names another socket).
@Suite struct UnixSocketAddressTests {
    static let pathCapacity = MemoryLayout.size(ofValue: sockaddr_un().sun_path)

    @Test func aPathIsCopiedWithItsTerminatorAndTheWholeStructure() {
        let seen = UnixSocketAddress.with("/run/mediad.sock") { address, length in
            address.withMemoryRebound(to: sockaddr_un.self, capacity: 1) { un in
                (Int32(un.pointee.sun_family), length,
                 withUnsafeBytes(of: un.pointee.sun_path) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) })
            }
        }
        #expect(seen?.0 == AF_UNIX)
        #expect(seen?.1 == socklen_t(MemoryLayout<sockaddr_un>.size))
        #expect(seen?.2 == "/run/mediad.sock")
    }

    @Test func anAbstractNameStartsWithNulAndCountsOnlyItsBytes() {
        let seen = UnixSocketAddress.with("@mediad") { address, length in
            address.withMemoryRebound(to: sockaddr_un.self, capacity: 1) { un in
                (length, withUnsafeBytes(of: un.pointee.sun_path) { Array($0.prefix(7)) })
            }
        }
        #expect(seen?.0 == socklen_t(MemoryLayout<sa_family_t>.size + 7))
        #expect(seen?.1 == [0] + Array("mediad".utf8))
    }

    @Test func whatDoesNotFitIsRefused() {
        #expect(UnixSocketAddress.with("") { _, _ in true } == nil)
        #expect(UnixSocketAddress.with("/" + String(repeating: "x", count: Self.pathCapacity - 1)) { _, _ in true } == nil,
                "no room left for the terminator")
        #expect(UnixSocketAddress.with("/" + String(repeating: "x", count: Self.pathCapacity - 2)) { _, _ in true } == true)
    }
}

@Suite struct SystemAccountsTests {
    @Test func namesFromTheUserDatabase() {
        #expect(SystemAccounts.userName(uid: 0) == "root")
        #expect(SystemAccounts.groupName(gid: 0) == "root")
    }

    @Test func anAccountWithoutAnEntryIsNamedByItsNumber() {
        #expect(SystemAccounts.userName(uid: 3_999_999_999) == "uid:3999999999")
        #expect(SystemAccounts.groupName(gid: 3_999_999_999) == nil)
    }

    @Test func thisProcessIsWhatTheKernelSays() {
        let credentials = SystemAccounts.currentCredentials()
        #expect(credentials.uid == UInt32(getuid()))
        #expect(credentials.groupIDs.first == UInt32(getgid()))
    }
}

@Suite struct ThreadsTests {
    /// The name is what ps and the footprint test see; Linux keeps 15 bytes of it.
    @Test func aThreadRunsItsBodyUnderItsName() async {
        let name = await withCheckedContinuation { (done: CheckedContinuation<String, Never>) in
            let started = Threads.start(name: "support-test-with-a-long-name") {
                let comm = (try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)) ?? ""
                done.resume(returning: comm.trimmingCharacters(in: .newlines))
            }
            if !started { done.resume(returning: "not started") }
        }
        #expect(name == "support-test-wi")
    }
}
