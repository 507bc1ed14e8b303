#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Account and group names, and the `Caller` of this process (mediactl's local mode). The
/// credentials come from the kernel, never from anything the caller says about itself; the
/// daemon's socket peers are resolved by `PeerCredentials` in mediad.
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
        let roles = RoleMap().roles(uid: uid, groupIDs: gids, groupName: groupName(gid:))
        return Caller(actor: Actor(uid: uid, name: name), roles: roles)
    }
}
