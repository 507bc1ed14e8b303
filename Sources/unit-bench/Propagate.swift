import AssetCore
import Foundation
import SyncCore

/// `unit-bench propagate`: `--couriers` enrolled computers each hold a long-poll
/// (`GET /v1/changes?after=V&wait=60`, their own keep-alive connection); then one ledger change is
/// made at the hub through its socket (a person added) at t0. Each courier, when its answer comes,
/// opens the change set under the unit key pinned at enrolment and checks that it starts at the
/// version it holds (`from == V`): then it is "applied". A round's figure is t0 to the last courier
/// applied. One warm-up round (the TLS handshakes) is not counted.
enum PropagateCommand {
    struct Round: Codable {
        var version: Int64
        /// t0 → the hub's socket answered that the change is committed.
        var commitMs: Double
        /// t0 → the first and the last courier applied.
        var firstMs: Double
        var lastMs: Double
        var medianMs: Double
    }

    struct Result: Codable {
        var couriers: Int
        var rounds: [Round]
        var lastMs: Spread
        var heldSecondsBeforeChange: Double
    }

    static func run(_ options: Options) async throws {
        let state = try BenchState.load(try options.text("state"))
        let socket = HubSocket(path: try options.text("socket"))
        let couriers = try options.int("couriers", default: 100)
        let rounds = try options.int("rounds", default: 5)
        let hold = Double(try options.int("hold-ms", default: 1500)) / 1000
        guard couriers <= state.members.count else { throw BenchError.usage("only \(state.members.count) computers are enrolled") }
        let members = Array(state.members.suffix(couriers))
        let hub = try HubClient(hub: try options.text("hub"), caPath: try options.text("ca"), connections: couriers + 8)
        var version = try await hub.health()
        var results: [Round] = []
        for round in 0...rounds {
            let held = version
            let unitKey = state.unitKey
            // Every courier asks for what comes after the version it holds, and waits.
            let polls = Task {
                try await withThrowingTaskGroup(of: Double.self) { group in
                    for member in members {
                        group.addTask {
                            let arrived = try await hub.changes(token: member.token, after: held, wait: 60)
                            let at = now()
                            guard let first = arrived.first else { throw BenchError.failed("\(member.computer): the long-poll ended empty") }
                            let change = try first.open(ChangeSet.self, as: .changeSet, trusting: unitKey)
                            guard change.from == held else {
                                throw BenchError.failed("\(member.computer): change set from \(change.from), holds \(held)")
                            }
                            return at
                        }
                    }
                    var times: [Double] = []
                    for try await at in group { times.append(at) }
                    return times
                }
            }
            try await Task.sleep(for: .seconds(hold))
            // t0: one change at the hub, as an administrator's `mediactl --hub person add` makes it.
            let person = Person(id: "PB\(held)-\(round)", name: "传播测试 \(round)", department: "保密办", clearance: .general)
            let t0 = now()
            _ = try await blocking { try socket.ledger(.personAdd(person)) }
            let committed = now()
            let times = try await polls.value.map { ($0 - t0) * 1000 }
            version = held + 1
            let spread = Spread(times)
            let line = Round(version: version, commitMs: (committed - t0) * 1000, firstMs: spread.min, lastMs: spread.max,
                             medianMs: spread.median)
            say("round \(round)\(round == 0 ? " (warm-up)" : ""): \(times.count) couriers applied version \(version); "
                + "commit \(String(format: "%.0f", line.commitMs)) ms, last applied \(String(format: "%.0f", line.lastMs)) ms")
            if round > 0 { results.append(line) }
        }
        await hub.shutdown()
        try emit(Result(couriers: couriers, rounds: results, lastMs: Spread(results.map(\.lastMs)), heldSecondsBeforeChange: hold))
    }
}
