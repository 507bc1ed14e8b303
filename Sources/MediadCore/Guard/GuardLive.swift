import AssetCore
import Logging

/// What the control socket asks of the running guard: its status, the devices attached now, and an
/// administrator's temporary override.
extension Guard {
    /// The live half of `mediactl status`, from what the Guard publishes (`live`): answered on the
    /// caller's thread, never queued on this actor's, where it would wait behind decisions and make
    /// them wait. `counts` (the ledger's half) is read by the caller too: counting a million media
    /// takes tens of milliseconds.
    nonisolated func status(counts: GuardRecorder.Counts?) -> GuardStatus {
        let now = clock.now()
        let live = self.live.current
        return GuardStatus(version: MediadVersion.string, startedAt: startedAt,
                           uptimeSeconds: now.secondsSinceEpoch - startedAt.secondsSinceEpoch, mode: config.mode,
                           lockdown: config.lockdown, host: counts?.host, mediaRegistered: counts?.media ?? 0,
                           openViolations: counts?.openViolations ?? 0, devicesAttached: live.devicesAttached,
                           lastEvent: counts?.lastEvent, ledgerTrouble: live.ledgerTrouble)
    }

    func attachedDevices() -> [AttachedDevice] {
        decided.all.sorted { $0.observation.port < $1.observation.port }.map(attached)
    }

    private func attached(_ known: DecidedDevice) -> AttachedDevice {
        let until = overrides.until(known.observation.syspath)
        return AttachedDevice(observation: known.observation, decision: until == nil ? known.verdict.decision : .allow,
                              audited: known.verdict.audited, mediumNumber: known.verdict.medium?.number,
                              violations: known.verdict.violations.map(\.type), allowedUntil: until)
    }

    /// USBGuard's users asked for exactly this: a time-limited allow, recorded with who and why,
    /// that ends when it expires or the device is unplugged (a re-plug is judged afresh).
    func allowOnce(_ request: AllowOnce, by caller: Caller) -> Result<AttachedDevice, LedgerError> {
        let reason: String
        let named: USBDeviceObservation
        do {
            reason = try request.validatedReason()
            named = try request.match(in: decided.all.map(\.observation))
        } catch {
            return .failure(error)
        }
        guard let known = decided[named.syspath] else {
            return .failure(LedgerError(.notFound, zh: "设备 \(named.port) 已拔出", en: "the device at \(named.port) is gone"))
        }
        let device = known.observation
        let now = clock.now()
        let until = Timestamp(secondsSinceEpoch: now.secondsSinceEpoch + Int64((request.minutes * 60).rounded(.up)))
        do {
            let event = try recorder.recordOverride(device, kind: .allowOnce, by: caller.actor, until: until, note: reason, at: now)
            broadcaster.publish(WatchItem(event: event, violations: []))
        } catch {
            return .failure(error)
        }
        for interface in device.interfaces { write(true, interface.syspath) }
        write(true, device.syspath)
        let token = overrides.grant(device.syspath, until: until)
        logger.warning("allow-once granted", metadata: metadata(device, known.verdict, ["BY": caller.actor.name, "UNTIL": until.description,
                                                                                        "REASON": reason]))
        audit?.record(.allowOnce(device, overriding: known.verdict, by: caller.actor, until: until, reason: reason))
        let seconds = request.minutes * 60
        Task { [weak self] in
            try? await Task.sleep(for: .seconds(seconds))
            await self?.expireOverride(device.syspath, token: token)
        }
        return .success(attached(decided[device.syspath] ?? known))
    }

    /// The override's time is up: the device is judged again as if just plugged in.
    func expireOverride(_ syspath: String, token: Int) {
        // A device that is gone took its override with it (`forget`), so a stale token finds nothing.
        guard let known = decided[syspath], let due = overrides.expire(syspath, token: token) else { return }
        if let event = try? recorder.recordOverride(known.observation, kind: .allowOnceEnd, by: GuardRecorder.daemon,
                                                    until: nil, note: "expired at \(due)", at: clock.now()) {
            broadcaster.publish(WatchItem(event: event, violations: []))
        }
        decide(syspath: syspath, kind: .recheck)
    }

    /// Called from the watchdog loop: answering at all proves the decision loop is alive; the
    /// ledger gets a sign of life every 15 seconds so a crash leaves a measurable gap.
    func heartbeat() {
        let now = clock.now()
        guard now.secondsSinceEpoch - lastHeartbeat.secondsSinceEpoch >= 15 else { return }
        lastHeartbeat = now
        do {
            try recorder.heartbeat(at: now)
        } catch {
            logger.error("cannot record a heartbeat", metadata: ["ERROR": "\(error.message.en)"])
        }
    }
}
