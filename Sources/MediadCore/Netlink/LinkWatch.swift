import AssetCore

/// A change the guard must judge.
enum LinkUpdate: Sendable, Equatable {
    /// A new link, or one whose observation changed (`previous` nil when it is new).
    case changed(LinkObservation, previous: LinkObservation?)
    /// The link is gone; `last` is how it was last seen.
    case deleted(ifindex: Int, last: LinkObservation?)
}

/// What one event led to: the changes, and the dump that failed, if one did (its changes are
/// retried with the next event).
struct LinkWatchStep: Sendable {
    var updates: [LinkUpdate]
    var error: NetlinkError?
}

/// The network-link source: rtnetlink events and dumps folded into `LinkTable`, identities from
/// sysfs/udev, and out of them `LinkObservation` values — each reported once per real change.
///
/// Owned by one task (the guard, or `--observe-links`): not Sendable, and never blocks for long
/// (a dump or an identity read takes a few milliseconds).
final class LinkWatch {
    let monitor: LinkMonitor
    let client: RouteClient
    private let reader: LinkIdentityReader
    private(set) var table = LinkTable()
    private var identities: [Int32: LinkIdentity] = [:]
    /// What was last reported per link: a message that changes nothing the policy sees (the
    /// kernel repeats RTM_NEWLINK for statistics and flags nobody here reads) reports nothing.
    private var reported: [Int32: LinkObservation] = [:]
    /// Owed re-dumps: set when the kernel may have changed something silently (routes) or
    /// messages were lost (everything), cleared once a dump succeeds.
    private var routesStale = false
    private var needsFullDump = false

    /// Subscribes at once, so nothing that happens from here on is missed; call `start()` next.
    init(receiveBufferSize: Int32 = LinkMonitor.defaultReceiveBufferSize, reader: LinkIdentityReader = LinkIdentityReader()) throws(NetlinkError) {
        monitor = try LinkMonitor(receiveBufferSize: receiveBufferSize)
        client = try RouteClient()
        self.reader = reader
    }

    var events: AsyncStream<LinkMonitorEvent> { monitor.events }

    /// Every link now, in ifindex order.
    var current: [LinkObservation] { table.ifindexes.compactMap { reported[$0] ?? observe($0) } }

    /// Dumps the present state and returns every link: the state at start, to be judged too.
    func start() throws(NetlinkError) -> [LinkObservation] {
        _ = try resync()
        return current
    }

    /// Folds one monitor event in and returns what changed. After an overflow or an unreadable
    /// datagram the whole state is dumped again and compared with what was reported.
    ///
    /// A failed dump does not lose the changes already folded in: they are returned with the
    /// error, and the dump is retried with the next event.
    func handle(_ event: LinkMonitorEvent) -> LinkWatchStep {
        switch event {
        case .overflow, .unreadable:
            needsFullDump = true
            return catchUp(LinkTable.Effect())
        case .messages(let messages, _):
            var effect = LinkTable.Effect()
            for message in messages { effect.merge(table.apply(message)) }
            return catchUp(effect)
        }
    }

    /// Applies whatever re-dump is owed (all, or routes only) and reports the touched links.
    private func catchUp(_ folded: LinkTable.Effect) -> LinkWatchStep {
        var effect = folded
        routesStale = routesStale || effect.routesMayBeStale
        var failure: NetlinkError?
        do throws(NetlinkError) {
            if needsFullDump {
                effect.merge(table.load(try client.dumpAll()))
                effect.touched.formUnion(reported.keys)
                needsFullDump = false
                routesStale = false
            } else if routesStale {
                effect.merge(table.replaceRoutes(try client.dump(.routes)))
                routesStale = false
            }
        } catch {
            failure = error
        }
        return LinkWatchStep(updates: updates(for: effect.touched), error: failure)
    }

    /// udev announced (or changed) the net device `name`: its identity is read again, since
    /// sysfs may not have been complete when rtnetlink spoke first.
    func refreshIdentity(name: String) -> [LinkUpdate] {
        guard let ifindex = table.links.first(where: { $0.value.name == name })?.key else { return [] }
        identities[ifindex] = reader.read(name: name)
        return updates(for: [ifindex])
    }

    /// A full dump, replacing the table.
    @discardableResult
    func resync() throws(NetlinkError) -> [LinkUpdate] {
        let effect = table.load(try client.dumpAll())
        needsFullDump = false
        routesStale = false
        return updates(for: effect.touched.union(reported.keys))
    }

    private func updates(for ifindexes: Set<Int32>) -> [LinkUpdate] {
        var result: [LinkUpdate] = []
        for ifindex in ifindexes.sorted() {
            guard let observation = observe(ifindex) else {
                identities[ifindex] = nil
                if let last = reported.removeValue(forKey: ifindex) {
                    result.append(.deleted(ifindex: Int(ifindex), last: last))
                }
                continue
            }
            let previous = reported[ifindex]
            guard previous != observation else { continue }
            reported[ifindex] = observation
            result.append(.changed(observation, previous: previous))
        }
        return result
    }

    /// The observation, reading the identity the first time a link is seen under a name.
    private func observe(_ ifindex: Int32) -> LinkObservation? {
        guard let link = table.links[ifindex] else { return nil }
        let name = link.name ?? ""
        if identities[ifindex]?.name != name { identities[ifindex] = reader.read(name: name) }
        return table.observation(ifindex, identity: identities[ifindex])
    }
}
