/// Which Unix groups hold which role. Names or numeric gids; the daemon reads them from its
/// configuration, mediactl's local mode uses the defaults.
public struct RoleMap: Sendable, Hashable {
    public var admin: [String] = [Role.admin.group]
    public var officer: [String] = [Role.officer.group]
    public var auditor: [String] = [Role.auditor.group]

    public init() {}

    public func groups(for role: Role) -> [String] {
        switch role {
        case .admin: admin
        case .officer: officer
        case .auditor: auditor
        }
    }

    /// Root holds every role; anyone else holds the roles whose groups they are in; no group, no role.
    /// `groupName` resolves a gid (the kernel gives gids, the configuration may name groups).
    public func roles(uid: UInt32, groupIDs: [UInt32], groupName: (UInt32) -> String?) -> Set<Role> {
        if uid == 0 { return Set(Role.allCases) }
        let names = Set(groupIDs.compactMap(groupName))
        let numbers = Set(groupIDs.map(String.init))
        return Set(Role.allCases.filter { role in
            groups(for: role).contains { numbers.contains($0) || names.contains($0) }
        })
    }
}
