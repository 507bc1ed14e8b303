import AssetCore
import Foundation

/// `unit-bench micro`: what the hub does per record on its ingest path, timed one step at a time
/// in this process (the same AssetCore code mediahub runs), for a batch of `--batch` device-event
/// records: opening the signed batch (signature and JSON decoding of `EventBatch`), hashing every
/// record (`HashedRecords`, in the request's task), `ChainCheck` over the hashed records (the part
/// inside the hub's serial section), and the content decoded as `LedgerCapture.decode` decodes it
/// (what `UnitLearning.take` did for every record before it told the kinds that teach from the text).
enum MicroCommand {
    struct Step: Codable {
        var name: String
        var microsecondsPerRecord: Double
    }

    struct Result: Codable {
        var batch: Int
        var rounds: Int
        /// A record's content (the chained columns as JSON) and its share of the request body.
        var contentBytes: Int
        var bodyBytesPerRecord: Int
        var steps: [Step]
    }

    static func run(_ options: Options) async throws {
        let batch = try options.int("batch", default: 500)
        let rounds = try options.int("rounds", default: 20)
        let key = SigningKey()
        var member = BenchState.Member(computer: "PC-00001", key: "", token: "", seq: 0, hash: RecordChain.genesis)
        let records = Records.next(.deviceEvent, count: batch, of: &member, index: 1)
        let payload = try SignedPayload.sign(EventBatch(unit: "u", computer: "PC-00001", sentAt: Timestamp(secondsSinceEpoch: 0),
                                                        head: member.seq, ledgerVersion: 1, records: records),
                                             kind: .eventBatch, with: key)
        let body = try UnitCoding.encoder.encode(payload)
        func time(_ name: String, _ work: () throws -> Void) rethrows -> Step {
            try work()  // warm
            let start = now()
            for _ in 0..<rounds { try work() }
            return Step(name: name, microsecondsPerRecord: (now() - start) / Double(rounds * batch) * 1e6)
        }
        var steps: [Step] = []
        steps.append(try time("decode the request body (SignedPayload)") {
            _ = try UnitCoding.decoder.decode(SignedPayload.self, from: body)
        })
        steps.append(try time("open: verify the signature, decode EventBatch") {
            _ = try payload.open(EventBatch.self, as: .eventBatch, trusting: key.publicText)
        })
        steps.append(time("hash every record (HashedRecords, before the writer)") {
            _ = HashedRecords(records)
        })
        let hashed = HashedRecords(records)
        steps.append(time("ChainCheck over hashed records (in the writer)") {
            _ = ChainCheck(hashed, after: .empty)
        })
        steps.append(time("ChainCheck with its hashing, as before") {
            _ = ChainCheck(records: records, after: .empty)
        })
        steps.append(try time("content decoded (LedgerCapture.decode), now only for kinds that teach") {
            for record in records { _ = try LedgerCapture.decode(record.content) }
        })
        for step in steps { say(String(format: "%-62@ %8.1f µs/record", step.name as NSString, step.microsecondsPerRecord)) }
        try emit(Result(batch: batch, rounds: rounds, contentBytes: records.map(\.content.utf8.count).reduce(0, +) / batch,
                        bodyBytesPerRecord: body.count / batch, steps: steps))
    }
}
