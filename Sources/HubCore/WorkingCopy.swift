import AssetCore
import Foundation
import GRDB
import HubStore
import Logging

/// The hub's SQLite working copy: opened with every change captured, its versions kept beside the
/// ledger (`hub_state`, never mirrored), rebuilt from PostgreSQL's rows when behind.
enum WorkingCopy {
    static let stateTable = "CREATE TABLE IF NOT EXISTS hub_state (id INTEGER PRIMARY KEY CHECK (id = 1), mirror INTEGER NOT NULL, ledger INTEGER NOT NULL)"

    static func open(path: String) throws -> LedgerStore {
        let store = try LedgerStore(path: path, capture: true)
        try store.writeRaw { db in try db.execute(sql: stateTable) }
        return store
    }

    /// The versions the working copy at `path` is at, nil when there is none; the file is closed after.
    static func storedVersions(path: String) throws -> HubVersions? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let queue = try DatabaseQueue(path: path)
        return try queue.read { db in try db.tableExists("hub_state") ? try versions(db) : nil }
    }

    static func versions(_ db: Database) throws -> HubVersions {
        guard let row = try Row.fetchOne(db, sql: "SELECT mirror, ledger FROM hub_state WHERE id = 1") else {
            return HubVersions(mirror: -1, ledger: -1)
        }
        return HubVersions(mirror: row[0], ledger: row[1])
    }

    static func setVersions(_ db: Database, _ versions: HubVersions) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO hub_state (id, mirror, ledger) VALUES (1, ?, ?)",
                       arguments: [versions.mirror, versions.ledger])
    }

    /// A new working copy from PostgreSQL's rows, written beside and moved into place.
    static func rebuild(path: String, rows: [LedgerRowChange], versions: HubVersions) throws {
        let fresh = path + ".rebuild"
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: fresh + suffix) }
        do {
            let store = try LedgerStore(path: fresh)
            // The migrations wrote their own first rows (the record chain's head); PostgreSQL's replace them.
            try LedgerCapture.restore(store, rows: rows)
            try store.writeRaw { db in
                try db.execute(sql: stateTable)
                try setVersions(db, versions)
            }
            try store.checkpoint()
        }
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        guard rename(fresh, path) == 0 else {
            throw LedgerError(.storage, zh: "无法替换工作副本 \(path)", en: "cannot move the rebuilt working copy into \(path)")
        }
    }
}
