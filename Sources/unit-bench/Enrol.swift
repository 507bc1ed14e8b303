import AssetCore
import Foundation
import SyncCore

/// `unit-bench enrol`: registers `--computers` computers at the hub through its socket
/// (`computer add`), asks a one-time code for each (`computer enrol`), and enrols each over HTTPS
/// with a key of its own (`POST /v1/enrol`), as `mediad-sync enrol` does. Writes the state file.
enum EnrolCommand {
    struct Result: Codable {
        var computers: Int
        var concurrency: Int
        var registerSeconds: Double
        var enrolSeconds: Double
        var ledgerVersion: Int64
    }

    static func run(_ options: Options) async throws {
        let socket = HubSocket(path: try options.text("socket"))
        let count = try options.int("computers", default: 5000)
        let concurrency = try options.int("concurrency", default: 8)
        let prefix = options.text("prefix", default: "PC-")
        let statePath = try options.text("state")
        let hub = try HubClient(hub: try options.text("hub"), caPath: try options.text("ca"), connections: concurrency)
        let names = (1...count).map { "\(prefix)\(String(format: "%05d", $0))" }

        // 1. The computers in the unit ledger: standalone, secret (what a unit's classified PCs are).
        let registerStart = now()
        try await forEach(names, concurrency: concurrency) { _, name in
            var computer = Computer(assetNumber: name, level: .secret, network: .standalone)
            computer.name = "bench \(name)"
            let registration = computer
            _ = try await blocking { try socket.ledger(.computerAdd(registration)) }
        }
        let registerSeconds = now() - registerStart
        say("registered \(count) computers in \(String(format: "%.1f", registerSeconds)) s")

        // 2. A code each, and the enrolment with a fresh key, as the computer's courier would.
        let enrolStart = now()
        let members = try await mapConcurrently(names, concurrency: concurrency) { _, name -> (BenchState.Member, EnrolmentAnswer) in
            let reply = try await blocking { try socket.call(.hub(.enrolmentCode(computer: name))) }
            guard case .hub(.enrolmentCode(let code)) = reply else { throw BenchError.failed("no enrolment code for \(name): \(reply)") }
            let key = SigningKey()
            let answer: EnrolmentAnswer
            do { answer = try await hub.enrol(EnrolmentRequest(computer: name, code: code.code, publicKey: key.publicText)) } catch let error as HubError {
                throw BenchError.failed("enrolling \(name): \(error.message.en)")
            }
            return (BenchState.Member(computer: name, key: key.rawRepresentation.base64EncodedString(), token: answer.courierToken,
                                      seq: 0, hash: RecordChain.genesis), answer)
        }
        let enrolSeconds = now() - enrolStart
        await hub.shutdown()
        guard let first = members.first?.1 else { throw BenchError.failed("no computer enrolled") }
        let probe = try HubClient(hub: try options.text("hub"), caPath: try options.text("ca"), connections: 1)
        let version = try await probe.health()
        await probe.shutdown()
        try BenchState(unit: first.unit, unitKey: first.unitKey, enrolledAtVersion: version, members: members.map { $0.0 }).save(statePath)
        say("enrolled \(count) computers in \(String(format: "%.1f", enrolSeconds)) s; ledger version \(version)")
        try emit(Result(computers: count, concurrency: concurrency, registerSeconds: registerSeconds, enrolSeconds: enrolSeconds,
                        ledgerVersion: version))
    }
}

/// Runs `body` for every element, at most `concurrency` at once; the first error ends it.
func forEach<T: Sendable>(_ items: [T], concurrency: Int, _ body: @escaping @Sendable (Int, T) async throws -> Void) async throws {
    _ = try await mapConcurrently(items, concurrency: concurrency) { index, item in try await body(index, item) }
}

/// `body` over every element, at most `concurrency` at once, the results in the elements' order.
func mapConcurrently<T: Sendable, R: Sendable>(_ items: [T], concurrency: Int,
                                               _ body: @escaping @Sendable (Int, T) async throws -> R) async throws -> [R] {
    try await withThrowingTaskGroup(of: (Int, R).self) { group in
        var results = [R?](repeating: nil, count: items.count)
        var next = 0
        func add() {
            let index = next, item = items[index]
            group.addTask { (index, try await body(index, item)) }
            next += 1
        }
        while next < min(concurrency, items.count) { add() }
        while let (index, result) = try await group.next() {
            results[index] = result
            if next < items.count { add() }
        }
        return results.map { $0! }
    }
}
