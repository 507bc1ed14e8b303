import Foundation
import GRDB

/// The SQLite ledger file: opening, migrating, and turning SQLite's failures into errors a clerk can
/// act on. Everything else in the store is plain functions over a `Database`.
public final class LedgerStore: Sendable {
    /// Where the daemon and mediactl look when no `--db` is given.
    public static let defaultPath = "/var/lib/mediad/mediad.db"

    public let path: String
    let pool: DatabasePool
    let hooks = CommitHooks()

    /// Opens (creating if needed) the ledger at `path` and brings its schema up to date. With
    /// `capture`, every row a write changes is noted (`LedgerCapture`) for the commit hook: the hub's
    /// working copy, whose commits go to PostgreSQL first.
    public init(path: String, capture: Bool = false) throws(LedgerError) {
        self.path = path
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o750])
            } catch {
                throw LedgerError(.storage, zh: "无法创建数据库目录 \(directory)：\(error.localizedDescription)",
                                  en: "cannot create the database directory \(directory): \(error.localizedDescription)")
            }
        }
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        configuration.label = "mediad-ledger"
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try Schema.migrator.migrate(pool)
            if capture {
                try pool.writeWithoutTransaction(LedgerCapture.install)
            } else {
                // GRDB's WAL default (NORMAL) syncs only at checkpoints: a commit survives a crash of
                // mediad but not a power cut or a disk that fails, and the guard enforces a verdict
                // as soon as it is committed, so a device could be used and its record vanish.
                // FULL syncs the WAL at each commit (the guard commits once per group of devices).
                // The hub's working copy is rebuilt from PostgreSQL, which keeps its durability.
                try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") }
            }
        } catch {
            throw Self.translate(error, path: path)
        }
    }

    func read<T>(_ body: (Database) throws -> T) throws(LedgerError) -> T {
        do { return try pool.read(body) } catch { throw Self.translate(error, path: path) }
    }

    /// A write whose commit is not synced to the disk (SQLite `synchronous = NORMAL` for this one
    /// transaction): for what only measures time, the guard's heartbeat, which an idle guard writes
    /// every 15 seconds. A power cut may lose it, and the gap then looks up to 15 s longer; a sync
    /// would wait on the disk four more times a minute. The next synced commit syncs it too.
    func writeUnsynced<T>(_ body: (Database) throws -> T) throws(LedgerError) -> T {
        try write(with: "synchronous", "NORMAL", body)
    }

    func write<T>(_ body: (Database) throws -> T) throws(LedgerError) -> T {
        do {
            return try pool.write { db in
                let result = try body(db)
                try hooks.beforeCommit?(db)
                return result
            }
        } catch {
            throw Self.translate(error, path: path)
        }
    }

    /// Runs `hook` at the end of every write, inside its transaction: a throw rolls the write back.
    /// Set once, before the store is used (the hub's write-through to PostgreSQL).
    public func setBeforeCommit(_ hook: @escaping @Sendable (Database) throws -> Void) {
        hooks.beforeCommit = hook
    }

    /// A write that is not a ledger command (the hub storing what a computer sent), through the same
    /// hook.
    public func writeThrough<T>(_ body: (Database) throws -> T) throws(LedgerError) -> T {
        try write(body)
    }

    /// A write of the store's own bookkeeping (the hub's versions), through the same hook.
    public func writeRaw<T>(_ body: (Database) throws -> T) throws(LedgerError) -> T {
        try write(body)
    }

    /// Folds the write-ahead log into the file, so the file alone is the whole ledger.
    public func checkpoint() throws(LedgerError) {
        do { _ = try pool.writeWithoutTransaction { try $0.checkpoint(.truncate) } } catch { throw Self.translate(error, path: path) }
    }

    /// A read of the working copy, for the hub's snapshots and listings.
    public func readRaw<T>(_ body: (Database) throws -> T) throws(LedgerError) -> T {
        try read(body)
    }

    /// One transaction with foreign keys off: a replica takes the unit's rows as the hub holds them,
    /// and a medium the unit no longer lists may still be named by this computer's own history
    /// (movements), which is kept.
    func writeWithoutForeignKeys<T>(_ body: (Database) throws -> T) throws(LedgerError) -> T {
        try write(with: "foreign_keys", "OFF", body)
    }

    /// One transaction with a connection setting changed for it alone, put back as it was after.
    private func write<T>(with pragma: String, _ value: String, _ body: (Database) throws -> T) throws(LedgerError) -> T {
        do {
            return try pool.writeWithoutTransaction { db in
                let previous = try String.fetchOne(db, sql: "PRAGMA \(pragma)") ?? ""
                try db.execute(sql: "PRAGMA \(pragma) = \(value)")
                defer { try? db.execute(sql: "PRAGMA \(pragma) = \(previous)") }
                var result: T?
                try db.inTransaction {
                    result = try body(db)
                    try hooks.beforeCommit?(db)
                    return .commit
                }
                return result!
            }
        } catch {
            throw Self.translate(error, path: path)
        }
    }

    /// Whether the file system holding `path` refuses writes as read-only now: what an I/O error
    /// from SQLite means on a disk the kernel turned read-only after an error (ext4's
    /// errors=remount-ro, which the mount flags do not show). Asked by creating a file beside it,
    /// only after an I/O error.
    static func isOnReadOnlyFileSystem(_ path: String) -> Bool {
        let directory = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        let probe = (directory.isEmpty ? "." : directory) + "/.mediad-write-probe"
        let fd = open(probe, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        if fd >= 0 {
            close(fd)
            unlink(probe)
            return false
        }
        return errno == EROFS
    }

    static func translate(_ error: any Error, path: String) -> LedgerError {
        if let ledgerError = error as? LedgerError { return ledgerError }
        if let unitError = error as? UnitError { return unitError.ledgerError }
        guard let dbError = error as? DatabaseError else {
            return LedgerError(.storage, zh: "数据库 \(path) 出错：\(error)", en: "ledger database \(path) failed: \(error)")
        }
        switch dbError.resultCode {
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            return LedgerError(.storage,
                zh: "数据库 \(path) 已损坏或不是 mediad 台账；请从备份恢复，勿覆盖原文件",
                en: "the ledger database \(path) is damaged or is not a mediad ledger; restore it from a backup and keep the damaged file for inspection")
        case .SQLITE_FULL:
            return LedgerError(.storage,
                zh: "磁盘已满，数据库 \(path) 无法写入；本次操作未保存，清理空间后重试",
                en: "the disk is full and \(path) cannot be written; nothing was saved, free some space and try again")
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_READONLY, .SQLITE_AUTH:
            return LedgerError(.storage,
                zh: "无法打开或写入数据库 \(path)（权限不足或路径不存在）",
                en: "cannot open or write the ledger database \(path) (no permission, or the path does not exist)")
        case .SQLITE_IOERR where isOnReadOnlyFileSystem(path):
            return LedgerError(.storage,
                zh: "数据库 \(path) 所在文件系统已变为只读（磁盘出错后由内核设为只读，或以只读方式挂载）；本次操作未保存，请检查磁盘后以读写方式重新挂载",
                en: "the file system holding \(path) is read-only (the kernel makes it so after a disk error, or it was mounted so); nothing was saved: check the disk and mount it read-write again")
        case .SQLITE_IOERR:
            return LedgerError(.storage,
                zh: "读写数据库 \(path) 时发生输入输出错误，磁盘可能已损坏；本次操作未保存",
                en: "input/output error on the ledger database \(path): the disk may be failing; nothing was saved")
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return LedgerError(.storage, zh: "数据库 \(path) 正忙，请稍后重试",
                               en: "the ledger database \(path) is busy; try again in a moment")
        case .SQLITE_CONSTRAINT:
            return LedgerError(.conflict, zh: "数据冲突：\(dbError.message ?? "")",
                               en: "the change conflicts with the ledger: \(dbError.message ?? "")")
        default:
            return LedgerError(.storage, zh: "数据库 \(path) 出错：\(dbError.message ?? "\(dbError)")",
                               en: "ledger database \(path) failed: \(dbError.message ?? "\(dbError)")")
        }
    }
}

/// The hook a store runs before each commit; set once at start, read on every write.
final class CommitHooks: @unchecked Sendable {
    private let lock = NSLock()
    private var hook: (@Sendable (Database) throws -> Void)?

    var beforeCommit: (@Sendable (Database) throws -> Void)? {
        get { lock.withLock { hook } }
        set { lock.withLock { hook = newValue } }
    }
}

extension LedgerStore {
    /// Whether the ledger registers the computer `assetNumber` (the hub enrols only those).
    public func hasComputer(_ assetNumber: String) throws(LedgerError) -> Bool {
        try read { db in try Ledger.computer(db, assetNumber: assetNumber) != nil }
    }
}
