import AssetCore
import Foundation
import SyncCore

/// `unit-bench ingest`: `--events` records in batches of `--batch`, each batch from the next
/// computer in turn (starting where the previous command stopped), chained and signed as mediad
/// does and posted to `POST /v1/events` with `--concurrency` batches in flight over keep-alive
/// HTTPS connections. A computer's batches go one after the other (its chain must arrive in order);
/// different computers' go at once. The bodies are built and signed before the clock starts, as
/// 5,000 real computers would each have built their own; the receipts are checked after it stops.
enum IngestCommand {
    struct Result: Codable {
        var kind: String
        var batch: Int
        var batches: Int
        var events: Int
        var computers: Int
        var concurrency: Int
        var wallSeconds: Double
        var eventsPerSecond: Double
        var batchesPerSecond: Double
        /// Milliseconds from the request's start to the receipt's last byte.
        var latencyMs: Spread
        var prepareSeconds: Double
        var meanBodyBytes: Int
        var receiptsVerified: Int
        var eventsAcknowledged: Int
        /// The longest time in which no receipt came back (the hub stalled), and the batches that
        /// took longer than ten seconds.
        var longestSilenceSeconds: Double
        var batchesOver10s: Int
    }

    /// One batch ready to go.
    struct Prepared: Sendable {
        var index: Int
        var member: Int
        var body: Data
        var lastSeq: Int64
        var lastHash: String
        var count: Int
    }

    static func run(_ options: Options) async throws {
        let statePath = try options.text("state")
        var state = try BenchState.load(statePath)
        let batch = try options.int("batch")
        let events = try options.int("events")
        let concurrency = try options.int("concurrency", default: 64)
        guard let kind = RecordKind(rawValue: options.text("kind", default: "device_event")) else {
            throw BenchError.usage("--kind device_event or violation")
        }
        guard batch > 0, events >= batch else { throw BenchError.usage("--events must be at least --batch") }
        let count = state.members.count
        let batches = events / batch
        let cursor = state.cursor

        // Before the clock: every batch built, chained and signed, in parallel over the cores.
        let prepareStart = now()
        let owners = (0..<batches).map { (cursor + $0) % count }
        var byMember: [Int: [Int]] = [:]
        for (index, member) in owners.enumerated() { byMember[member, default: []].append(index) }
        let groups = ProcessInfo.processInfo.activeProcessorCount
        let memberList = byMember.keys.sorted()
        let chunks = stride(from: 0, to: memberList.count, by: max(1, (memberList.count + groups - 1) / groups)).map {
            Array(memberList[$0..<min($0 + max(1, (memberList.count + groups - 1) / groups), memberList.count)])
        }
        let snapshot = state
        let work = byMember
        let prepared: [(Prepared, BenchState.Member)] = try await withThrowingTaskGroup(of: [(Prepared, BenchState.Member)].self) { group in
            for chunk in chunks {
                group.addTask {
                    var out: [(Prepared, BenchState.Member)] = []
                    for index in chunk {
                        var member = snapshot.members[index]
                        let key = try SigningKey(rawRepresentation: Data(base64Encoded: member.key) ?? Data())
                        for batchIndex in work[index] ?? [] {
                            let records = Records.next(kind, count: batch, of: &member, index: index)
                            let payload = try SignedPayload.sign(
                                EventBatch(unit: snapshot.unit, computer: member.computer, sentAt: Timestamp(secondsSinceEpoch: Int64(Date().timeIntervalSince1970)),
                                           head: member.seq, ledgerVersion: snapshot.enrolledAtVersion, records: records),
                                kind: .eventBatch, with: key)
                            out.append((Prepared(index: batchIndex, member: index, body: try UnitCoding.encoder.encode(payload),
                                                 lastSeq: member.seq, lastHash: member.hash, count: records.count), member))
                        }
                    }
                    return out
                }
            }
            var all: [(Prepared, BenchState.Member)] = []
            for try await part in group { all.append(contentsOf: part) }
            return all
        }
        var ready = [Prepared?](repeating: nil, count: batches)
        for (item, member) in prepared {
            ready[item.index] = item
            if state.members[item.member].seq < member.seq { state.members[item.member] = member }
        }
        let plan = ready.map { $0! }
        let prepareSeconds = now() - prepareStart
        let meanBody = plan.reduce(0) { $0 + $1.body.count } / max(1, plan.count)
        say("\(kind.rawValue): \(batches) batches of \(batch) prepared in \(String(format: "%.1f", prepareSeconds)) s (\(meanBody) bytes each)")

        // The clock: `concurrency` lanes; a computer's batches always in the same lane, in order.
        let hub = try HubClient(hub: try options.text("hub"), caPath: try options.text("ca"), connections: concurrency)
        var lanes = [[Prepared]](repeating: [], count: concurrency)
        for item in plan { lanes[item.member % concurrency].append(item) }
        let tokens = state.members.map(\.token)
        let names = state.members.map(\.computer)
        let start = now()
        let outcomes: [(Int, Double, Data, Double)] = try await withThrowingTaskGroup(of: [(Int, Double, Data, Double)].self) { group in
            for lane in lanes where !lane.isEmpty {
                group.addTask {
                    var done: [(Int, Double, Data, Double)] = []
                    for item in lane {
                        let sent = now()
                        let reply: Data
                        do { reply = try await hub.send(.post, "/v1/events", token: tokens[item.member], body: item.body) } catch let error as HubError {
                            throw BenchError.failed("batch \(item.index) of \(names[item.member]): \(error.message.en)")
                        }
                        let end = now()
                        done.append((item.index, end - sent, reply, end - start))
                    }
                    return done
                }
            }
            var all: [(Int, Double, Data, Double)] = []
            for try await part in group { all.append(contentsOf: part) }
            return all
        }
        let wall = now() - start
        await hub.shutdown()

        // After the clock: every receipt signed by the unit key, naming the batch's last record.
        var verified = 0, acknowledged = 0
        for (index, _, reply, _) in outcomes {
            let item = plan[index]
            let payload = try UnitCoding.decoder.decode(SignedPayload.self, from: reply)
            let receipt = try payload.open(Receipt.self, as: .receipt, trusting: state.unitKey)
            guard receipt.computer == state.members[item.member].computer, receipt.seq == item.lastSeq, receipt.hash == item.lastHash else {
                throw BenchError.failed("receipt for batch \(index) names \(receipt.computer) #\(receipt.seq), expected #\(item.lastSeq)")
            }
            verified += 1
            acknowledged += item.count
        }
        let ends = outcomes.map(\.3).sorted()
        state.cursor = (cursor + batches) % count
        try state.save(statePath)
        let result = Result(kind: kind.rawValue, batch: batch, batches: batches, events: batches * batch,
                            computers: Set(owners).count, concurrency: concurrency, wallSeconds: wall,
                            eventsPerSecond: Double(acknowledged) / wall, batchesPerSecond: Double(verified) / wall,
                            latencyMs: Spread(outcomes.map { $0.1 * 1000 }), prepareSeconds: prepareSeconds,
                            meanBodyBytes: meanBody, receiptsVerified: verified, eventsAcknowledged: acknowledged,
                            longestSilenceSeconds: zip([0] + ends, ends).map { $1 - $0 }.max() ?? 0,
                            batchesOver10s: outcomes.filter { $0.1 > 10 }.count)
        say("\(kind.rawValue) batch \(batch): \(acknowledged) events in \(String(format: "%.2f", wall)) s = "
            + "\(Int(result.eventsPerSecond)) events/s; latency p50 \(String(format: "%.0f", result.latencyMs.p50)) ms, "
            + "p99 \(String(format: "%.0f", result.latencyMs.p99)) ms")
        try emit(result)
    }
}
