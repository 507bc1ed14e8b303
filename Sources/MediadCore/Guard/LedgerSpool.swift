#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import AssetCore
import SystemSupport

/// The second place for the records the ledger cannot take (a full or read-only disk, a damaged
/// file): one JSON line per record in a file away from the ledger (`/run/mediad/ledger.spool` by
/// default), so that a restart while the ledger fails loses nothing either.
///
/// Bounded: past `limit` records a new one is only counted, and the count is recorded in the
/// `ledger-unavailable` violation, so a failing disk cannot make mediad fill memory or /run.
/// The records are also held in memory: if the file cannot be written either, they are still
/// written to the ledger when it comes back, unless mediad stops before.
struct LedgerSpool {
    static let limit = 4_096

    let path: String
    /// The ledger the records belong to (the header's `ledger`): a spool left for another ledger is
    /// never written into this one.
    let ledger: String
    private(set) var records: [SpooledRecord] = []
    private(set) var dropped = 0
    /// Why the file cannot be written, while it cannot.
    private(set) var fileFailure: String?
    private var descriptor: Int32 = -1

    init(path: String, ledger: String) {
        self.path = path
        self.ledger = ledger
    }

    var isEmpty: Bool { records.isEmpty && dropped == 0 }

    /// Keeps records, in memory and at the end of the file (written and synced, once for all of
    /// them, before returning).
    mutating func add(_ new: [SpooledRecord]) {
        var lines: [UInt8] = []
        for record in new {
            guard records.count < Self.limit else {
                dropped += 1
                continue
            }
            records.append(record)
            if let line = try? Self.encoder.encode(record) { lines += line + [UInt8(ascii: "\n")] }
        }
        if !lines.isEmpty { append(lines) }
    }

    mutating func add(_ record: SpooledRecord) { add([record]) }

    /// The records are in the ledger: the file goes.
    mutating func clear() {
        if descriptor >= 0 { close(descriptor) }
        descriptor = -1
        unlink(path)
        records.removeAll()
        dropped = 0
        fileFailure = nil
    }

    private mutating func append(_ bytes: [UInt8]) {
        if descriptor < 0 {
            let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
            guard fd >= 0 else { return fail("cannot open: \(String(cString: strerror(errno)))") }
            descriptor = fd
            var info = stat()
            if fstat(fd, &info) == 0, info.st_size == 0, let header = try? Self.encoder.encode(Header(ledger: ledger)) {
                guard write(Array(header) + [UInt8(ascii: "\n")]) else { return }
            }
        }
        guard write(bytes) else { return }
        fileFailure = nil
    }

    private mutating func write(_ bytes: [UInt8]) -> Bool {
        let fd = descriptor
        let written = bytes.withUnsafeBytes { Descriptor.transferAll($0) { Glibc.write(fd, $0.baseAddress, $0.count) } }
        guard written, fsync(fd) == 0 else {
            fail("cannot write: \(String(cString: strerror(errno)))")
            return false
        }
        return true
    }

    private mutating func fail(_ why: String) {
        fileFailure = "\(path): \(why)"
    }

    /// A spool left by an earlier run for this ledger, if there is one. Lines that cannot be read
    /// (the last one, cut by a kill) are counted as dropped. A spool for another ledger is left alone.
    static func load(path: String, ledger: String) -> Result<LedgerSpool, SpoolProblem>? {
        guard let data = FileManager.default.contents(atPath: path), !data.isEmpty else { return nil }
        var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)[...]
        guard let first = lines.popFirst(), let header = try? JSONDecoder().decode(Header.self, from: Data(first)) else {
            return .failure(.unreadable(path))
        }
        guard header.ledger == ledger else { return .failure(.otherLedger(path, header.ledger)) }
        var spool = LedgerSpool(path: path, ledger: ledger)
        let decoder = JSONDecoder()
        for line in lines {
            if let record = try? decoder.decode(SpooledRecord.self, from: Data(line)) {
                spool.records.append(record)
            } else {
                spool.dropped += 1
            }
        }
        // Appended to, not rewritten: the records already in the file stay there until written.
        let fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW)
        if fd >= 0 { spool.descriptor = fd }
        return .success(spool)
    }

    enum SpoolProblem: Error, CustomStringConvertible {
        case unreadable(String)
        case otherLedger(String, String)

        var description: String {
            switch self {
            case .unreadable(let path): "\(path) is not a mediad spool; left as it is"
            case .otherLedger(let path, let ledger): "\(path) holds records for another ledger (\(ledger)); left as it is"
            }
        }
    }

    private struct Header: Codable {
        var format = "mediad-spool-1"
        var ledger: String
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}
