import AssetCore
import Logging

/// The network guard: every change rtnetlink or udev reports is folded into the link table, and
/// every link is judged again (one link's change can make another dual-homed). A verdict is
/// recorded when it gets worse, before the link is cut.
extension Guard {
    func startLinks() {
        guard let links else {
            logger.critical("rtnetlink is unavailable: network links are NOT guarded")
            return
        }
        do {
            _ = try links.start()
        } catch {
            logger.critical("cannot read the network links; they are not guarded until the next change", metadata: ["ERROR": "\(error)"])
            return
        }
        judgeLinks(atStart: true)
    }

    func linkEvent(_ event: LinkMonitorEvent) {
        guard let links else { return }
        let step = links.handle(event)
        if let error = step.error {
            logger.error("a network re-dump failed; it is retried with the next event", metadata: ["ERROR": "\(error)"])
        }
        if case .messages(_, let receivedAt) = event { self.receivedAt = receivedAt }
        linksChanged(step.updates)
        self.receivedAt = nil
    }

    /// udev's `net` events carry the identity (the USB device behind an interface), which sysfs may
    /// not have had complete when rtnetlink announced the link.
    func netDeviceEvent(_ event: Uevent) {
        guard let links, event.action == .add || event.action == .change || event.action == .other("move") else { return }
        let name = event.properties["INTERFACE"] ?? String(event.syspath.split(separator: "/").last ?? "")
        guard !name.isEmpty else { return }
        linksChanged(links.refreshIdentity(name: name))
    }

    private func linksChanged(_ updates: [LinkUpdate]) {
        guard !updates.isEmpty else { return }
        for case .deleted(let ifindex, let last) in updates {
            guard let previous = linkVerdicts.removeValue(forKey: ifindex), !previous.violations.isEmpty, let last else { continue }
            let record = GuardRecorder.linkRecord(last, verdict: previous, kind: .linkGone, action: nil, host: try? recorder.host(),
                                                  at: clock.now(), config: config)
            do throws(LedgerError) {
                try ledgerReady()
                let event = try recorder.store(record)
                broadcaster.publish(WatchItem(event: event, violations: []))
            } catch {
                logger.error("cannot record a link's removal; spooled", metadata: ["LINK": "\(last.name)", "ERROR": "\(error.message.en)"])
                spool(record, error: error)
            }
        }
        judgeLinks(atStart: false)
    }

    func judgeLinks(atStart: Bool) {
        guard let links else { return }
        let all = links.current
        let host = try? recorder.host()
        let profile = NetworkProfile(host: host)
        let judged = LinkJudgement.judge(all, previous: linkVerdicts, authorizer: authorizer) {
            LinkPolicy.decide($0, profile: profile, allLinks: all, config: config)
        }
        for judgement in judged {
            let link = judgement.link, verdict = judgement.verdict, action = judgement.action
            linkVerdicts[link.ifindex] = verdict
            guard judgement.recorded else { continue }
            let record = GuardRecorder.linkRecord(link, verdict: verdict, kind: .link, action: action, host: host, at: clock.now(),
                                                  config: config)
            do throws(LedgerError) {
                try ledgerReady()
                let event = try recorder.store(record)
                broadcaster.publish(WatchItem(event: event, violations: verdict.violations.map(Violation.init)))
            } catch {
                // Not recorded is no reason to leave the link up; the record waits in the spool.
                logger.critical("cannot record a link verdict; cutting anyway, the record spooled",
                                metadata: ["LINK": "\(link.name)", "ERROR": "\(error.message.en)"])
                spool(record, error: error)
            }
            log(link, verdict, action: action)
            if judgement.mustCut {
                let result = LinkEnforcer(client: links.client, authorizer: authorizer).cut(link)
                if !result.succeeded {
                    logger.critical("cutting a link failed", metadata: ["LINK": "\(link.name)", "ERROR": "\(result.failures.joined(separator: "; "))"])
                } else if let receivedAt {
                    // Including the ledger write before the cut.
                    logger.notice("link cut", metadata: ["MEDIA_LINK": "\(link.name)",
                                                         "CUT_LATENCY_US": "\(LinkJudgement.cutLatencyMicros(since: receivedAt))"])
                }
            }
        }
    }

    private func log(_ link: LinkObservation, _ verdict: LinkVerdict, action: String?) {
        var fields: Logger.Metadata = ["MEDIA_LINK": "\(link.name)", "MEDIA_LINK_KIND": "\(link.kind.rawValue)",
                                       "MEDIA_EVIDENCE": "\(verdict.evidence.rawValue)",
                                       "MEDIA_VIOLATION": "\(verdict.violations.map(\.type.rawValue).joined(separator: ","))"]
        if let usb = link.usb {
            fields["MEDIA_VENDOR"] = "\(usb.vendorID)"
            fields["MEDIA_PRODUCT"] = "\(usb.productID)"
            if let serial = usb.serial { fields["MEDIA_SERIAL"] = "\(serial)" }
        }
        let text = "link \(link.name): " + verdict.violations.map(\.reason.en).joined(separator: "; ") + (action.map { " — \($0)" } ?? "")
        logger.warning("\(SafeText.escape(text))", metadata: fields)
        audit?.record(.link(link, verdict))
    }

    /// `mediactl links`: every interface with its kind, identity, state and verdict.
    func linkStates() -> [LinkState] {
        guard let links else { return [] }
        return links.current.map { LinkState(link: $0, verdict: linkVerdicts[$0.ifindex]) }
    }
}
