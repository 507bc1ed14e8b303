#if canImport(Glibc)
import Glibc
#endif
import AssetCore
import SystemSupport

/// Who is on the other end of a Unix socket, as the kernel vouches for them: never what the client
/// says about itself.
public struct PeerCredentials: Sendable {
    public var pid: Int32
    public var uid: UInt32
    public var gid: UInt32
    /// Supplementary groups (SO_PEERGROUPS), so roles follow the caller's real groups even when they
    /// were set for the process alone (`setpriv --groups`, `sg`).
    public var groups: [UInt32]

    /// glibc hides `struct ucred` behind _GNU_SOURCE; its layout is three 32-bit fields.
    private struct UCred {
        var pid: Int32 = 0
        var uid: UInt32 = 0
        var gid: UInt32 = 0
    }

    /// Room for this many supplementary groups is made at first; more (ERANGE) are read again.
    public static let groupsAtFirst = 64
    /// NGROUPS_MAX: the kernel never reports more; a larger size is not believed.
    public static let mostGroups = 65536

    public init(pid: Int32, uid: UInt32, gid: UInt32, groups: [UInt32]) {
        self.pid = pid
        self.uid = uid
        self.gid = gid
        self.groups = groups
    }

    /// The kernel's word on the peer of a connected Unix socket; nil when it cannot be read.
    public static func of(socket fd: Int32) -> PeerCredentials? {
        var cred = UCred()
        var length = socklen_t(MemoryLayout<UCred>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &length) == 0, length == MemoryLayout<UCred>.size else { return nil }
        var groups = [gid_t](repeating: 0, count: Self.groupsAtFirst)
        var size = socklen_t(groups.count * MemoryLayout<gid_t>.size)
        if getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, &groups, &size) != 0 {
            if errno == ERANGE, size > 0, Int(size) <= Self.mostGroups * MemoryLayout<gid_t>.size {
                groups = [gid_t](repeating: 0, count: Int(size) / MemoryLayout<gid_t>.size)
                if getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, &groups, &size) != 0 { size = 0 }
            } else {
                size = 0
            }
        }
        let count = Int(size) / MemoryLayout<gid_t>.size
        return PeerCredentials(pid: cred.pid, uid: cred.uid, gid: cred.gid,
                               groups: [cred.gid] + groups.prefix(count).map { UInt32($0) })
    }

    /// The caller as the ledger knows it: the uid's name and the roles its groups map to.
    public func caller(roles map: RoleMap) -> Caller {
        let roles = map.roles(uid: uid, groupIDs: groups, groupName: SystemAccounts.groupName(gid:))
        return Caller(actor: Actor(uid: uid, name: SystemAccounts.userName(uid: uid)), roles: roles)
    }
}
