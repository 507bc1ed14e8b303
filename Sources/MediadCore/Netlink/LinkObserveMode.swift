import AssetCore
#if canImport(Glibc)
import Glibc
#endif

/// `mediad --observe-links [--network T] [--classified yes|no] [--allow-if X]… [--lan-prefix P]… [--cut]`:
/// a diagnostic that prints what the network guard would see and decide, one JSON object per
/// line, flushed per line, until SIGTERM or SIGINT. Options: `LinkObserveOptions`.
///
/// It runs the guard's whole link pipeline (monitor opened before the dump, table, identities,
/// policy, `LinkJudgement`, enforcer) so the integration tests can check it inside a network
/// namespace without the guard's ledger.
/// Lines:
/// - `{"event":"present","link":{…},"verdict":{…},"severity":…,"recorded":…}` per link at start
///   (after the dump); `recorded`: whether the guard would write this verdict to the ledger;
/// - `{"event":"ready","links":N,"receiveBufferSize":…}`;
/// - `{"event":"change","link":{…},"verdict":{…},"severity":…,"recorded":…}` per change of a link,
///   or of its verdict (a link can become dual-homed because another link changed);
/// - `{"event":"deleted","ifindex":N,"name":…}`;
/// - with `--cut`, `{"event":"cut","ifindex":…,"name":…,"setDown":…,"usbDeauthorized":…,"latencyMicros":…}`
///   after acting (latency from the netlink message's arrival to the kernel's acknowledgement),
///   or `{"event":"cut-failed",…,"error":…}`;
/// - `{"event":"overflow"}` (or `"unreadable"`) before the re-dump's changes.
enum LinkObserveMode {
    struct Line: Encodable {
        var event: String
        var link: LinkObservation?
        var verdict: LinkVerdict?
        var severity: Severity?
        var recorded: Bool?
        var ifindex: Int?
        var name: String?
        var links: Int?
        var receiveBufferSize: Int32?
        var setDown: Bool?
        var usbDeauthorized: String?
        var latencyMicros: Int?
        var error: String?
    }

    /// Netlink and udev events, merged into one sequence so one task owns all state.
    enum Input: Sendable {
        case netlink(LinkMonitorEvent)
        case udev(DeviceEvent)
    }

    static func run(arguments: [String]) async -> Never {
        let parsed: LinkObserveOptions?
        do { parsed = try LinkObserveOptions.parse(arguments) } catch { JSONLines.fail(error.description) }
        guard let options = parsed else { JSONLines.usage(LinkObserveOptions.usage) }
        let signals = SignalWatch.exitingOnStop()
        let watch: LinkWatch
        do { watch = try LinkWatch(receiveBufferSize: options.receiveBufferSize) } catch {
            JSONLines.fail("cannot open rtnetlink: \(error)")
        }
        // Identity only: without udevd (or umockdev) this source stays silent, which is fine.
        let udev: DeviceMonitor?
        do { udev = try DeviceMonitor(subsystems: ["net"]) } catch {
            JSONLines.warn("no udev monitor for net devices (\(error)); identities are read when links appear")
            udev = nil
        }
        let observer = LinkObserver(watch: watch, options: options)

        let present: [LinkObservation]
        do { present = try watch.start() } catch { JSONLines.fail("cannot dump links: \(error)") }
        observer.judge(present.map { .changed($0, previous: nil) }, event: "present", receivedAt: nil)
        JSONLines.emit(Line(event: "ready", links: present.count, receiveBufferSize: watch.monitor.receiveBufferSize))

        for await input in merged(watch.events, udev?.events) {
            observer.handle(input)
        }
        withExtendedLifetime((signals, udev)) {}
        JSONLines.fail("rtnetlink monitor stopped")
    }

    private static func merged(_ netlink: AsyncStream<LinkMonitorEvent>, _ udev: AsyncStream<[DeviceEvent]>?) -> AsyncStream<Input> {
        let (stream, continuation) = AsyncStream.makeStream(of: Input.self, bufferingPolicy: .unbounded)
        let netlinkTask = Task {
            for await event in netlink { continuation.yield(.netlink(event)) }
            continuation.finish()
        }
        let udevTask = Task {
            guard let udev else { return }
            for await batch in udev { for event in batch { continuation.yield(.udev(event)) } }
        }
        continuation.onTermination = { @Sendable _ in
            netlinkTask.cancel()
            udevTask.cancel()
        }
        return stream
    }
}

/// The state of one `--observe-links` run: the watch, the verdicts printed so far, the enforcer.
private final class LinkObserver {
    let watch: LinkWatch
    let options: LinkObserveOptions
    let enforcer: LinkEnforcer
    private var verdicts: [Int: LinkVerdict] = [:]

    init(watch: LinkWatch, options: LinkObserveOptions) {
        self.watch = watch
        self.options = options
        enforcer = LinkEnforcer(client: watch.client)
    }

    func handle(_ input: LinkObserveMode.Input) {
        switch input {
        case .netlink(let event):
            var receivedAt: ContinuousClock.Instant?
            switch event {
            case .messages(_, let instant): receivedAt = instant
            case .overflow: JSONLines.emit(LinkObserveMode.Line(event: "overflow"))
            case .unreadable(let reason): JSONLines.emit(LinkObserveMode.Line(event: "unreadable", error: reason))
            }
            let step = watch.handle(event)
            if let error = step.error { JSONLines.warn("netlink: \(error)") }
            judge(step.updates, event: "change", receivedAt: receivedAt)
        case .udev(.uevent(let uevent)):
            guard uevent.action != .remove else { return }
            let name = uevent.properties["INTERFACE"] ?? USBTopology.sysname(uevent.syspath)
            judge(watch.refreshIdentity(name: name), event: "change", receivedAt: nil)
        case .udev(.overflow):
            for link in watch.current { judge(watch.refreshIdentity(name: link.name), event: "change", receivedAt: nil) }
        }
    }

    /// Prints the updates and re-judges every link, by the guard's own rules (`LinkJudgement`): a
    /// line for each link that changed or whose verdict did, and with `--cut`, a cut wherever the
    /// guard would cut.
    func judge(_ updates: [LinkUpdate], event: String, receivedAt: ContinuousClock.Instant?) {
        var changed: Set<Int> = []
        for update in updates {
            switch update {
            case .changed(let link, _): changed.insert(link.ifindex)
            case .deleted(let ifindex, let last):
                verdicts[ifindex] = nil
                JSONLines.emit(LinkObserveMode.Line(event: "deleted", ifindex: ifindex, name: last?.name))
            }
        }
        let all = watch.current
        let mode: GuardMode = options.cut ? .enforce : .audit
        let judged = LinkJudgement.judge(all, previous: verdicts, authorizer: enforcer.authorizer) {
            LinkPolicy.decide($0, profile: options.profile, allLinks: all, mode: mode)
        }
        for judgement in judged {
            let link = judgement.link, verdict = judgement.verdict
            verdicts[link.ifindex] = verdict
            if changed.contains(link.ifindex) || judgement.previous != verdict {
                JSONLines.emit(LinkObserveMode.Line(event: event, link: link, verdict: verdict, severity: verdict.severity,
                                                    recorded: judgement.recorded))
            }
            if judgement.mustCut { cut(link, receivedAt: receivedAt) }
        }
    }

    private func cut(_ link: LinkObservation, receivedAt: ContinuousClock.Instant?) {
        let result = enforcer.cut(link)
        guard result.setDown || result.usbDeauthorized != nil || !result.succeeded else { return }
        JSONLines.emit(LinkObserveMode.Line(
            event: result.succeeded ? "cut" : "cut-failed", ifindex: link.ifindex, name: link.name, setDown: result.setDown,
            usbDeauthorized: result.usbDeauthorized, latencyMicros: receivedAt.map { LinkJudgement.cutLatencyMicros(since: $0) },
            error: result.failures.isEmpty ? nil : result.failures.joined(separator: "; ")))
    }
}
