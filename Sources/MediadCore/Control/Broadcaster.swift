import AssetCore
import Dispatch
import Synchronization

/// Hands every recorded event to the `mediactl watch` connections. Each watcher has a bounded queue:
/// a watcher that stops reading is dropped rather than allowed to hold the guard back.
///
/// Every record the Guard writes passes through `publish`, after its transaction committed, so it is
/// also where the courier's held `unit await-outbox` calls learn that a record is owed (`records`).
final class Broadcaster: Sendable {
    final class Subscription: @unchecked Sendable {
        fileprivate var items: [WatchItem] = []
        fileprivate var closed = false
        fileprivate let signal = DispatchSemaphore(value: 0)
        fileprivate weak var owner: Broadcaster?

        /// Blocks (on a connection's own thread) until the next item, or nil when dropped.
        func next() -> WatchItem? {
            while true {
                if let item = owner?.take(from: self) { return item }
                if owner == nil || owner!.isClosed(self) { return nil }
                signal.wait()
            }
        }

        func cancel() { owner?.drop(self) }
    }

    static let queueLimit = 10_000
    /// The watchers, by identity; also guards each one's `items` and `closed`.
    private let subscriptions = Mutex<[ObjectIdentifier: Subscription]>([:])
    /// The courier's held outbox calls; notified on every publish, and by whoever else writes a
    /// record the Guard does not publish (a change set applied, a check finished).
    let records = RecordSignal()

    func subscribe() -> Subscription {
        let subscription = Subscription()
        subscription.owner = self
        subscriptions.withLock { $0[ObjectIdentifier(subscription)] = subscription }
        return subscription
    }

    func publish(_ item: WatchItem) {
        let targets = subscriptions.withLock { subscriptions -> [Subscription] in
            for subscription in subscriptions.values {
                if subscription.items.count >= Self.queueLimit {
                    subscription.closed = true
                } else {
                    subscription.items.append(item)
                }
            }
            return Array(subscriptions.values)
        }
        for subscription in targets { subscription.signal.signal() }
        records.notify()
    }

    fileprivate func take(from subscription: Subscription) -> WatchItem? {
        subscriptions.withLock { _ in subscription.items.isEmpty ? nil : subscription.items.removeFirst() }
    }

    fileprivate func isClosed(_ subscription: Subscription) -> Bool {
        subscriptions.withLock { subscription.closed || $0[ObjectIdentifier(subscription)] == nil }
    }

    fileprivate func drop(_ subscription: Subscription) {
        subscriptions.withLock {
            subscription.closed = true
            $0[ObjectIdentifier(subscription)] = nil
        }
        subscription.signal.signal()
    }

    /// Wakes every watcher to end its connection, and every held outbox call to answer (daemon
    /// stopping).
    func closeAll() {
        records.stop()
        let all = subscriptions.withLock { subscriptions -> [Subscription] in
            let all = Array(subscriptions.values)
            all.forEach { $0.closed = true }
            subscriptions.removeAll()
            return all
        }
        all.forEach { $0.signal.signal() }
    }
}
