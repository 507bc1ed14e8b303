import AssetCore

/// One link judged against all the others, and what the network guard does about it. The Guard and
/// `mediad --observe-links` both judge through `judge(_:previous:authorizer:decide:)`, so the
/// diagnostic shows what the guard would cut and record, not what a copy of its rules would.
struct LinkJudgement: Sendable, Equatable {
    var link: LinkObservation
    var verdict: LinkVerdict
    /// The verdict the link was under before this pass; nil when it is new.
    var previous: LinkVerdict?
    /// The verdict cuts and something is still open: the link is up, or its USB device is authorized.
    var mustCut: Bool

    /// Worth a record in the ledger: cut now, or worse than what was recorded before.
    var recorded: Bool { mustCut || verdict.isWorthRecording(after: previous) }

    /// What is done about the link (or, audited, would be done), for the record and the log.
    var action: String? {
        if mustCut {
            return "cut: set \(link.name) down" + (link.usb.map { " and deauthorize USB device \($0.syspath)" } ?? "")
        }
        return verdict.audited && verdict.decision == .cut ? "audit: would cut \(link.name)" : nil
    }

    /// Every link of `all` judged by `decide`; `previous` holds each link's verdict before (by
    /// ifindex). Every link, not only the one that changed: one link's change can change another's
    /// verdict (the second network that makes the first one dual-homed).
    static func judge(_ all: [LinkObservation], previous: [Int: LinkVerdict], authorizer: SysfsAuthorizer,
                      decide: (LinkObservation) -> LinkVerdict) -> [LinkJudgement] {
        all.map { link in
            let verdict = decide(link)
            // A link already down still has its USB device to close.
            let usbOpen = link.usb.map { authorizer.isAuthorized(syspath: $0.syspath) != false } ?? false
            return LinkJudgement(link: link, verdict: verdict, previous: previous[link.ifindex],
                                 mustCut: verdict.enforcesCut && (link.up || usbOpen))
        }
    }

    /// The guard's reaction time, in microseconds: from the kernel's notification reaching mediad
    /// (`receivedAt`) to now, the kernel having acknowledged the link down.
    static func cutLatencyMicros(since receivedAt: ContinuousClock.Instant, now: ContinuousClock.Instant = .now) -> Int {
        let (seconds, attoseconds) = (now - receivedAt).components
        return Int(seconds) * microsPerSecond + Int(attoseconds / attosecondsPerMicro)
    }

    private static let microsPerSecond = 1_000_000
    private static let attosecondsPerMicro: Int64 = 1_000_000_000_000
}
