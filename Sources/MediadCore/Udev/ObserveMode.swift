import AssetCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// `mediad --observe [--authorize-all 0|1]`: a diagnostic that prints what the daemon would see,
/// one JSON object per line, flushed per line, until SIGTERM or SIGINT.
///
/// It exercises the udev plumbing end to end (monitor opened before enumeration, observations,
/// events on children mapped to their device) so the integration tests can check it without the
/// guard. Lines:
/// - one bare `USBDeviceObservation` per device present at start (parents first);
/// - `{"event":"ready","devices":N,...}` once the start-up enumeration is printed;
/// - `{"event":"add|change|bind|unbind|…","syspath":…,"device":…,"observation":{…}}` per later
///   event on or below a USB device (the observation of the enclosing `usb_device`, re-read);
/// - `{"event":"remove","syspath":…,"device":…}` (nothing left to read);
/// - `{"event":"overflow"}` then one `{"event":"enumerate","observation":…}` per device.
///
/// Hidden test knobs:
/// - `--authorize-all V`: writes `authorized=V` to every non-root-hub device present or added and
///   `authorized_default=V` to every root hub (tests of the enforcer);
/// - `--udev-source kernel` and `--receive-buffer BYTES`: a raw kernel monitor with a tiny buffer,
///   the only way to provoke ENOBUFS (umockdev's fake netlink is a Unix socket that never drops).
enum ObserveMode {
    struct Line: Encodable {
        var event: String
        var syspath: String?
        var subsystem: String?
        var devtype: String?
        var device: String?
        var observation: USBDeviceObservation?
        var devices: Int?
        var receiveBufferSize: Int32?
        var receiveBufferSizeApplied: Bool?
        var error: String?
    }

    static func run(arguments: [String]) async -> Never {
        var authorizeValue: Bool?
        if let value = option("--authorize-all", in: arguments) {
            guard value == "0" || value == "1" else { JSONLines.fail("--authorize-all needs 0 or 1") }
            authorizeValue = value == "1"
        }
        let source = option("--udev-source", in: arguments) ?? "udev"
        guard source == "udev" || source == "kernel" else { JSONLines.fail("--udev-source is udev or kernel") }
        var bufferSize = DeviceMonitor.defaultReceiveBufferSize
        if let text = option("--receive-buffer", in: arguments) {
            guard let value = Int32(text), value > 0 else { JSONLines.fail("--receive-buffer needs a byte count") }
            bufferSize = value
        }
        let signals = SignalWatch.exitingOnStop()
        let monitor: DeviceMonitor
        do {
            monitor = try DeviceMonitor(source: source, receiveBufferSize: bufferSize)
        } catch {
            JSONLines.fail("cannot open the udev monitor: \(error)")
        }

        let reader = ObservationReader()
        let authorizer = SysfsAuthorizer()
        var count = 0
        for path in presentDevices() {
            if let authorizeValue { enforce(authorizeValue, path: path, authorizer: authorizer) }
            if let line = observationJSON(path, reader: reader) {
                JSONLines.emit(line)
                count += 1
            }
        }
        JSONLines.emit(Line(event: "ready", devices: count, receiveBufferSize: monitor.receiveBufferSize,
                  receiveBufferSizeApplied: monitor.receiveBufferSizeApplied))

        for await batch in monitor.events {
            for event in batch { handle(event, reader: reader, authorizer: authorizer, authorizeValue: authorizeValue) }
        }
        withExtendedLifetime(signals) {}   // the handlers must outlive the loop
        JSONLines.fail("udev monitor stopped")
    }

    /// The word after `name`, "" when `name` is last, nil when absent.
    private static func option(_ name: String, in arguments: [String]) -> String? {
        guard let index = arguments.firstIndex(of: name) else { return nil }
        return arguments.indices.contains(index + 1) ? arguments[index + 1] : ""
    }

    private static func handle(_ event: DeviceEvent, reader: ObservationReader,
                               authorizer: SysfsAuthorizer, authorizeValue: Bool?) {
        guard case .uevent(let uevent) = event else {
            JSONLines.emit(Line(event: "overflow"))
            for path in presentDevices() {
                JSONLines.emit(Line(event: "enumerate", syspath: path, device: path,
                          observation: try? reader.observe(syspath: path)))
            }
            return
        }
        var line = Line(event: uevent.action.name, syspath: uevent.syspath,
                        subsystem: uevent.subsystem, devtype: uevent.devtype)
        if uevent.action == .remove {
            // Gone from sysfs: only the path can say which device it belonged to.
            guard let device = USBTopology.enclosingDevice(byName: uevent.syspath) else { return }
            line.device = device
            JSONLines.emit(line)
            return
        }
        guard let device = USBTopology.enclosingDevice(of: uevent.syspath)
            ?? USBTopology.enclosingDevice(byName: uevent.syspath) else { return }   // not USB
        line.device = device
        if let authorizeValue, uevent.action == .add, device == uevent.syspath {
            enforce(authorizeValue, path: device, authorizer: authorizer)
        }
        do {
            line.observation = try reader.observe(syspath: device)
        } catch {
            line.error = error.description
        }
        JSONLines.emit(line)
    }

    private static func enforce(_ value: Bool, path: String, authorizer: SysfsAuthorizer) {
        do {
            if USBTopology.isRootHub(path) {
                try authorizer.setAuthorizedDefault(value ? 1 : 0, rootHub: path)
            } else {
                try authorizer.setAuthorized(value, syspath: path)
            }
        } catch {
            JSONLines.warn("enforcement failed: \(error)")
        }
    }

    private static func presentDevices() -> [String] {
        do { return try USBTopology.presentDevices() } catch {
            JSONLines.warn("enumeration failed: \(error)")
            return []
        }
    }

    private static func observationJSON(_ path: String, reader: ObservationReader) -> USBDeviceObservation? {
        do { return try reader.observe(syspath: path) } catch {
            JSONLines.warn("cannot observe \(path): \(error)")
            return nil
        }
    }
}
