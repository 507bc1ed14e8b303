import AssetCore
import Dispatch

/// Hands every recorded event to the `mediactl watch` connections. Each watcher has a bounded queue:
/// a watcher that stops reading is dropped rather than allowed to hold the guard back.
final class Broadcaster: @unchecked Sendable {
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
    private let lock = NSLockLike()
    private var subscriptions: [ObjectIdentifier: Subscription] = [:]

    func subscribe() -> Subscription {
        let subscription = Subscription()
        subscription.owner = self
        lock.withLock { subscriptions[ObjectIdentifier(subscription)] = subscription }
        return subscription
    }

    func publish(_ item: WatchItem) {
        let targets = lock.withLock { () -> [Subscription] in
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
    }

    fileprivate func take(from subscription: Subscription) -> WatchItem? {
        lock.withLock { subscription.items.isEmpty ? nil : subscription.items.removeFirst() }
    }

    fileprivate func isClosed(_ subscription: Subscription) -> Bool {
        lock.withLock { subscription.closed || subscriptions[ObjectIdentifier(subscription)] == nil }
    }

    fileprivate func drop(_ subscription: Subscription) {
        lock.withLock {
            subscription.closed = true
            subscriptions[ObjectIdentifier(subscription)] = nil
        }
        subscription.signal.signal()
    }

    /// Wakes every watcher to end its connection (daemon stopping).
    func closeAll() {
        let all = lock.withLock { () -> [Subscription] in
            let all = Array(subscriptions.values)
            all.forEach { $0.closed = true }
            subscriptions.removeAll()
            return all
        }
        all.forEach { $0.signal.signal() }
    }
}
