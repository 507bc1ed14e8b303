/// Which Unix groups hold which role. Names or numeric gids; the daemon reads them from its
/// configuration, mediactl's local mode uses the defaults.
public struct RoleMap: Sendable, Hashable {
    public var admin: [String] = [Role.admin.group]
    public var officer: [String] = [Role.officer.group]
    public var auditor: [String] = [Role.auditor.group]
    public var courier: [String] = [Role.courier.group]

    public init() {}

    public func groups(for role: Role) -> [String] {
        switch role {
        case .admin: admin
        case .officer: officer
        case .auditor: auditor
        case .courier: courier
        }
    }

    /// Root holds every role; anyone else holds the roles whose groups they are in; no group, no role.
    /// `groupName` resolves a gid (the kernel gives gids, the configuration may name groups).
    public func roles(uid: UInt32, groupIDs: [UInt32], groupName: (UInt32) -> String?) -> Set<Role> {
        roles(uid: uid, groups: Set(groupIDs.compactMap(groupName) + groupIDs.map(String.init)))
    }

    /// The same rule over group names and gids written as text.
    public func roles(uid: UInt32, groups: Set<String>) -> Set<Role> {
        if uid == 0 { return Set(Role.allCases) }
        return Set(Role.allCases.filter { role in self.groups(for: role).contains(where: groups.contains) })
    }
}
