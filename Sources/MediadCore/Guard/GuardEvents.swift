import AssetCore
import HardwareProbe
import Logging

/// Turning uevents into decisions: which event means what for which device.
extension Guard {
    /// What the monitor read in one wake-up. Consecutive insertions of devices not yet decided are
    /// decided as one group (one ledger transaction); any other event first lets the group be
    /// decided, so every event still sees the decisions of the events before it.
    func handle(_ events: [DeviceEvent]) {
        var group: [DecisionRequest] = []
        var grouped: Set<String> = []
        for event in events {
            if case .uevent(let uevent) = event, uevent.announcesUSBDevice, decided[uevent.syspath] == nil,
               !USBTopology.isRootHub(uevent.syspath) {
                // A second add for a device already in the group is the same insertion.
                if grouped.insert(uevent.syspath).inserted {
                    group.append(DecisionRequest(syspath: uevent.syspath, kind: .attach, observed: uevent.observed))
                }
                continue
            }
            if !group.isEmpty {
                decide(group)
                group.removeAll(keepingCapacity: true)
                grouped.removeAll(keepingCapacity: true)
            }
            handle(event)
        }
        if !group.isEmpty { decide(group) }
    }

    func handle(_ event: DeviceEvent) {
        switch event {
        case .overflow:
            logger.warning("udev events were lost (receive buffer overflow); enumerating again")
            reconcile()
        case .uevent(let uevent):
            route(uevent)
        }
    }

    /// Devices and links first: the hardware check reads the whole inventory, and a link to cut
    /// must not wait for it.
    private func route(_ event: Uevent) {
        switch (event.subsystem, event.devtype) {
        case ("usb", "usb_device"):
            deviceEvent(event)
        case ("usb", "usb_interface"), ("block", "disk"):
            if event.action == .add || event.action == .change || event.action == .bind { childEvent(event) }
        case ("net", _):
            netDeviceEvent(event)
        default:
            break
        }
        if HardwareProbe.concerns(subsystem: event.subsystem, devtype: event.devtype, syspath: event.syspath) {
            checkHardware(trigger: "\(event.action.name) \(event.syspath)",
                          removed: event.action == .remove ? event.syspath : nil)
        }
    }

    private func deviceEvent(_ event: Uevent) {
        let path = event.syspath
        if USBTopology.isRootHub(path) {
            if event.action == .add { rootHubAppeared(path) }
            return
        }
        switch event.action {
        case .add:
            // A repeated add (the start-up scan and the monitor both saw it) is not a new insertion.
            if decided[path] != nil, sameIdentity(path) { return }
            decide(syspath: path, kind: .attach)
        case .change:
            // Re-decide only when the identity changed: re-judging an allowed device on every
            // change event is how other guards deauthorize devices in use.
            if decided[path] != nil {
                if sameIdentity(path) { return }
                decide(syspath: path, kind: .recheck)
            } else {
                decide(syspath: path, kind: .attach)
            }
        case .remove:
            forget(path)
        case .bind, .unbind, .other:
            return
        }
    }

    private func sameIdentity(_ path: String) -> Bool {
        guard let known = decided[path], let now = try? reader.observe(syspath: path) else { return false }
        return known.observation.vendorID == now.vendorID && known.observation.productID == now.productID
            && known.observation.serial == now.serial
    }

    /// An interface or a disk: its device must be decided first; if not yet, the child waits.
    private func childEvent(_ event: Uevent) {
        guard let parent = USBTopology.enclosingDevice(of: event.syspath) else { return }
        guard let known = decided[parent] else {
            heldChildren.hold(event, until: parent)
            return
        }
        if event.subsystem == "block" {
            recheckCapacity(of: parent)
            return
        }
        // An interface the kernel created after the device was authorized: apply its decision, or
        // judge the device again if the interface was not known when it was decided.
        if let decision = known.verdict.interfaces.first(where: { $0.syspath == event.syspath }) {
            if !known.verdict.audited && known.verdict.decision == .allow {
                write(decision.decision == .allow, event.syspath)
            }
        } else if known.verdict.decision == .allow && !known.verdict.interfaces.isEmpty {
            decide(syspath: parent, kind: .recheck)
        }
    }

    func releaseHeldChildren(of parent: String) {
        for child in heldChildren.release(parent) { route(child) }
    }

    /// A bus that appeared while mediad runs (a controller or dock plugged in, a host controller
    /// driver bound again): its root hub is locked before anything behind it is decided, then
    /// whatever is already behind it is judged as at start. usbcore's default for new buses (set at
    /// lockdown) closed it already; the hub's own file is written here so it stays closed whatever
    /// that default was.
    func rootHubAppeared(_ hub: String) {
        if config.lockdown { lock(hub) }
        let behind: [String]
        do {
            behind = try USBTopology.presentDevices().filter { $0.hasPrefix(hub + "/") && decided[$0] == nil }
        } catch {
            logger.critical("cannot enumerate the devices behind a new USB bus", metadata: ["MEDIA_SYSPATH": "\(hub)", "ERROR": "\(error)"])
            return
        }
        logger.notice("new USB bus", metadata: ["MEDIA_SYSPATH": "\(hub)", "DEVICES": "\(behind.count)",
                                                "LOCKDOWN": "\(config.lockdown)"])
        decide(behind.map { DecisionRequest(syspath: $0, kind: .attach) })
    }

    /// Sets a root hub's `authorized_default` to 0 unless it reads 0 already.
    private func lock(_ hub: String) {
        guard authorizer.authorizedDefault(rootHub: hub) != 0 else { return }
        do {
            try authorizer.setAuthorizedDefault(0, rootHub: hub)
        } catch {
            logger.critical("cannot lock down a root hub; each device behind it is still judged as it appears",
                            metadata: ["MEDIA_SYSPATH": "\(hub)", "ERROR": "\(error)"])
        }
    }

    /// Brings the guard's picture in line with sysfs: decides every present device it has not
    /// decided, and forgets those that are gone. Used at start and after lost events.
    /// - Parameter relockingHubs: lock root hubs that are not (after lost events, a bus may have
    ///   appeared unseen); false at start, where the lockdown has just locked every one.
    func reconcile(relockingHubs: Bool = true) {
        let present: [String]
        do {
            present = USBTopology.parentsFirst(try USBTopology.presentDevices())
        } catch {
            logger.critical("cannot enumerate USB devices", metadata: ["ERROR": "\(error)"])
            return
        }
        let presentSet = Set(present)
        // A bus whose arrival was among the lost events is locked like any other.
        if config.lockdown && relockingHubs { for hub in present where USBTopology.isRootHub(hub) { lock(hub) } }
        for gone in Array(decided.syspaths) where !presentSet.contains(gone) { forget(gone) }
        decide(present.filter { decided[$0] == nil && !USBTopology.isRootHub($0) }.map { DecisionRequest(syspath: $0, kind: .attach) })
        // Held children whose parent never showed up are dropped; their parent, if it appears,
        // brings them again through enumeration.
        heldChildren.keep(parents: presentSet)
    }

    /// Start-up (the root hubs are already locked down): record the start, decide everything present.
    func start() {
        // Records an earlier run could not store come first: they happened first.
        loadLeftSpool()
        let note = "mediad \(MediadVersion.string), mode \(config.mode.rawValue)" + (config.lockdown ? "" : ", no lockdown")
        do throws(LedgerError) {
            try ledgerReady()
            for event in try recorder.recordStart(at: clock.now(), note: note, config: config) {
                if event.kind == .guardGap { logger.warning("\(event.note ?? "gap in the watch")") }
            }
            lastHeartbeat = clock.now()
        } catch {
            logger.error("cannot record the start; spooled", metadata: ["ERROR": "\(error.message.en)"])
            var event = GuardEvent(at: clock.now(), kind: .guardStart)
            event.note = note
            spool(SpooledRecord(event: event), error: error)
        }
        reconcile(relockingHubs: false)
        // The first device plugged in after start should not pay for first-use costs.
        recorder.rehearse(config: config, at: clock.now())
        if let hub = try? USBTopology.rootHubs().first { _ = try? reader.read(syspath: hub) }
        startLinks()
        // Last: a hardware change made while mediad was stopped is recorded, and no device or link
        // waits for the inventory to be read.
        checkHardware(trigger: "start")
        logger.notice("guarding", metadata: ["DEVICES": "\(decided.count)", "MODE": "\(config.mode.rawValue)",
                                            "LOCKDOWN": "\(config.lockdown)",
                                            "SCHEDULING": "\(LoopExecutor.scheduling.rawValue)"])
    }

    /// Stop: record it (with who asked, when a signal named its sender); lockdown stays (fail
    /// closed) unless the configuration releases it.
    func stop(reason: String, requestedBy request: StopRequest? = nil) {
        if config.releaseOnStop, let hubs = try? USBTopology.rootHubs() {
            for hub in hubs { try? authorizer.setAuthorizedDefault(1, rootHub: hub) }
            authorizer.restoreKernelDefault()
        }
        if let request { logger.warning("stop requested: \(request.description)") }
        do throws(LedgerError) {
            try ledgerReady()
            try recorder.recordStop(at: clock.now(), note: reason, requestedBy: request)
        } catch {
            // Kept for the next start, which writes it before its own start.
            logger.error("cannot record the stop; spooled for the next start", metadata: ["ERROR": "\(error.message.en)",
                                                                                        "MEDIA_SPOOL": "\(spool.path)"])
            var event = GuardEvent(at: clock.now(), kind: .guardStop)
            event.note = request.map { "\(reason); \($0.description)" } ?? reason
            spool(SpooledRecord(event: event), error: error)
        }
        logger.notice("stopped", metadata: ["REASON": "\(reason)", "LOCKDOWN_KEPT": "\(config.lockdown && !config.releaseOnStop)"])
    }
}
