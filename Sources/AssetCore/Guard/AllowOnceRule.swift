/// The rules of an administrator's allow-once (a time-limited override), in one place: what a
/// valid request is, and which attached device it names. The daemon applies them; mediactl only
/// carries the request.
extension AllowOnce {
    /// The request's reason, trimmed, once the request is known to be valid: more than 0 minutes
    /// and at most `longest`, and a reason given (the trail must say why).
    public func validatedReason() throws(LedgerError) -> String {
        guard minutes > 0, minutes <= Self.longest else {
            throw LedgerError(.validation, zh: "--minutes 应在 0 到 \(Int(Self.longest)) 之间",
                              en: "--minutes must be more than 0 and at most \(Int(Self.longest))")
        }
        let trimmed = reason.trimmingWhitespace()
        guard !trimmed.isEmpty else {
            throw LedgerError(.usage, zh: "临时放行需要用 --reason 说明理由", en: "allow-once needs a --reason")
        }
        return trimmed
    }

    /// Whether `observation` is the device the request names: its sysfs path, its port or its
    /// serial, as `mediactl devices` shows them.
    public func names(_ observation: USBDeviceObservation) -> Bool {
        observation.syspath == device || observation.port == device || observation.serial == device
    }

    /// The one device among `attached` that the request names, or an error saying there is none
    /// or more than one.
    public func match(in attached: [USBDeviceObservation]) throws(LedgerError) -> USBDeviceObservation {
        let matches = attached.filter(names)
        guard matches.count == 1, let only = matches.first else {
            let what = matches.isEmpty ? Bilingual(zh: "没有接入的设备与 “\(device)” 相符", en: "no attached device matches '\(device)'")
                : Bilingual(zh: "“\(device)” 与多个设备相符，请用端口或 sysfs 路径", en: "'\(device)' matches several devices; use the port or the sysfs path")
            throw LedgerError(matches.isEmpty ? .notFound : .validation, zh: what.zh + "；`mediactl devices` 列出接入设备",
                              en: what.en + "; `mediactl devices` lists them")
        }
        return only
    }
}
