import AssetCore
import Logging

/// What the courier's loops are tuned by (sync.conf's `batch`, `wait`, `flush`; the backoff).
public struct CourierSettings: Sendable, Hashable {
    /// Records per event batch.
    public var batch: Int
    /// Seconds a long-poll for ledger changes may be held by the hub; 0 holds nothing (polling).
    public var wait: Int
    /// Seconds mediad may hold the ask for records (`unit await-outbox`): from sync.conf, the
    /// longest mediad holds (`UnitCall.longestOutboxWait`) unless `wait = 0`. mediad answers as
    /// soon as a record is written, so the hold only sets how often an idle guard is woken.
    public var recordsHold: Int
    /// The pause between two asks that nobody holds: with `wait = 0`, between two asks to the hub
    /// for changes and between two looks at mediad's outbox; and between looks at the outbox of a
    /// mediad of an older release (not yet restarted after an upgrade) that does not know
    /// `unit await-outbox`.
    public var flush: Duration
    public var backoff: BackoffPolicy

    public init(batch: Int, wait: Int, recordsHold: Int? = nil, flush: Duration, backoff: BackoffPolicy = .standard) {
        self.batch = batch
        self.wait = wait
        self.recordsHold = recordsHold ?? wait
        self.flush = flush
        self.backoff = backoff
    }

    public init(_ config: SyncConfig) {
        self.init(batch: config.batch, wait: config.wait, recordsHold: config.wait > 0 ? UnitCall.longestOutboxWait : 0,
                  flush: .seconds(config.flush))
    }
}

/// `mediad-sync run`: two loops between mediad and the hub, each with its own backoff, until the
/// task is cancelled (SIGTERM).
///
/// - Ledger changes, hub → mediad: ask mediad which version it holds, long-poll the hub for what
///   comes after it, hand what arrives to mediad, and go on from the version mediad then reports.
///   The long-poll is what keeps a change "within seconds" on every connected computer while an
///   idle courier sends one request per `wait` seconds.
/// - Records, mediad → hub: ask mediad's outbox for a batch, post it, hand the hub's receipt back
///   to mediad, and at once again while records are owed. The ask is `unit await-outbox`: mediad
///   holds it until a record is written or `wait` seconds have passed, so a record leaves as soon
///   as it is written and an idle guard is asked once per `wait` seconds, not polled (its socket
///   answers calls, it does not call out: holding the call is how it tells). Only when mediad
///   cannot hold it (`wait = 0`, or an older mediad during an upgrade) does the loop poll the plain
///   `outbox` every `flush` seconds.
///
/// Neither loop believes what it carries: mediad checks the unit's signature on every change set
/// and the hub checks the computer's on every batch.
public struct Courier: Sendable {
    let mediad: MediadClient
    let hub: HubClient
    let token: TokenFile
    let settings: CourierSettings
    let logger: Logger

    public init(mediad: MediadClient, hub: HubClient, token: TokenFile, settings: CourierSettings, logger: Logger) {
        self.mediad = mediad
        self.hub = hub
        self.token = token
        self.settings = settings
        self.logger = logger
    }

    /// Runs both loops until cancelled; a failure in one never stops the other.
    public func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask { await followChanges() }
            group.addTask { await deliverRecords() }
        }
    }

    /// The ledger-changes loop.
    func followChanges() async {
        var backoff = Backoff(settings.backoff)
        var health = LoopHealth(loop: "ledger changes", logger: logger)
        // The version mediad holds, as last reported; asked again after any failure, since a failed
        // apply may or may not have been committed.
        var held: Int64?
        while !Task.isCancelled {
            do {
                let credential = try token.read()
                let version: Int64
                if let held { version = held } else { version = try await mediad.membership().ledgerVersion }
                held = version
                let arrived = try await hub.changes(token: credential, after: version, wait: settings.wait)
                // With wait = 0 the hub answers at once: without the pause this loop would ask it
                // without end.
                if arrived.isEmpty && settings.wait == 0 { try? await Task.sleep(for: settings.flush) }
                if !arrived.isEmpty {
                    let applied = try await apply(arrived)
                    held = applied.membership.ledgerVersion
                    logger.debug("ledger changes applied", metadata: ["versions": "\(applied.versions)"])
                    if let refused = applied.refused {
                        guard applied.membership.ledgerVersion > version else { throw CourierLoopError.refused(refused) }
                        logger.warning("mediad applied up to version \(applied.membership.ledgerVersion) and refused the next change set: \(refused.message.en)")
                    }
                }
                health.succeeded()
                backoff.reset()
            } catch {
                if Task.isCancelled { break }
                held = nil
                health.failed(error)
                try? await Task.sleep(for: backoff.next())
            }
        }
    }

    /// The records loop.
    func deliverRecords() async {
        var backoff = Backoff(settings.backoff)
        var health = LoopHealth(loop: "records", logger: logger)
        var polling = PollingNotice(logger: logger)
        while !Task.isCancelled {
            do {
                let credential = try token.read()
                let (reply, held) = try await askOutbox(&polling)
                guard case .batch(let owed) = reply else { throw MediadError.unexpectedReply("\(reply)") }
                guard let batch = owed else {
                    health.succeeded()
                    backoff.reset()
                    if !held { try? await Task.sleep(for: settings.flush) }
                    continue
                }
                let receipt = try await hub.deliver(token: credential, batch: batch)
                let kept = try await mediad.call(.receipt(receipt))
                logger.debug("records delivered", metadata: ["bytes": "\(batch.body.count)", "mediad": "\(kept)"])
                // Healthy only once a whole round is done: a hub that refuses every batch must not
                // read as "working again" each time mediad hands the batch out.
                health.succeeded()
                backoff.reset()
            } catch {
                if Task.isCancelled { break }
                health.failed(error)
                try? await Task.sleep(for: backoff.next())
            }
        }
    }
}

extension Courier {
    /// The next batch owed, asked with `unit await-outbox` (held by mediad up to `recordsHold` seconds) or,
    /// where mediad cannot hold it, with the plain `outbox`; `held` says which answered, so that
    /// only an unheld empty answer is followed by the `flush` pause.
    func askOutbox(_ polling: inout PollingNotice) async throws(MediadError) -> (reply: UnitReply, held: Bool) {
        guard settings.recordsHold > 0 else { return (try await mediad.call(.outbox(limit: settings.batch)), false) }
        do {
            let reply = try await mediad.call(.awaitOutbox(limit: settings.batch, seconds: settings.recordsHold))
            polling.held()
            return (reply, true)
        } catch .refused(let error) where error.kind == .usage {
            // An older mediad refuses a call it cannot decode as a usage error. (So does a mediad not
            // enrolled, whose plain outbox then fails the same way and goes to the backoff.)
            let reply = try await mediad.call(.outbox(limit: settings.batch))
            polling.polling(because: error)
            return (reply, false)
        }
    }
}

/// Says once, not every `flush` seconds, that the records loop polls because mediad would not hold
/// the ask, and once that it holds it again (mediad restarted on the new release).
struct PollingNotice {
    let logger: Logger
    private var isPolling = false

    init(logger: Logger) { self.logger = logger }

    mutating func polling(because error: LedgerError) {
        guard !isPolling else { return }
        isPolling = true
        logger.notice("records: mediad does not hold the ask for records (\(error.message.en)); looking at its outbox every flush seconds until it does")
    }

    mutating func held() {
        guard isPolling else { return }
        isPolling = false
        logger.notice("records: mediad holds the ask for records again")
    }
}

/// A loop's failure that is neither the hub's nor mediad's connection.
enum CourierLoopError: Error, CustomStringConvertible {
    /// mediad refused the first change set offered and its version did not move: offering it again
    /// at once would spin, so the loop backs off like after any failure.
    case refused(LedgerError)

    var description: String {
        switch self {
        case .refused(let error): "mediad refused a change set and holds the same version: \(error.message.en)"
        }
    }
}
