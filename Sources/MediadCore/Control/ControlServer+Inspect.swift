import AssetCore
import HardwareProbe

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
    /// their verdicts, and every USB device in sysfs now — its `authorized` read at this moment
    /// (not what the guard wrote: a value changed behind its back is what the inspection looks for)
    /// beside the verdict recorded for it, or none for a device the guard never decided — and the
    /// root hubs whose `authorized_default` no longer keeps new devices out.
    func liveFacts() -> LiveFacts {
        var devices = attachedDevices().map { device in
            let observation = device.observation
            return PresentDevice(port: observation.port, vendorID: observation.vendorID, productID: observation.productID,
                                 serial: observation.serial, authorized: authorizer.isAuthorized(syspath: observation.syspath),
                                 decision: device.decision, audited: device.audited)
        }
        let present = try? USBTopology.presentDevices()
        for syspath in present ?? [] where decided[syspath] == nil && !USBTopology.sysname(syspath).hasPrefix("usb") {
            devices.append(PresentDevice(port: USBTopology.sysname(syspath), vendorID: Sysfs.attributeText(syspath, "idVendor") ?? "?",
                                         productID: Sysfs.attributeText(syspath, "idProduct") ?? "?",
                                         serial: Sysfs.attributeText(syspath, "serial"),
                                         authorized: authorizer.isAuthorized(syspath: syspath), decision: nil, audited: false))
        }
        let hubs = config.lockdown ? ((try? USBTopology.rootHubs()) ?? []) : []
        let open = hubs.filter { authorizer.authorizedDefault(rootHub: $0) != 0 }.map(USBTopology.sysname)
        return LiveFacts(mode: config.mode, lockdown: config.lockdown, linkWatch: links != nil, links: linkStates(),
                         devices: devices, devicesListed: present != nil, openRootHubs: open)
    }
}
