import SystemSupport

/// Stays in AssetCore, beside `RoleMap`: who this process is comes from SystemSupport, but which
/// roles that gives and how a sudo user is named in the trail are rules.
extension SystemAccounts {
    /// The caller for this process (mediactl's local mode): its real uid and its current groups.
    /// Under sudo the invoking user's name is kept beside root's, so the trail names a person.
    public static func currentProcess(sudoUser: String?) -> Caller {
        let (uid, gids) = currentCredentials()
        var name = userName(uid: uid)
        if uid == 0, let sudoUser, !sudoUser.isEmpty, sudoUser != "root" {
            name += " (sudo: \(SafeText.escape(sudoUser)))"
        }
        let roles = RoleMap().roles(uid: uid, groupIDs: gids, groupName: groupName(gid:))
        return Caller(actor: Actor(uid: uid, name: name), roles: roles)
    }
}
