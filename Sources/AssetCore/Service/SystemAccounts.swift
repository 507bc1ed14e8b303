#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns operating-system credentials into a `Caller`. The credentials come from the kernel
/// (the process's own ids in local mode, SO_PEERCRED on the socket), never from anything the caller
/// says about itself.
public enum SystemAccounts {
    /// The account name of `uid`, or `uid:N` when the account has no entry.
    public static func userName(uid: UInt32) -> String {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>? = nil
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getpwuid_r(uid_t(uid), &entry, &buffer, buffer.count, &result) == 0, result != nil,
              let name = entry.pw_name else { return "uid:\(uid)" }
        return String(cString: name)
    }

    public static func groupName(gid: UInt32) -> String? {
        var entry = group()
        var result: UnsafeMutablePointer<group>? = nil
        var buffer = [CChar](repeating: 0, count: 16384)
        guard getgrgid_r(gid_t(gid), &entry, &buffer, buffer.count, &result) == 0, result != nil,
              let name = entry.gr_name else { return nil }
        return String(cString: name)
    }

    /// Every group `uid` belongs to per the group database (for a socket peer).
    public static func groupIDs(uid: UInt32, primary gid: UInt32) -> [UInt32] {
        let name = userName(uid: uid)
        guard !name.hasPrefix("uid:") else { return [gid] }
        var count: Int32 = 64
        var groups = [gid_t](repeating: 0, count: Int(count))
        if getgrouplist(name, gid_t(gid), &groups, &count) == -1 {
            groups = [gid_t](repeating: 0, count: Int(count))
            guard getgrouplist(name, gid_t(gid), &groups, &count) != -1 else { return [gid] }
        }
        return groups.prefix(Int(count)).map { UInt32($0) }
    }

    /// The caller for a peer known by uid and gid (the control socket's case).
    public static func caller(uid: UInt32, gid: UInt32) -> Caller {
        let names = groupIDs(uid: uid, primary: gid).compactMap(groupName(gid:))
        return Caller(actor: Actor(uid: uid, name: userName(uid: uid)), roles: Caller.roles(uid: uid, groupNames: names))
    }

    /// The caller for this process (mediactl's local mode): its real uid and its current groups.
    /// Under sudo the invoking user's name is kept beside root's, so the trail names a person.
    public static func currentProcess(sudoUser: String?) -> Caller {
        let uid = UInt32(getuid())
        var gids = [UInt32(getgid())]
        let count = getgroups(0, nil)
        if count > 0 {
            var list = [gid_t](repeating: 0, count: Int(count))
            let got = getgroups(count, &list)
            if got > 0 { gids += list.prefix(Int(got)).map { UInt32($0) } }
        }
        var name = userName(uid: uid)
        if uid == 0, let sudoUser, !sudoUser.isEmpty, sudoUser != "root" {
            name += " (sudo: \(SafeText.escape(sudoUser)))"
        }
        let roles = Caller.roles(uid: uid, groupNames: gids.compactMap(groupName(gid:)))
        return Caller(actor: Actor(uid: uid, name: name), roles: roles)
    }
}
