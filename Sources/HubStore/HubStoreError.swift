import AssetCore

/// Why the unit ledger's database refused or failed, in words an administrator can act on: which
/// server, which setting, which code. A failure of PostgreSQL itself is carried with its SQLSTATE so
/// the database's own documentation finds it.
public enum HubStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The connection settings do not parse.
    case badSettings(String)
    /// Keywords in the connection settings that this hub does not know.
    case unknownSettings([String])
    /// No connection to the server (not running, wrong socket or host, network, TLS).
    case unreachable(endpoint: String, detail: String)
    /// The server refused the role or its password.
    case authenticationFailed(user: String, endpoint: String, detail: String)
    /// The server has no such database.
    case noDatabase(database: String, endpoint: String)
    /// The hub's tables are missing: `migrate()` has not run against this database.
    case notMigrated(detail: String)
    /// Another commit landed since the caller's working copy was read; nothing was written.
    case versionConflict(expected: Int64, actual: Int64)
    /// The change set does not move the ledger to the version this commit makes (nil: not a change set).
    case changeSetMismatch(expected: Int64, got: Int64?)
    /// The database already belongs to another unit (or the same name with another key).
    case unitMismatch(existing: String, given: String)
    /// The computer is not registered in the unit ledger.
    case unknownComputer(String)
    /// No enrolment code matches.
    case badCode(computer: String)
    case codeExpired(computer: String, expiredAt: Timestamp)
    case codeUsed(computer: String, usedAt: Timestamp)
    /// The code was issued for another computer than the one enrolling with it.
    case codeForOtherComputer(computer: String)
    /// A ledger value PostgreSQL cannot hold (a NUL character in a text).
    case unstorable(table: String, key: String, reason: String)
    /// A stored value that does not read back (edited by hand, or written by a newer hub).
    case corrupt(String)
    /// The client was shut down or the task cancelled before the database answered.
    case unavailable(String)
    /// Any other refusal of the server, with its SQLSTATE.
    case server(sqlState: String, message: String)

    public var zh: String {
        switch self {
        case .badSettings(let detail): "数据库连接设置有误：\(detail)"
        case .unknownSettings(let keys): "数据库连接设置中有不认识的项：\(keys.joined(separator: "、"))（可用 host、port、user、dbname、password、sslmode）"
        case .unreachable(let endpoint, let detail): "无法连接 PostgreSQL（\(endpoint)）：\(detail)；请确认数据库服务已启动、地址与端口正确"
        case .authenticationFailed(let user, let endpoint, let detail): "PostgreSQL（\(endpoint)）拒绝了用户 \(user) 的登录：\(detail)；请检查用户、口令与 pg_hba.conf"
        case .noDatabase(let database, let endpoint): "PostgreSQL（\(endpoint)）上没有数据库 \(database)；请先创建（createdb -O 用户 \(database)）"
        case .notMigrated(let detail): "数据库尚未初始化（\(detail)）；请先启动中心服务完成表结构迁移"
        case .versionConflict(let expected, let actual): "单位台账已被其他操作修改（预期版本 \(expected)，实际 \(actual)）；未写入任何内容，请重试"
        case .changeSetMismatch(let expected, let got): got.map { "变更集的目标版本是 \($0)，本次提交应为 \(expected)；未写入任何内容" } ?? "附带的不是台账变更集；未写入任何内容"
        case .unitMismatch(let existing, let given): "该数据库已属于单位“\(existing)”，不能改为“\(given)”；请核对数据库或单位密钥"
        case .unknownComputer(let computer): "单位台账中没有计算机 \(computer)；请先登记（computer add）"
        case .badCode(let computer): "计算机 \(computer) 的注册码不正确；请核对或重新生成"
        case .codeExpired(let computer, let at): "计算机 \(computer) 的注册码已于 \(at) 过期；请重新生成"
        case .codeUsed(let computer, let at): "计算机 \(computer) 的注册码已于 \(at) 使用过；每个注册码只能使用一次，请重新生成"
        case .codeForOtherComputer(let computer): "该注册码不是为计算机 \(computer) 生成的；请核对计算机编号"
        case .unstorable(let table, let key, let reason): "台账表 \(table) 的记录 \(key) 无法存入数据库：\(reason)"
        case .corrupt(let detail): "数据库中的数据无法读取：\(detail)"
        case .unavailable(let detail): "数据库连接不可用：\(detail)"
        case .server(let state, let message): "PostgreSQL 报错（SQLSTATE \(state)）：\(message)"
        }
    }

    public var description: String {
        switch self {
        case .badSettings(let detail): "bad database settings: \(detail)"
        case .unknownSettings(let keys): "unknown database setting\(keys.count == 1 ? "" : "s") \(keys.joined(separator: ", ")) (known: host, port, user, dbname, password, sslmode)"
        case .unreachable(let endpoint, let detail): "cannot reach PostgreSQL at \(endpoint) (\(detail)); is the server running, and are host and port right?"
        case .authenticationFailed(let user, let endpoint, let detail): "PostgreSQL at \(endpoint) refused the role \(user) (\(detail)); check the user, the password and pg_hba.conf"
        case .noDatabase(let database, let endpoint): "PostgreSQL at \(endpoint) has no database \(database); create it (createdb -O ROLE \(database))"
        case .notMigrated(let detail): "the database has not been set up (\(detail)); start the hub once so that it migrates the schema"
        case .versionConflict(let expected, let actual): "the unit ledger changed meanwhile (expected version \(expected), found \(actual)); nothing was written, try again"
        case .changeSetMismatch(let expected, let got): got.map { "the change set moves the ledger to version \($0), this commit makes \(expected); nothing was written" } ?? "the payload is not a ledger change set; nothing was written"
        case .unitMismatch(let existing, let given): "this database belongs to the unit '\(existing)', not '\(given)'; check the database or the unit key"
        case .unknownComputer(let computer): "no computer \(computer) in the unit ledger; register it first (computer add)"
        case .badCode(let computer): "wrong enrolment code for computer \(computer); check it or issue a new one"
        case .codeExpired(let computer, let at): "the enrolment code of computer \(computer) expired at \(at); issue a new one"
        case .codeUsed(let computer, let at): "the enrolment code of computer \(computer) was already used at \(at); a code works once, issue a new one"
        case .codeForOtherComputer(let computer): "this enrolment code was not issued for computer \(computer); check the asset number"
        case .unstorable(let table, let key, let reason): "the row \(key) of \(table) cannot be stored: \(reason)"
        case .corrupt(let detail): "unreadable data in the database: \(detail)"
        case .unavailable(let detail): "the database connection is not available: \(detail)"
        case .server(let state, let message): "PostgreSQL refused (SQLSTATE \(state)): \(message)"
        }
    }
}
