import HardwareProbe
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

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

    /// The same through the open sysfs directory the device was read from (`ObservedDevice`), so a
    /// device that replaced it at the same port in between does not receive its verdict; through
    /// the path when there is no directory or `syspath` is not below it.
    func setAuthorized(_ authorized: Bool, syspath: String, through directory: SysfsDirectory?) throws(SysfsError) {
        if let directory, let name = Self.attribute("authorized", of: syspath, below: directory.path) {
            try directory.write(authorized ? "1" : "0", to: name)
        } else {
            try setAuthorized(authorized, syspath: syspath)
        }
    }

    /// `attribute` of `syspath` relative to `directory` (`authorized`, `1-1:1.0/authorized`), nil
    /// when `syspath` is not the directory or below it.
    static func attribute(_ attribute: String, of syspath: String, below directory: String) -> String? {
        if syspath == directory { return attribute }
        guard syspath.hasPrefix(directory + "/") else { return nil }
        return String(syspath.dropFirst(directory.count + 1)) + "/" + attribute
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

    /// usbcore's own default for the root hubs of buses that appear later (a hot-plugged controller
    /// or dock, a host controller driver bound again): each new root hub starts with this value as
    /// its `authorized_default`, so with 0 there is no moment in which a device behind a new bus is
    /// usable before mediad has written the hub's own file.
    static let kernelDefaultPath = "/sys/module/usbcore/parameters/authorized_default"

    /// Sets usbcore's default for new buses to 0, remembering the value it had for
    /// `restoreKernelDefault`. Returns nil when done; a missing file (no usbcore on this machine)
    /// is `.absent`, not a failure.
    func denyNewBuses() -> KernelDefaultResult {
        let before = Sysfs.readBytes(Self.kernelDefaultPath, limit: 32).map { Sysfs.text($0) }
        do {
            try Sysfs.write("0", to: Self.kernelDefaultPath)
        } catch {
            return error.code == ENOENT ? .absent : .failed(error)
        }
        if let before, before != "0" { KernelDefaultMemory.shared.remember(before) }
        return .done
    }

    /// Puts usbcore's default for new buses back as it was before `denyNewBuses` (release-on-stop).
    func restoreKernelDefault() {
        guard let before = KernelDefaultMemory.shared.recalled() else { return }
        try? Sysfs.write(before, to: Self.kernelDefaultPath)
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

/// What became of the write to usbcore's default for new buses.
enum KernelDefaultResult: Sendable, Equatable {
    case done
    /// No usbcore parameters on this machine (no USB support loaded, or a test's fake sysfs).
    case absent
    case failed(SysfsError)
}

/// usbcore's default as it was before mediad set it, for release-on-stop.
final class KernelDefaultMemory: Sendable {
    static let shared = KernelDefaultMemory()
    private let value = Mutex<String?>(nil)

    func remember(_ before: String) { value.withLock { if $0 == nil { $0 = before } } }
    func recalled() -> String? { value.withLock { $0 } }
}
