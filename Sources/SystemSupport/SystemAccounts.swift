#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Account and group names from the user database, and this process's own credentials. The
/// credentials come from the kernel, never from anything a caller says about itself; the daemon's
/// socket peers are resolved by `PeerCredentials` in MediadCore, and which roles a caller has is
/// AssetCore's rule (`SystemAccounts.currentProcess`, `RoleMap`).
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

    /// This process's real uid, and its real gid followed by its supplementary groups.
    public static func currentCredentials() -> (uid: UInt32, groupIDs: [UInt32]) {
        var gids = [UInt32(getgid())]
        let count = getgroups(0, nil)
        if count > 0 {
            var list = [gid_t](repeating: 0, count: Int(count))
            let got = getgroups(count, &list)
            if got > 0 { gids += list.prefix(Int(got)).map { UInt32($0) } }
        }
        return (UInt32(getuid()), gids)
    }
}
