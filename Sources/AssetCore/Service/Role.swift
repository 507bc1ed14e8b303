/// The three duties the regulations keep apart (三员分立 in spirit): administrators change the
/// ledger, officers oversee it (violations, reports), auditors only read.
public enum Role: String, Sendable, Codable, CaseIterable, Comparable {
    case admin
    case officer
    case auditor

    public var names: Bilingual {
        switch self {
        case .admin: Bilingual(zh: "管理员", en: "administrator")
        case .officer: Bilingual(zh: "保密员", en: "security officer")
        case .auditor: Bilingual(zh: "审计员", en: "auditor")
        }
    }

    /// The Unix group whose members hold this role.
    public var group: String { "mediad-\(rawValue)" }

    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// What a request needs of its caller.
public enum Permission: String, Sendable, Codable {
    /// Look at the ledger, events and violations.
    case read
    /// Register and change media, people and computers.
    case administer
    /// Acknowledge violations and produce official reports.
    case oversee

    public func isGranted(to roles: Set<Role>) -> Bool {
        switch self {
        case .read: !roles.isEmpty
        case .administer: roles.contains(.admin)
        case .oversee: roles.contains(.officer)
        }
    }

    public var needed: Bilingual {
        switch self {
        case .read: Bilingual(zh: "管理员、保密员或审计员角色", en: "the admin, officer or auditor role")
        case .administer: Bilingual(zh: "管理员角色（mediad-admin 组）", en: "the admin role (group mediad-admin)")
        case .oversee: Bilingual(zh: "保密员角色（mediad-officer 组）", en: "the officer role (group mediad-officer)")
        }
    }
}

/// Who is asking, as the operating system vouches for them, and the roles that gives them.
public struct Caller: Sendable, Hashable, Codable {
    public var actor: Actor
    public var roles: Set<Role>

    public init(actor: Actor, roles: Set<Role>) {
        self.actor = actor
        self.roles = roles
    }

    /// The roles of an account under the default group names (see `RoleMap`, the one place the
    /// rule lives): root holds every role, others those of their `mediad-*` groups, no group no role.
    public static func roles(uid: UInt32, groupNames: [String]) -> Set<Role> {
        RoleMap().roles(uid: uid, groups: Set(groupNames))
    }
}
