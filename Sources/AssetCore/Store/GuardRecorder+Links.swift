import GRDB

/// Network links: a verdict and its violations, recorded before the link is cut.
extension GuardRecorder {
    /// Stores a record made without the ledger (`linkRecord`): the event and its violations, in one
    /// transaction. Returns the stored event.
    @discardableResult
    public func store(_ record: SpooledRecord) throws(LedgerError) -> GuardEvent {
        try store.write { db in try Self.insert(db, record) }
    }

    /// The event and violations of a link verdict, made before the ledger is asked: stored (`store`)
    /// before the link is cut, or spooled when the ledger cannot take them. `action` says what will be
    /// done about it (kept in the note, so the record says what was cut).
    public static func linkRecord(_ link: LinkObservation, verdict: LinkVerdict, kind: GuardEventKind, action: String?,
                                  host: Computer?, at: Timestamp, config: GuardConfig) -> SpooledRecord {
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
        // A link's removal is an event, not a new violation.
        let violations = (kind == .link ? verdict.violations : []).map { violation in
            let type = ViolationType(violation.type)
            var record = ViolationRecord(at: at, type: type, severity: violation.severity,
                                         outcome: .of(type, audited: verdict.audited, config: config),
                                         reason: violation.reason)
            record.computer = host?.assetNumber
            record.serial = link.usb?.serial
            record.device = event.device
            return record
        }
        return SpooledRecord(event: event, violations: violations)
    }
}
