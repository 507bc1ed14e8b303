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
        let parsed: ObserveOptions?
        do { parsed = try ObserveOptions.parse(arguments) } catch { JSONLines.fail(error.description) }
        guard let options = parsed else { JSONLines.usage(ObserveOptions.usage) }
        let authorizeValue = options.authorizeValue
        let signals = SignalWatch.exitingOnStop()
        let monitor: DeviceMonitor
        do {
            monitor = try DeviceMonitor(source: options.source, receiveBufferSize: options.receiveBufferSize)
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

/// The command line of `mediad --observe`: its test knobs, read by `OptionParser`.
struct ObserveOptions: Equatable {
    /// `--authorize-all 0|1`: nil leaves every device as it is.
    var authorizeValue: Bool?
    /// `--udev-source udev|kernel`.
    var source = "udev"
    /// `--receive-buffer BYTES`.
    var receiveBufferSize = DeviceMonitor.defaultReceiveBufferSize

    static let parser = OptionParser(valued: ["--authorize-all", "--udev-source", "--receive-buffer"], flags: ["--observe"])

    static let usage = """
        usage: mediad --observe [--authorize-all 0|1] [--udev-source udev|kernel] [--receive-buffer BYTES]

        Prints what the daemon would see of USB devices, one JSON object per line.
        """

    /// The options, or nil for `--help` (the caller prints `usage`). A knob without its value is
    /// refused in the words of a wrong value.
    static func parse(_ arguments: [String]) throws(ObserveUsageError) -> ObserveOptions? {
        let words: [OptionParser.Word]
        do {
            guard case .words(let read) = try parser.parse(arguments) else { return nil }
            words = read
        } catch {
            switch error {
            case .missingValue(let name): words = [.option(name, value: "")]
            case .unknown(let word): throw ObserveUsageError(description: "unknown option '\(SafeText.escape(word))' for --observe")
            }
        }
        var options = ObserveOptions()
        for case .option(let name, let value) in words {
            switch name {
            case "--authorize-all":
                guard value == "0" || value == "1" else { throw ObserveUsageError(description: "--authorize-all needs 0 or 1") }
                options.authorizeValue = value == "1"
            case "--udev-source":
                guard value == "udev" || value == "kernel" else { throw ObserveUsageError(description: "--udev-source is udev or kernel") }
                options.source = value
            default:   // --receive-buffer
                guard let bytes = Int32(value), bytes > 0 else { throw ObserveUsageError(description: "--receive-buffer needs a byte count") }
                options.receiveBufferSize = bytes
            }
        }
        return options
    }
}

/// A mistake on the `--observe` command line, in words.
struct ObserveUsageError: Error, Sendable, CustomStringConvertible {
    var description: String
}
