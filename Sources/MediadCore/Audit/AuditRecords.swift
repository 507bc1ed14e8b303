import AssetCore

/// What mediad tells the kernel audit log, one AUDIT_USER_DEVICE record each (see mediad(8),
/// "KERNEL AUDIT"): the guard's start and stop, every device verdict, every recorded link verdict.
///
/// A verdict's violations travel in its record (`violations=a,b`), not one record each: the
/// violations are the reasons for that one decision, and an auditor reading the record sees the
/// decision and why together, as in the ledger's event. The ledger stays the full account (the
/// officer's reasons, severities, handling); the audit log is the copy a system auditor who does
/// not read the ledger can search with ausearch.
extension AuditMessage {
    /// A device verdict: `op=device-attach` (or `-recheck`), what was written to `authorized`
    /// (`decision=allow|block`, or `audit` when audit mode let a forbidden device in), the device,
    /// the medium it matched, the violations; res=failed when the device was kept out.
    static func verdict(_ device: USBDeviceObservation, _ verdict: Verdict, kind: GuardEventKind) -> AuditMessage {
        let decision = verdict.audited && verdict.decision == .block ? "audit" : verdict.decision.rawValue
        var message = AuditMessage(op: "device-" + kind.rawValue, succeeded: verdict.audited || verdict.decision == .allow)
        message.word("decision", decision)
        message.text("device", device.port)
        message.text("vendor", device.vendorID)
        message.text("product", device.productID)
        message.text("serial", device.serial)
        message.text("medium", verdict.medium?.number)
        message.word("violations", verdict.violations.isEmpty ? "none" : verdict.violations.map(\.type.rawValue).joined(separator: ","))
        let blocked = verdict.interfaces.filter { $0.decision == .block }.map { String($0.number) }
        if verdict.decision == .allow && !blocked.isEmpty {
            // A composite device admitted without some of its interfaces (a keyboard with storage).
            message.word("blocked_interfaces", blocked.joined(separator: ","))
        }
        return message
    }

    /// A device blocked because its verdict could not be stored in the ledger (the policy's verdict
    /// is not carried out): `decision=block`, no violations known, and why (`reason`). For the
    /// guard's storage-fault path; the audit log is then the only record outside the spool.
    static func unrecorded(_ device: USBDeviceObservation, kind: GuardEventKind, reason: String) -> AuditMessage {
        var message = verdict(device, Verdict(decision: .block), kind: kind)
        message.text("reason", reason)
        return message
    }

    /// An administrator's allow-once (`mediactl allow-once`): a blocked device authorized until
    /// `until` (`decision=allow`), by whom and why; `violations` are those of the verdict it
    /// overrides. Its end is a new verdict (`device-recheck` or `-attach`) like any other.
    static func allowOnce(_ device: USBDeviceObservation, overriding verdict: Verdict, by actor: Actor, until: Timestamp,
                          reason: String) -> AuditMessage {
        var message = Self.verdict(device, Verdict(decision: .allow, violations: verdict.violations, medium: verdict.medium),
                                   kind: .allowOnce)
        message.word("by_uid", String(actor.uid))
        message.text("by", actor.name)
        message.text("until", until.description)
        message.text("reason", reason)
        return message
    }

    /// A network-link verdict worth a ledger record: `op=link`, `decision=cut|allow|audit`, the
    /// link, its kind and how far it got, its USB identity; res=failed when the link is cut.
    static func link(_ link: LinkObservation, _ verdict: LinkVerdict) -> AuditMessage {
        let decision = verdict.audited && verdict.decision == .cut ? "audit" : verdict.decision.rawValue
        var message = AuditMessage(op: "link", succeeded: !verdict.enforcesCut)
        message.word("decision", decision)
        message.text("link", link.name)
        message.word("kind", link.kind.rawValue)
        message.word("evidence", verdict.evidence.rawValue)
        message.text("vendor", link.usb?.vendorID)
        message.text("product", link.usb?.productID)
        message.text("serial", link.usb?.serial)
        message.word("violations", verdict.violations.isEmpty ? "none" : verdict.violations.map(\.type.rawValue).joined(separator: ","))
        return message
    }

    /// The guard starts watching (`res=success`), or could not start (`res=failed`, with why).
    static func start(version: String, config: GuardConfig?, failure: String? = nil) -> AuditMessage {
        var message = AuditMessage(op: "start", succeeded: failure == nil)
        message.text("version", version)
        if let config {
            message.word("guard_mode", config.mode.rawValue)
            message.word("lockdown", config.lockdown ? "yes" : "no")
        }
        if let failure { message.text("reason", failure) }
        return message
    }

    /// The guard stops watching: why (a signal's name, or what failed), who asked when a signal
    /// named its sender, and `violations=guard-stopped` for a stop someone requested (M18).
    static func stop(reason: String, request: StopRequest?) -> AuditMessage {
        var message = AuditMessage(op: "stop")
        message.text("reason", reason)
        if let request {
            message.word("sender_pid", String(request.pid))
            message.word("sender_uid", String(request.uid))
            message.text("sender_comm", request.command)
            message.word("violations", request.violation.type.rawValue)
        }
        return message
    }
}
