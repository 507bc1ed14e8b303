import AssetCore

/// A device the guard has decided, remembered so a repeated `add` is not a new insertion and a
/// `change` re-decides only when the identity changed.
struct DecidedDevice: Sendable {
    var observation: USBDeviceObservation
    var verdict: Verdict
}

/// The devices the guard has decided and that are still present, with the identities of those that
/// store (to find a clone). A value: the Guard actor keeps one and tests build their own.
struct DeviceTable: Sendable {
    private var devices: [String: DecidedDevice] = [:]
    private var identities = PresentIdentities()

    subscript(syspath: String) -> DecidedDevice? { devices[syspath] }
    var count: Int { devices.count }
    var syspaths: Dictionary<String, DecidedDevice>.Keys { devices.keys }
    var all: Dictionary<String, DecidedDevice>.Values { devices.values }

    /// Records (or replaces) a device's verdict, and its identity among those present.
    mutating func remember(_ device: USBDeviceObservation, _ verdict: Verdict) {
        devices[device.syspath] = DecidedDevice(observation: device, verdict: verdict)
        identities.update(device)
    }

    /// Forgets a device that is gone; returns what was known of it.
    mutating func remove(_ syspath: String) -> DecidedDevice? {
        identities.remove(syspath)
        return devices.removeValue(forKey: syspath)
    }

    /// The capacity learnt for the medium a decided device matched, so a later check compares with it.
    mutating func learnt(capacity bytes: UInt64, for syspath: String) {
        devices[syspath]?.verdict.medium?.identity?.capacityBytes = bytes
    }

    /// The present devices (other than `device`) with `device`'s identity.
    func others(sharing device: USBDeviceObservation) -> [String] {
        identities.others(sharing: device)
    }
}

/// Allow-once overrides in force, by device syspath. Each grant gets a token, so the expiry of an
/// override that was since replaced or ended is told from a live one.
struct Overrides: Sendable {
    private var live: [String: (until: Timestamp, token: Int)] = [:]
    private var nextToken = 0

    /// A new override for `syspath` until `until`; returns the token its expiry must present.
    mutating func grant(_ syspath: String, until: Timestamp) -> Int {
        nextToken += 1
        live[syspath] = (until, nextToken)
        return nextToken
    }

    func until(_ syspath: String) -> Timestamp? { live[syspath]?.until }

    /// Ends the override if `token` is the live one, returning when it was due; nil for a stale token.
    mutating func expire(_ syspath: String, token: Int) -> Timestamp? {
        guard let override = live[syspath], override.token == token else { return nil }
        live[syspath] = nil
        return override.until
    }

    /// A new decision or an unplug ends any override: it was granted for the device as it was.
    mutating func end(_ syspath: String) { live[syspath] = nil }
}

/// Interfaces and disks whose uevent arrived before their USB device was decided: held, so that
/// nothing below a device is acted on before the device's own verdict.
struct HeldChildren: Sendable {
    private var held: [String: [Uevent]] = [:]

    mutating func hold(_ child: Uevent, until parent: String) {
        held[parent, default: []].append(child)
    }

    /// The children waiting for `parent`, in arrival order, no longer held.
    mutating func release(_ parent: String) -> [Uevent] {
        held.removeValue(forKey: parent) ?? []
    }

    /// Drops the children of parents that are not present: if such a parent appears, enumeration
    /// brings its children again.
    mutating func keep(parents present: Set<String>) {
        held = held.filter { present.contains($0.key) }
    }

    func isHolding(for parent: String) -> Bool { held[parent] != nil }
}
