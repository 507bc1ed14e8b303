import Foundation
import GRDB

/// The SQLite ledger file: opening, migrating, and turning SQLite's failures into errors a clerk can
/// act on. Everything else in the store is plain functions over a `Database`.
public final class LedgerStore: Sendable {
    /// Where the daemon and mediactl look when no `--db` is given.
    public static let defaultPath = "/var/lib/mediad/mediad.db"

    public let path: String
    let pool: DatabasePool

    /// Opens (creating if needed) the ledger at `path` and brings its schema up to date.
    public init(path: String) throws(LedgerError) {
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
        } catch {
            throw Self.translate(error, path: path)
        }
    }

    func read<T>(_ body: (Database) throws -> T) throws(LedgerError) -> T {
        do { return try pool.read(body) } catch { throw Self.translate(error, path: path) }
    }

    func write<T>(_ body: (Database) throws -> T) throws(LedgerError) -> T {
        do { return try pool.write(body) } catch { throw Self.translate(error, path: path) }
    }

    static func translate(_ error: any Error, path: String) -> LedgerError {
        if let ledgerError = error as? LedgerError { return ledgerError }
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
