import GRDB

/// Network links: a verdict and its violations, recorded before the link is cut.
extension GuardRecorder {
    /// A link verdict and its violations, in one transaction, before the link is cut. `action` says
    /// what will be done about it (stored with the event, so the record says what was cut).
    @discardableResult
    public func recordLink(_ link: LinkObservation, verdict: LinkVerdict, kind: GuardEventKind, action: String?,
                           host: Computer?, at: Timestamp, config: GuardConfig) throws(LedgerError) -> GuardEvent {
        try store.write { db in
            var event = GuardEvent(at: at, kind: kind)
            event.computer = host?.assetNumber
            event.port = link.name
            event.syspath = link.usb?.syspath
            event.vendorID = link.usb?.vendorID
            event.productID = link.usb?.productID
            event.serial = link.usb?.serial
            event.device = "\(link.kind.rawValue) \(link.name)" + (link.mac.map { " \($0)" } ?? "")
            if kind == .link { event.decision = verdict.decision == .cut ? .block : .allow }
            event.audited = verdict.audited
            let addresses = link.addresses.filter(\.isConfigured).map { "\($0.address)/\($0.prefixLength)" }
            var note = "evidence \(verdict.evidence.rawValue); \(link.up ? "up" : "down"), carrier \(link.carrier ? "on" : "off")"
            if !addresses.isEmpty { note += ", addresses " + addresses.joined(separator: " ") }
            if link.hasDefaultRouteIPv4 || link.hasDefaultRouteIPv6 { note += ", default route" }
            if let action { note += "; " + action }
            event.note = note
            event.id = try GuardRows.insert(db, event: event)
            // A link's removal is an event, not a new violation.
            for violation in kind == .link ? verdict.violations : [] {
                let type = ViolationType(violation.type)
                var record = ViolationRecord(at: at, type: type, severity: violation.severity,
                                             outcome: .of(type, audited: verdict.audited, config: config),
                                             reason: violation.reason)
                record.eventID = event.id
                record.computer = host?.assetNumber
                record.serial = link.usb?.serial
                record.device = event.device
                _ = try GuardRows.insert(db, violation: record)
            }
            return event
        }
    }
}
