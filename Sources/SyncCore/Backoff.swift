import Logging

/// How long a loop waits after a failure: doubling from `initial` to `maximum`, with jitter so that
/// a unit's couriers do not all knock at once when their hub comes back; back to `initial` after
/// a success.
public struct BackoffPolicy: Sendable, Hashable {
    public var initial: Duration
    public var maximum: Duration

    /// 1 s doubling to 60 s: a hub restarted is found within a minute, an absent hub costs one
    /// connection attempt a minute per courier.
    public static let standard = BackoffPolicy(initial: .seconds(1), maximum: .seconds(60))

    public init(initial: Duration, maximum: Duration) {
        self.initial = initial
        self.maximum = max(initial, maximum)
    }
}

/// One loop's retry state.
struct Backoff {
    let policy: BackoffPolicy
    private(set) var failures = 0

    init(_ policy: BackoffPolicy) {
        self.policy = policy
    }

    /// The wait after one more failure: the doubled delay, of which the second half is random
    /// ("equal jitter": never less than half the step, so the backoff still backs off).
    mutating func next() -> Duration {
        let step = min(policy.initial * (1 << min(failures, 30)), policy.maximum)
        failures += 1
        let half = step / 2
        return half + half * Double.random(in: 0...1)
    }

    mutating func reset() {
        failures = 0
    }
}

/// What a loop logs: a change of state, never every retry. A hub away for a day is one warning
/// when it goes and one notice when it is back, not 1,440 lines.
struct LoopHealth {
    let loop: String
    let logger: Logger
    private(set) var failing: String?

    init(loop: String, logger: Logger) {
        self.loop = loop
        self.logger = logger
    }

    mutating func failed(_ error: any Error) {
        let reason = "\(error)"
        guard reason != failing else { return }
        logger.warning("\(loop): \(reason); retrying with backoff")
        failing = reason
    }

    mutating func succeeded() {
        guard failing != nil else { return }
        logger.notice("\(loop): working again")
        failing = nil
    }
}
