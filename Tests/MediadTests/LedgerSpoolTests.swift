import AssetCore
import Foundation
@testable import MediadCore
import Testing

/// The spool as a file: what a restart finds, bounded, and never another ledger's.
@Suite struct LedgerSpoolTests {
    static let at = Timestamp(parsing: "2026-11-30T08:00:00Z")!

    func directory() throws -> String {
        let path = NSTemporaryDirectory() + "mediad-spool-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    func record(_ serial: String) -> SpooledRecord {
        GuardRecorder.spooled(PresentIdentitiesTests.stick("1-1", serial: serial), kind: .attach, wouldBe: nil, host: nil,
                              at: Self.at, reason: "the disk is full")
    }

    @Test func aRestartFindsTheRecordsInTheirOrder() throws {
        let path = try directory() + "/ledger.spool"
        var spool = LedgerSpool(path: path, ledger: "/var/lib/mediad/mediad.db")
        spool.add(record("A1"))
        spool.add(record("B2"))
        #expect(spool.fileFailure == nil)
        guard case .success(let loaded) = LedgerSpool.load(path: path, ledger: "/var/lib/mediad/mediad.db") else {
            Issue.record("the spool was not found")
            return
        }
        #expect(loaded.records.map(\.event.serial) == ["A1", "B2"])
        #expect(loaded.dropped == 0)
        var again = loaded
        again.add(record("C3"))   // appended to the same file
        guard case .success(let reloaded) = LedgerSpool.load(path: path, ledger: "/var/lib/mediad/mediad.db") else {
            Issue.record("the spool was not found")
            return
        }
        #expect(reloaded.records.map(\.event.serial) == ["A1", "B2", "C3"])
        again.clear()
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(LedgerSpool.load(path: path, ledger: "/var/lib/mediad/mediad.db") == nil)
    }

    @Test func aLineCutByAKillIsCountedAsLost() throws {
        let path = try directory() + "/ledger.spool"
        var spool = LedgerSpool(path: path, ledger: "L")
        spool.add(record("A1"))
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data("{\"event\":{\"at\":".utf8))
        try handle.close()
        guard case .success(let loaded) = LedgerSpool.load(path: path, ledger: "L") else {
            Issue.record("the spool was not found")
            return
        }
        #expect(loaded.records.count == 1)
        #expect(loaded.dropped == 1)
    }

    @Test func anotherLedgersSpoolIsLeftAlone() throws {
        let path = try directory() + "/ledger.spool"
        var spool = LedgerSpool(path: path, ledger: "/srv/other.db")
        spool.add(record("A1"))
        guard case .failure(let problem) = LedgerSpool.load(path: path, ledger: "/var/lib/mediad/mediad.db") else {
            Issue.record("another ledger's spool was taken")
            return
        }
        #expect(problem.description == "\(path) holds records for another ledger (/srv/other.db); left as it is")
        #expect(FileManager.default.fileExists(atPath: path))
    }

    @Test func theSpoolIsBoundedAndCountsWhatItCouldNotHold() throws {
        let path = try directory() + "/ledger.spool"
        var spool = LedgerSpool(path: path, ledger: "L")
        let one = record("A1")
        spool.add(Array(repeating: one, count: LedgerSpool.limit - 1))
        spool.add([one, one, one, one])
        #expect(spool.records.count == LedgerSpool.limit)
        #expect(spool.dropped == 3)
    }

    @Test func aSpoolThatCannotBeWrittenKeepsItsRecordsInMemoryAndSaysWhy() {
        var spool = LedgerSpool(path: "/nonexistent-mediad-dir/ledger.spool", ledger: "L")
        spool.add(record("A1"))
        #expect(spool.records.count == 1)
        #expect(spool.fileFailure == "/nonexistent-mediad-dir/ledger.spool: cannot open: No such file or directory")
    }
}
