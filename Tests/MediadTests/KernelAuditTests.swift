import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import Logging
@testable import MediadCore
import Synchronization
import Testing

/// The audit sender as the guard sees it: `record` never waits, whatever the kernel does with the
/// sending thread (held inside sendto while auditd falls behind, refusing, failing), and each kind
/// of trouble is said once. The kernel is replaced by a stand-in sender.
@Suite struct KernelAuditTests {
    /// What the stand-in was handed, and a gate that holds its first send until opened.
    final class Sent: Sendable {
        let texts = Mutex<[String]>([])
        let gate = DispatchSemaphore(value: 0)
        var count: Int { texts.withLock { $0.count } }
    }

    struct StandIn: AuditSender {
        let sent: Sent
        let answer: AuditDelivery
        let holdFirst: Bool

        func send(_ text: String) -> AuditDelivery {
            let first = sent.texts.withLock { texts in
                texts.append(text)
                return texts.count == 1
            }
            if holdFirst && first { sent.gate.wait() }
            return answer
        }
    }

    final class Lines: Sendable {
        let lines = Mutex<[String]>([])
        func count(_ text: String) -> Int { lines.withLock { $0.filter { $0.contains(text) }.count } }
    }

    struct LineHandler: LogHandler {
        let sink: Lines
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            sink.lines.withLock { $0.append("\(event.level) \(event.message)") }
        }
    }

    static func launch(_ sent: Sent, answer: AuditDelivery = .delivered, holdFirst: Bool = false,
                       limit: Int = KernelAudit.defaultQueueLimit) throws -> (KernelAudit, Lines) {
        let lines = Lines()
        let logger = Logger(label: "test") { _ in LineHandler(sink: lines) }
        let audit = try #require(KernelAudit.launch(executable: "/usr/sbin/mediad", logger: logger, queueLimit: limit) {
            StandIn(sent: sent, answer: answer, holdFirst: holdFirst)
        })
        return (audit, lines)
    }

    static func record(_ audit: KernelAudit, _ count: Int) {
        for number in 0..<count { audit.record(AuditMessage(op: "test-\(number)")) }
    }

    @Test func aSenderHeldInTheKernelDelaysNoRecordAndTheOverflowIsCounted() throws {
        let sent = Sent()
        let (audit, lines) = try Self.launch(sent, holdFirst: true, limit: 8)
        let clock = ContinuousClock()
        let took = clock.measure { Self.record(audit, 1_000) }
        #expect(took < .seconds(1), "record waited for the sender: \(took)")
        // 8 wait in the queue, plus whatever batch the thread took before the queue filled (it is
        // held on that batch's first record, or had not woken yet).
        #expect(audit.dropped >= 900 && audit.dropped <= 992, "dropped \(audit.dropped)")
        #expect(lines.count("falling behind") == 1)
        // Stop does not wait longer than it is allowed to for a held sender.
        let drained = clock.measure { audit.drain(within: .milliseconds(200)) }
        #expect(drained < .seconds(2))
        #expect(lines.count("still queued at stop") == 1)
        sent.gate.signal()
        audit.drain(within: .seconds(10))
        #expect(sent.count == 1_000 - audit.dropped)
        #expect(sent.texts.withLock { $0.first }?.hasPrefix("op=test-0 exe=\"/usr/sbin/mediad\" ") == true)
    }

    @Test func aKernelThatRefusesEndsAuditAndSaysSoOnce() throws {
        let sent = Sent()
        let (audit, lines) = try Self.launch(sent, answer: .refused(ECONNREFUSED))
        Self.record(audit, 5)
        audit.drain(within: .seconds(10))
        Self.record(audit, 5)
        audit.drain(within: .seconds(10))
        #expect(sent.count == 1)
        #expect(lines.count("kernel audit is unavailable") == 1)
    }

    @Test func anyOtherFailureIsSaidOnceAndSendingGoesOn() throws {
        let sent = Sent()
        let (audit, lines) = try Self.launch(sent, answer: .failed(ENOBUFS))
        for _ in 0..<10 {
            Self.record(audit, 1)
            audit.drain(within: .seconds(10))
        }
        #expect(sent.count == 10)
        #expect(lines.count("could not be sent") == 1)
    }
}
