/// The unit ledger's version as the couriers' long-polls see it: the hub calls `advance(to:)` after
/// every commit, and each `GET /v1/changes` that found nothing newer waits here instead of asking
/// the store again and again.
///
/// One actor, one dictionary of suspended continuations: a thousand idle couriers cost a thousand
/// small entries, not a thousand threads or timers spinning. A waiter leaves the dictionary in
/// exactly one of three ways — the version moves past it, its timeout fires, or its task is
/// cancelled (the courier hung up, the endpoint stops) — so none is left behind (`waiting` says how
/// many there are, for the tests and for the hub's own status).
public actor LedgerVersionSignal {
    private struct Waiter {
        var beyond: Int64
        var continuation: CheckedContinuation<Int64, Never>
        var timer: Task<Void, Never>?
    }

    private var version: Int64
    private var waiters: [UInt64: Waiter] = [:]
    private var nextID: UInt64 = 0

    /// `version`: the ledger's version when the hub starts (what its store holds).
    public init(version: Int64 = 0) {
        self.version = version
    }

    /// The version last announced.
    public var current: Int64 { version }

    /// Long-polls suspended now.
    public var waiting: Int { waiters.count }

    /// Announces that the ledger is at `newVersion`; every waiter that asked for something beyond
    /// an older version is resumed with it. A version that does not move forward (a late or repeated
    /// call) changes nothing, so callers need not order their calls.
    public func advance(to newVersion: Int64) {
        guard newVersion > version else { return }
        version = newVersion
        let ready = waiters.filter { $0.value.beyond < newVersion }
        for (id, waiter) in ready {
            waiters[id] = nil
            waiter.timer?.cancel()
            waiter.continuation.resume(returning: newVersion)
        }
    }

    /// The version once it is beyond `beyond`, or the version as it is when `timeout` has passed or
    /// the calling task is cancelled (so a result not beyond `beyond` means "nothing new").
    public func wait(beyond: Int64, timeout: Duration) async -> Int64 {
        if version > beyond || timeout <= .zero || Task.isCancelled { return version }
        let id = nextID
        nextID &+= 1
        // Registered and suspended without leaving the actor: `withTaskCancellationHandler` and
        // `withCheckedContinuation` run their bodies in place, so neither `advance` nor `expire`
        // can slip in between the check above and the entry below.
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Int64, Never>) in
                let timer = Task { [weak self] in
                    do { try await Task.sleep(for: timeout) } catch { return }
                    await self?.expire(id)
                }
                waiters[id] = Waiter(beyond: beyond, continuation: continuation, timer: timer)
            }
        } onCancel: {
            Task { await self.expire(id) }
        }
    }

    /// Resumes waiter `id` with the version as it is, if it is still waiting.
    private func expire(_ id: UInt64) {
        guard let waiter = waiters.removeValue(forKey: id) else { return }
        waiter.timer?.cancel()
        waiter.continuation.resume(returning: version)
    }
}
