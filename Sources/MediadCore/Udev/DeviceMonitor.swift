import AssetCore
import ControlSocket
import HardwareProbe
import CUdev
#if canImport(Glibc)
import Glibc
#endif

/// What udev says happened to a device.
enum UeventAction: Sendable, Hashable {
    case add, remove, change, bind, unbind
    /// `move`, `online`, `offline` or anything a future kernel invents: passed on, not dropped.
    case other(String)

    init(_ text: String) {
        switch text {
        case "add": self = .add
        case "remove": self = .remove
        case "change": self = .change
        case "bind": self = .bind
        case "unbind": self = .unbind
        default: self = .other(text)
        }
    }

    var name: String {
        switch self {
        case .add: "add"
        case .remove: "remove"
        case .change: "change"
        case .bind: "bind"
        case .unbind: "unbind"
        case .other(let text): text
        }
    }
}

/// One uevent, copied out of libudev so it can cross threads (a `udev_device` cannot).
struct Uevent: Sendable, Hashable {
    var action: UeventAction
    var syspath: String
    var subsystem: String?
    var devtype: String?
    var properties: [String: String]
    /// For a `usb_device` add or change, the device as read by the monitor's thread right after the
    /// event arrived (see `DeviceMonitor.init(prefetch:)`); nil when not read or unreadable.
    var observed: ObservedDevice? = nil

    /// An event that may bring a device to decide: the ones worth reading ahead.
    var announcesUSBDevice: Bool {
        subsystem == "usb" && devtype == "usb_device" && (action == .add || action == .change)
    }
}

/// What the monitor delivers.
enum DeviceEvent: Sendable, Hashable {
    case uevent(Uevent)
    /// The socket buffer overflowed (ENOBUFS): events were lost, so whatever the caller believes
    /// about present devices may be stale. The caller must enumerate again.
    case overflow
}

/// A libudev monitor whose events arrive as an `AsyncStream`, without polling.
///
/// Create it before enumerating present devices: the socket buffers every event from the moment
/// it is enabled, so a device plugged in during enumeration shows up in one or the other (possibly
/// both; consumers must treat an `add` for a known device as a refresh).
final class DeviceMonitor: Sendable {
    /// The default filter: USB devices and interfaces, their disks, and their network links; and
    /// for the hardware baseline, fixed disks and network cards (the same subsystems), PCI devices
    /// (a controller or card added) and DMI (the machine's identity).
    static let defaultSubsystems = ["usb", "block", "net", "pci", "dmi"]
    /// 128 MiB, as udevd's own listeners use: a burst of hot-plugs (a hub with many devices)
    /// must not overflow while the daemon is busy deciding.
    static let defaultReceiveBufferSize: Int32 = 128 << 20

    /// Everything read in one wake-up, in the order it arrived.
    let events: AsyncStream<[DeviceEvent]>
    /// Whether libudev accepted the receive buffer size (it needs CAP_NET_ADMIN to exceed
    /// rmem_max); the monitor still works with the smaller buffer, it only overflows sooner.
    let receiveBufferSizeApplied: Bool
    /// SO_RCVBUF as the kernel reports it after sizing (the kernel doubles the request).
    let receiveBufferSize: Int32?

    private let reader: ReadinessLoop

    /// - Parameter source: "udev" (events after udevd's rules, with `ID_*` properties; what
    ///   production uses and what umockdev feeds) or "kernel" (raw kernel events, no `ID_*`).
    /// - Parameter prefetch: read each announced USB device on the monitor's thread before the
    ///   event is delivered, so sysfs reading overlaps with the consumer's ledger work on the other
    ///   core (the Guard re-reads a device whenever no observation came with its event).
    init(source name: String = "udev", subsystems: [String] = DeviceMonitor.defaultSubsystems,
         receiveBufferSize: Int32 = DeviceMonitor.defaultReceiveBufferSize, prefetch: Bool = false) throws(UdevError) {
        let handle = try MonitorHandle(source: name, subsystems: subsystems)
        receiveBufferSizeApplied = udev_monitor_set_receive_buffer_size(handle.monitor, receiveBufferSize) >= 0
        try handle.enable()
        self.receiveBufferSize = handle.socketReceiveBufferSize()

        let (stream, continuation) = AsyncStream.makeStream(of: [DeviceEvent].self,
                                                            bufferingPolicy: .unbounded)
        // A thread asleep in poll(2), not a Dispatch source: Dispatch's worker pool would wake the
        // idle daemon every second (see ReadinessLoop).
        let reader: ReadinessLoop
        do {
            reader = try ReadinessLoop(name: "mediad-udev", fd: handle.fd, urgency: .decision, onReadable: {
                // One wake-up's events travel together, so the Guard can judge a burst as a group.
                var batch: [DeviceEvent] = []
                handle.drain { batch.append($0) }
                guard prefetch else {
                    if !batch.isEmpty { continuation.yield(batch) }
                    return
                }
                // Read ahead a few devices at a time and hand them over, so the consumer starts on
                // the first ones while this thread reads the next.
                var start = 0
                var chunk = Self.firstReadAheadChunk
                while start < batch.count {
                    let end = min(start + chunk, batch.count)
                    continuation.yield(batch[start..<end].map(Self.readAhead))
                    start = end
                    chunk = min(chunk * 2, Self.readAheadChunk)
                }
            }, onStop: {
                // Runs on the reader thread after its last drain: the only safe moment to free libudev.
                handle.close()
                continuation.finish()
            })
        } catch {
            throw UdevError(error.operation, code: error.code)
        }
        continuation.onTermination = { @Sendable _ in reader.stop() }
        self.reader = reader
        self.events = stream
    }

    deinit { reader.stop() }

    /// Events read ahead before they are handed over: small enough that the consumer is not kept
    /// waiting, large enough that its group commit still covers several devices. The first chunk of
    /// a burst is the smallest, so the first decision is not delayed by the reading of the next.
    static let firstReadAheadChunk = 4
    static let readAheadChunk = 32

    private static func readAhead(_ event: DeviceEvent) -> DeviceEvent {
        guard case .uevent(var uevent) = event, uevent.announcesUSBDevice else { return event }
        uevent.observed = try? ObservationReader().read(syspath: uevent.syspath, announced: true, properties: uevent.properties)
        return .uevent(uevent)
    }

    /// Stops delivering; the stream finishes once the reader thread has let go of the monitor.
    func stop() { reader.stop() }
}

/// The libudev monitor and its context, touched only on the reader thread after `enable()` (and
/// before that only by the initialiser that created them).
///
/// `@unchecked Sendable` because of that confinement: the pointers cross into the reader's
/// closures, which run one at a time on its one thread.
private final class MonitorHandle: @unchecked Sendable {
    private let context: UdevContext
    let monitor: OpaquePointer
    private(set) var fd: Int32 = -1
    private var closed = false

    init(source: String, subsystems: [String]) throws(UdevError) {
        context = try UdevContext()
        guard let monitor = udev_monitor_new_from_netlink(context.raw, source) else {
            throw UdevError("udev_monitor_new_from_netlink(\(source))")
        }
        self.monitor = monitor
        for subsystem in subsystems {
            let result = udev_monitor_filter_add_match_subsystem_devtype(monitor, subsystem, nil)
            // Throwing here still runs deinit (self is fully initialised), which unrefs.
            if result < 0 {
                throw UdevError("udev_monitor_filter_add_match_subsystem_devtype(\(subsystem))", code: result)
            }
        }
    }

    func enable() throws(UdevError) {
        let result = udev_monitor_enable_receiving(monitor)
        if result < 0 { throw UdevError("udev_monitor_enable_receiving", code: result) }
        fd = udev_monitor_get_fd(monitor)
        if fd < 0 { throw UdevError("udev_monitor_get_fd", code: fd) }
        // libudev opens the socket non-blocking; make sure of it (a blocking recv would stall
        // the reader forever once drained, deaf to stop()).
        let flags = fcntl(fd, F_GETFL)
        if flags >= 0, flags & O_NONBLOCK == 0 { _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK) }
    }

    func socketReceiveBufferSize() -> Int32? {
        var value: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        return getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &value, &length) == 0 ? value : nil
    }

    /// Receives until the socket is empty. Level-triggered poll would report it again anyway, but
    /// draining keeps bursts in one wake-up.
    func drain(_ deliver: (DeviceEvent) -> Void) {
        guard !closed else { return }
        // Bounded so a socket that keeps reporting an error cannot pin the reader.
        var errorsLeft = 64
        while errorsLeft > 0 {
            errno = 0
            if let raw = udev_monitor_receive_device(monitor) {
                let device = UdevDevice(owning: raw, context: context)
                deliver(.uevent(Uevent(action: UeventAction(device.action ?? "change"),
                                       syspath: device.syspath, subsystem: device.subsystem,
                                       devtype: device.devtype, properties: device.properties)))
                continue
            }
            switch errno {
            case ENOBUFS:
                // The kernel dropped events; the error is reported once, then reading goes on.
                deliver(.overflow)
                errorsLeft -= 1
            case EINTR:
                errorsLeft -= 1
            default:
                // EAGAIN: drained. Anything else (a malformed or foreign message was dropped):
                // wait for the next readiness rather than spin.
                return
            }
        }
    }

    func close() {
        guard !closed else { return }
        closed = true
        udev_monitor_unref(monitor)
    }

    deinit { close() }
}
