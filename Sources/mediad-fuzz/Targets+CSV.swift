import AssetCore
import Foundation

/// `media import`: the CSV as a clerk's spreadsheet left it, read by `MediaCSV.parse` (header,
/// cells, every row's form) and then imported by the service into a scratch ledger, where each row
/// is checked against what is registered (all or nothing).
extension FuzzTarget {
    static let csvImport = FuzzTarget(name: "csv-import", summary: "media import CSV (MediaCSV, InventoryService.importMedia)") { bytes in
        let text = String(decoding: bytes, as: UTF8.self)
        switch Result(catching: { () throws(LedgerError) in try MediaCSV.parse(text) }) {
        case .success(let parsed):
            consume(parsed.problems.map(\.message))
            // Only a file with rows reaches the ledger: a header alone is refused before a write.
            if !parsed.rows.isEmpty { consume(ScratchLedger.shared.importMedia(text)) }
        case .failure(let error):
            consume(error.description)
        }
    }
}

/// A ledger in /tmp for the import's checks against registered media. One per process; an import
/// that succeeds stays, so later inputs also meet numbers and identities already taken.
final class ScratchLedger: Sendable {
    static let shared = ScratchLedger()

    let service: InventoryService
    private let caller = Caller(actor: Actor(uid: 0, name: "root"), roles: Set(Role.allCases))

    private init() {
        let directory = NSTemporaryDirectory() + "mediad-fuzz-ledger-\(getpid())"
        Scratch.made(directory)
        let path = directory + "/ledger.db"
        do {
            service = InventoryService(store: try LedgerStore(path: path))
        } catch {
            fatalError("harness: cannot open a scratch ledger at \(path): \(error)")
        }
    }

    func importMedia(_ csv: String) -> String {
        do { return "\(try service.handle(.mediaImport(csv: csv), caller: caller))" } catch { return error.description }
    }
}

/// Removes a scratch directory and everything in it.
func removeTree(_ path: String) {
    try? FileManager.default.removeItem(atPath: path)
}
