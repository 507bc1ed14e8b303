/// Applies decisions through the kernel's USB authorization interface in sysfs.
///
/// - `<usb_device>/authorized` ("0"/"1"): a deauthorized device keeps its address but no driver
///   binds to any of its interfaces, so no disk or keyboard appears.
/// - `<usb_interface>/authorized`: the same for one interface, which is how part of a composite
///   device (the keyboard half of a keyboard-with-storage) is allowed.
/// - `<root hub>/authorized_default`: what the kernel does with a device nobody has decided on
///   yet. Set to 0 so a device plugged in while the daemon is busy or dead stays inert.
///
/// Writes use open(2)/write(2) (see `Sysfs.write`): the only calls umockdev redirects, and the
/// kernel takes each value from a single write. Failures are returned as `SysfsError`, never a
/// crash, so the daemon can record that enforcement failed for that device.
struct SysfsAuthorizer: Sendable {
    init() {}

    /// Authorizes or deauthorizes a `usb_device` or a `usb_interface`.
    func setAuthorized(_ authorized: Bool, syspath: String) throws(SysfsError) {
        try Sysfs.write(authorized ? "1" : "0", to: syspath + "/authorized")
    }

    /// The current `authorized` value: true/false, or nil when unreadable or not 0/1 (the caller
    /// should then assume the write did not happen).
    func isAuthorized(syspath: String) -> Bool? {
        switch Sysfs.attributeText(syspath, "authorized") {
        case "1": true
        case "0": false
        default: nil
        }
    }

    /// Sets a root hub's `authorized_default` (0 = deny new devices; 1 = allow; the kernel also
    /// knows 2 = internal devices only, and -1 = per-port default).
    func setAuthorizedDefault(_ value: Int, rootHub syspath: String) throws(SysfsError) {
        try Sysfs.write(String(value), to: syspath + "/authorized_default")
    }

    /// A root hub's `authorized_default`, nil when unreadable or not a number.
    func authorizedDefault(rootHub syspath: String) -> Int? {
        Sysfs.attributeText(syspath, "authorized_default").flatMap { Int($0) }
    }

    /// Sets `authorized_default` to 0 on every present root hub. Goes on past failures (one
    /// controller refusing must not leave the others open) and returns them all; an empty result
    /// means every root hub is closed. Enumeration failure is reported as a `SysfsError` on
    /// "/sys/bus/usb" so the caller has a single error type to record.
    func denyNewDevicesOnAllRootHubs() -> [SysfsError] {
        let hubs: [String]
        do {
            hubs = try USBTopology.rootHubs()
        } catch {
            return [SysfsError(path: "/sys/bus/usb", operation: "enumerate root hubs", code: error.code)]
        }
        var failures: [SysfsError] = []
        for hub in hubs {
            do {
                try setAuthorizedDefault(0, rootHub: hub)
            } catch {
                failures.append(error)
            }
        }
        return failures
    }
}
