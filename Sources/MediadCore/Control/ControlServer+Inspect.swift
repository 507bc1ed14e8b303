import AssetCore

/// `mediactl inspect` through the socket: the Guard tells what only it knows, the service reads the
/// ledger, judges with AssetCore's `Inspection` and stores the run with the caller's identity.
extension ControlServer {
    func inspect(caller: Caller) -> ControlReply {
        let guardian = self.guardian
        let live = blocking { await guardian.liveFacts() }
        do {
            return .inspection(try service.inspect(live: live, caller: caller))
        } catch {
            return .error(error)
        }
    }
}

extension Guard {
    /// The live half of an inspection: the mode and lockdown the guard runs with, the links and
    /// their verdicts, and each present device's sysfs `authorized` read now (not what the guard
    /// wrote: a value changed behind its back is what the inspection looks for) beside its
    /// recorded verdict.
    func liveFacts() -> LiveFacts {
        let devices = attachedDevices().map { device in
            let observation = device.observation
            return PresentDevice(port: observation.port, vendorID: observation.vendorID, productID: observation.productID,
                                 serial: observation.serial, authorized: authorizer.isAuthorized(syspath: observation.syspath),
                                 decision: device.decision, audited: device.audited)
        }
        return LiveFacts(mode: config.mode, lockdown: config.lockdown, linkWatch: links != nil, links: linkStates(),
                         devices: devices)
    }
}
