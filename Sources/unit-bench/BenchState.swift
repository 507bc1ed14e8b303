import AssetCore
import Foundation

/// The simulated computers between two commands: each one's key, courier token and where its chain
/// of records stands, so a later command continues every chain where the last one left it.
struct BenchState: Codable {
    struct Member: Codable {
        var computer: String
        /// The computer's Ed25519 private key, 32 raw bytes in base64.
        var key: String
        var token: String
        /// The last record's sequence number and hash (0 and the genesis hash before the first).
        var seq: Int64
        var hash: String
    }

    var unit: String
    var unitKey: String
    /// The ledger version the computers were told at enrolment time (informational).
    var enrolledAtVersion: Int64
    var members: [Member]
    /// Where the next command's first batch goes, so successive commands spread over every computer.
    var cursor: Int = 0

    static func load(_ path: String) throws -> BenchState {
        guard let data = FileManager.default.contents(atPath: path) else { throw BenchError.failed("cannot read \(path)") }
        return try JSONDecoder().decode(BenchState.self, from: data)
    }

    func save(_ path: String) throws {
        let data = try JSONEncoder().encode(self)
        let temporary = path + ".new"
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600]),
              rename(temporary, path) == 0 else { throw BenchError.failed("cannot write \(path)") }
    }
}

/// Runs blocking work (the hub's Unix socket) on a thread of its own, never on the cooperative pool.
func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            do { continuation.resume(returning: try body()) } catch { continuation.resume(throwing: error) }
        }
    }
}
