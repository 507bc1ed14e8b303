/// The three duties the regulations keep apart (三员分立 in spirit): administrators change the
/// ledger, officers oversee it (violations, reports), auditors only read.
public enum Role: String, Sendable, Codable, CaseIterable, Comparable {
    case admin
    case officer
    case auditor
    /// The courier, mediad-sync: carries signed payloads between mediad and the hub, reads nothing.
    case courier

    public var names: Bilingual {
        switch self {
        case .admin: Bilingual(zh: "管理员", en: "administrator")
        case .officer: Bilingual(zh: "保密员", en: "security officer")
        case .auditor: Bilingual(zh: "审计员", en: "auditor")
        case .courier: Bilingual(zh: "同步程序", en: "courier")
        }
    }

    /// The Unix group whose members hold this role.
    public var group: String { self == .courier ? "mediad-sync" : "mediad-\(rawValue)" }

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
    /// Carry the unit's signed payloads to and from mediad: the courier, or an administrator with a
    /// bundle on a medium (a standalone computer).
    case carry
    /// See the unit's state: anyone who may read, and the courier, who needs it to carry.
    case observe

    public func isGranted(to roles: Set<Role>) -> Bool {
        switch self {
        case .read: !roles.isDisjoint(with: [.admin, .officer, .auditor])
        case .administer: roles.contains(.admin)
        case .oversee: roles.contains(.officer)
        case .carry: roles.contains(.courier) || roles.contains(.admin)
        case .observe: Permission.read.isGranted(to: roles) || roles.contains(.courier)
        }
    }

    /// Refuses a caller whose roles do not grant this permission, naming the command, what it needs
    /// and what the caller has: the one check (and the one message) for the service and the socket.
    public func check(_ verb: String, caller: Caller) throws(LedgerError) {
        guard !isGranted(to: caller.roles) else { return }
        let held = caller.roles.isEmpty ? Bilingual(zh: "无", en: "none")
            : Bilingual(zh: caller.roles.sorted().map { $0.names.zh }.joined(separator: "、"),
                        en: caller.roles.sorted().map { $0.rawValue }.joined(separator: ", "))
        throw LedgerError(.permission,
            zh: "权限不足：“\(verb)” 需要\(needed.zh)；用户 \(caller.actor.name) 的角色：\(held.zh)",
            en: "permission denied: '\(verb)' needs \(needed.en); user \(caller.actor.name) has: \(held.en)")
    }

    public var needed: Bilingual {
        switch self {
        case .read: Bilingual(zh: "管理员、保密员或审计员角色", en: "the admin, officer or auditor role")
        case .administer: Bilingual(zh: "管理员角色（mediad-admin 组）", en: "the admin role (group mediad-admin)")
        case .oversee: Bilingual(zh: "保密员角色（mediad-officer 组）", en: "the officer role (group mediad-officer)")
        case .carry: Bilingual(zh: "同步程序或管理员角色（mediad-sync 或 mediad-admin 组）", en: "the courier or admin role (group mediad-sync or mediad-admin)")
        case .observe: Bilingual(zh: "管理员、保密员、审计员或同步程序角色", en: "the admin, officer, auditor or courier role")
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
