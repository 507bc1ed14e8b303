extension LinkPolicy {
    /// The link policy under the daemon's configuration: the mode, and each violation type's action
    /// (a link is cut only when one of its violations is set to block).
    public static func decide(_ link: LinkObservation, profile: NetworkProfile, allLinks: [LinkObservation],
                              config: GuardConfig) -> LinkVerdict {
        var verdict = decide(link, profile: profile, allLinks: allLinks, mode: config.mode)
        if verdict.decision == .cut,
           !verdict.violations.contains(where: { config.action(for: ViolationType($0.type)) == .block }) {
            verdict.decision = .allow
        }
        return verdict
    }
}

extension NetworkProfile {
    /// This computer's profile as the ledger holds it. No record: the strictest profile (fail
    /// closed). An entry that no longer parses is left out, which only makes the profile stricter.
    public init(host: Computer?) {
        guard let host else {
            self = .unregistered
            return
        }
        self.init(computer: host,
                  allowedInterfaces: host.allowedInterfaces.compactMap { try? InterfaceMatch(parsing: $0) },
                  lanPrefixes: host.lanPrefixes.compactMap { try? IPPrefix(parsing: $0) })
    }
}

extension Violation {
    public init(_ link: LinkViolation) {
        self.init(type: ViolationType(link.type), severity: link.severity, reason: link.reason)
    }
}
