import AssetCore

/// The identities (vendor, product, serial) of the storing devices present now, by syspath: how a
/// second device carrying an identity already present is found without scanning every device.
///
/// A value type kept by the Guard beside its decided devices; each syspath is under at most one
/// identity, so forgetting a device or seeing it change is exact.
struct PresentIdentities: Sendable {
    private var paths: [String: [String]] = [:]
    private var keyOf: [String: String] = [:]

    /// Records `device` as present under its identity (or under none, if it has no serial or
    /// cannot store), replacing whatever its syspath was recorded under before.
    mutating func update(_ device: USBDeviceObservation) {
        remove(device.syspath)
        guard device.canStore, let key = device.identityKey else { return }
        paths[key, default: []].append(device.syspath)
        keyOf[device.syspath] = key
    }

    mutating func remove(_ syspath: String) {
        guard let key = keyOf.removeValue(forKey: syspath) else { return }
        paths[key]?.removeAll { $0 == syspath }
        if paths[key]?.isEmpty == true { paths[key] = nil }
    }

    /// The present devices with `device`'s identity, other than `device` itself.
    func others(sharing device: USBDeviceObservation) -> [String] {
        guard let key = device.identityKey else { return [] }
        return (paths[key] ?? []).filter { $0 != device.syspath }
    }
}
