import Foundation
import Logging
@testable import SyncCore
import Testing

/// The loops' retry pacing and what they log about it.
struct SyncBackoffTests {
    @Test func delaysDoubleFromOneSecondToAMinuteWithJitterAndStartOverAfterASuccess() {
        var backoff = Backoff(.standard)
        // Each step s is waited between s/2 and s: 1, 2, 4, 8, 16, 32, then 60 for ever.
        let steps: [Double] = [1, 2, 4, 8, 16, 32, 60, 60, 60]
        for step in steps {
            let delay = backoff.next()
            #expect(delay >= .seconds(step / 2) && delay <= .seconds(step), "a delay in [\(step / 2), \(step)] s")
        }
        backoff.reset()
        let first = backoff.next()
        #expect(first >= .milliseconds(500) && first <= .seconds(1))
    }

    @Test func aFailureIsLoggedOnceUntilItChanges() {
        let lines = CapturedLines()
        let logger = Logger(label: "test") { _ in CapturingHandler(lines: lines) }
        var health = LoopHealth(loop: "records", logger: logger)
        for _ in 0..<5 { health.failed(SyncError(69, zh: "甲", en: "the hub is away")) }
        health.failed(SyncError(69, zh: "乙", en: "mediad is away"))
        health.succeeded()
        health.succeeded()
        health.failed(SyncError(69, zh: "甲", en: "the hub is away"))
        #expect(lines.all == [
            "warning records: the hub is away; retrying with backoff",
            "warning records: mediad is away; retrying with backoff",
            "notice records: working again",
            "warning records: the hub is away; retrying with backoff",
        ])
    }
}

final class CapturedLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    func append(_ line: String) {
        lock.lock()
        defer { lock.unlock() }
        lines.append(line)
    }

    var all: [String] {
        lock.lock()
        defer { lock.unlock() }
        return lines
    }
}

struct CapturingHandler: LogHandler {
    let lines: CapturedLines
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        lines.append("\(event.level) \(event.message)")
    }
}
