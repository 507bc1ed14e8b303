#if canImport(Glibc)
import Glibc
#endif
import AssetCore
import Dispatch
import Logging
import Synchronization
import SystemSupport

/// What a daemon answers on its control socket, once the listener has done everything that must be
/// the same for every daemon mediactl talks to (mediad, mediahub): who the peer is, what the request
/// is, whether the caller may make it.
public protocol ControlResponder: AnyObject, Sendable {
    /// Serves one request that decoded and passed its permission check, on its connection's thread.
    /// The connection is closed after this returns; a reply not sent by then is never sent.
    func respond(to call: ControlCall, caller: Caller, on connection: ControlConnection)
}

/// A control socket: one request per connection (or a stream, for `watch`), peer credentials from
/// the kernel, roles from the configuration, deny by default. Each connection runs on a thread of
/// its own with a deadline for its whole request, and one user holds at most
/// `maxConnectionsPerUser` of the `maxConnections`, so a slow, hostile or flooding client can hold
/// nothing but its own share (tests/integration/test_flood.py). A `RequestGate` bounds how many
/// requests are worked on at once. The responder sees only requests the caller's roles allow.
public final class ControlListener: @unchecked Sendable {
    /// Connections served at once, each on a thread of its own.
    public static let maxConnections = 64
    /// One uid's connections at once (root's too). A user who floods the socket, or leaves slow or
    /// idle clients on it, is told "busy" beyond this, and every other user still finds a place
    /// until eight users misbehave at once (only root and the socket's group can connect at all).
    /// With 32 places for all and none per user, a flood of `status` with a few idle clients left
    /// an officer's `mediactl status` told "busy" (bench/findings.md, floods).
    public static let maxConnectionsPerUser = 8
    /// The whole request — header and body — must arrive within this time, however it trickles in
    /// (a timeout per `recv` alone let a client sending a byte every few seconds hold its thread
    /// for ever). The largest request (32 MiB) takes well under a second on a Unix socket.
    public static let readTimeoutSeconds = 10
    /// Connections the kernel queues before `accept`; more are refused by the kernel.
    public static let backlog: Int32 = 64
    /// At close, unread input up to this much is drained (see `closeGracefully`), for at most
    /// `drainTimeoutSeconds`.
    public static let drainLimit = 4 << 20
    public static let drainTimeoutSeconds = 1

    public let path: String
    public let roles: RoleMap
    /// The daemon's name in what its clients read ("mediad is busy") and its threads' names.
    public let daemonName: String
    let threadName: String
    let logger: Logger
    let responder: any ControlResponder
    /// At most this many requests decoded and answered at once (see `RequestGate`); nil: as many
    /// as there are connections.
    let gate: RequestGate?
    /// Run on each connection's thread once its request was answered and the connection closed;
    /// `quiet`: no other request is being worked on or waiting at the gate then, the daemon's
    /// moment to give back what requests used.
    let afterEach: (@Sendable (_ quiet: Bool) -> Void)?
    /// The "busy" reply, framed once: the accept thread sends it to every refused client, which
    /// in a flood is most of them.
    private let busyFrame: [UInt8]
    /// The reply when a request waited `readTimeoutSeconds` for its turn at the gate (a long ledger
    /// command, a large import, ahead of it).
    private let gateBusyFrame: [UInt8]
    /// Streamed listings at once (see `ControlConnection.streamReport`): one set per listener, as
    /// each daemon has one ledger whose reader connections they bound.
    let reportSlots = DispatchSemaphore(value: ControlConnection.concurrentReports)
    private let listener: Int32
    /// Connections being served, by the peer's uid; their sum is at most `maxConnections`.
    private let served = Mutex<[UInt32: Int]>([:])
    /// When each uid's last denial was logged, and how many since were not.
    private let deniedLog = Mutex<[UInt32: (at: ContinuousClock.Instant, quiet: Int)]>([:])
    public static let denialLogSeconds = 10
    /// Set by `start` before any connection is accepted, read by `stop`.
    private var acceptor: ReadinessLoop?

    /// Binds and listens on `path`, open to root and `group` only. Nothing is accepted before `start`.
    /// - Parameter threadName: each connection's thread (at most 15 bytes kept), e.g. "mediad-client".
    /// - Parameter daemonName: "mediad" or "mediahub", in the 'busy' and 'already running' messages.
    /// - Parameter gate: how many requests are worked on at once (mediad: one, so that a flood of
    ///   requests never competes with its guard for more than one thread).
    /// - Parameter afterEach: see `afterEach` (mediad: `IdleMemory` when quiet; a flood keeps the
    ///   gate busy, so seldom then).
    public init(path: String, group: String, roles: RoleMap, threadName: String, daemonName: String,
                gate: RequestGate? = nil, afterEach: (@Sendable (_ quiet: Bool) -> Void)? = nil, logger: Logger,
                responder: any ControlResponder) throws(ControlSocketError) {
        self.path = path
        self.gate = gate
        self.afterEach = afterEach
        let busy = LedgerError(.storage, zh: "\(daemonName) 连接数已满，请稍后重试",
                               en: "\(daemonName) is busy (too many connections); try again")
        busyFrame = (try? ControlProtocol.frame(ControlResponse(reply: .error(busy)))) ?? []
        let working = LedgerError(.storage, zh: "\(daemonName) 正忙于其他请求，请稍后重试",
                                  en: "\(daemonName) is busy with other requests; try again")
        gateBusyFrame = (try? ControlProtocol.frame(ControlResponse(reply: .error(working)))) ?? []
        self.roles = roles
        self.threadName = threadName
        self.daemonName = daemonName
        self.logger = logger
        self.responder = responder
        listener = try Self.listen(path: path, group: group, daemonName: daemonName, logger: logger)
    }

    deinit { close(listener) }

    /// A stale socket from a killed daemon is replaced; the directory is made if missing.
    private static func listen(path: String, group: String, daemonName: String,
                               logger: Logger) throws(ControlSocketError) -> Int32 {
        func fail(_ step: String) -> ControlSocketError { .setup(path: path, step: step, code: errno) }
        let directory = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        if !directory.isEmpty { mkdir(directory, 0o755) }
        guard UnixSocketAddress.with(path, { _, _ in true }) != nil else { throw fail("path too long") }
        // A socket that still answers belongs to a running daemon: never take it over.
        let probe = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        let answered = UnixSocketAddress.with(path) { connect(probe, $0, $1) } == 0
        close(probe)
        if answered {
            throw .alreadyRunning(path: path, daemon: daemonName)
        }
        unlink(path)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw fail("socket") }
        // Created 0600 and opened up to the group only after chown, so there is no moment when the
        // socket is reachable by anyone else.
        let oldMask = umask(0o177)
        let bound = UnixSocketAddress.with(path) { bind(fd, $0, $1) }
        umask(oldMask)
        guard bound == 0 else { close(fd); throw fail("bind") }
        if let gid = Self.groupID(group) {
            // Under systemd the unit's Group= already made it so; chown only when it did not.
            var info = stat()
            if stat(path, &info) == 0, UInt32(info.st_gid) != gid, chown(path, uid_t.max, gid_t(gid)) != 0 {
                logger.warning("cannot give the control socket to its group", metadata: ["GROUP": "\(group)"])
            }
        } else {
            logger.warning("the socket group does not exist; only root can connect", metadata: ["GROUP": "\(group)"])
        }
        chmod(path, 0o660)
        guard Glibc.listen(fd, Self.backlog) == 0 else { close(fd); throw fail("listen") }
        return fd
    }

    /// A group by name, or by number when it is one.
    static func groupID(_ group: String) -> UInt32? {
        if let number = UInt32(group) { return number }
        guard let entry = getgrnam(group) else { return nil }
        return UInt32(entry.pointee.gr_gid)
    }

    /// Starts accepting on a thread asleep in poll(2) ("<daemon>-accept"); each connection gets a
    /// thread of its own. Plain threads, not Dispatch: Dispatch's worker pool would wake the idle
    /// daemon every second. They run at the daemon's priority, ordinary threads (`Threads.start`),
    /// while the guard's decision threads run first (`Threads.Urgency.decision`); how much of the
    /// processor the requests take is bounded by the `gate`. Not lowered below the daemon's nice
    /// value: a connection's thread preempted by other processes while it held what the process
    /// shares kept the guard's decisions waiting (p99 about 200 ms under a flood of 10,000
    /// connections a second; bench/findings.md, floods).
    public func start() throws(ControlSocketError) {
        let flags = fcntl(listener, F_GETFL)
        _ = fcntl(listener, F_SETFL, flags | O_NONBLOCK)
        do {
            acceptor = try ReadinessLoop(name: "\(daemonName)-accept", fd: listener,
                                         onReadable: { [weak self] in self?.acceptAll() }, onStop: {})
        } catch {
            throw .acceptThread(error.description)
        }
    }

    /// Stops accepting and removes the socket. Connections being served finish on their own threads
    /// (a responder with streams, such as `watch`, ends them itself).
    public func stop() {
        acceptor?.stop()
        unlink(path)
    }

    private func acceptAll() {
        while true {
            // On Linux an accepted socket does not inherit the listener's O_NONBLOCK: it blocks, as
            // the connection's thread needs.
            let client = accept4(listener, nil, nil, Int32(SOCK_CLOEXEC.rawValue))
            if client < 0 { return }
            // Credentials first: they are what the connection is counted by.
            guard let peer = PeerCredentials.of(socket: client) else { close(client); continue }
            guard admit(peer.uid) else {
                // Full, for everyone or for this user: refuse at once rather than queue without bound.
                refuse(client)
                continue
            }
            let started = Threads.start(name: threadName) { [self] in
                defer { release(peer.uid) }
                serve(client, peer: peer)
                closeGracefully(client)
                afterEach?(gate?.isIdle ?? true)
            }
            if !started {
                release(peer.uid)
                refuse(client)
            }
        }
    }

    /// A denied request is logged once per uid every `denialLogSeconds` at most, the next line
    /// saying how many were not (SUPPRESSED): a user flooding the socket with requests it may not
    /// make once wrote 2,000 journal lines a second.
    private func noteDenied(uid: UInt32, verb: String) {
        let now = ContinuousClock.now
        let window = Duration.seconds(Self.denialLogSeconds)
        let suppressed: Int? = deniedLog.withLock { log in
            if let last = log[uid], last.at.duration(to: now) < window {
                log[uid]?.quiet += 1
                return nil
            }
            let quiet = log[uid]?.quiet ?? 0
            log[uid] = (now, 0)
            // Bounded: users not denied within the window are forgotten once there are many.
            if log.count > 1024 { log = log.filter { $0.value.at.duration(to: now) < window } }
            return quiet
        }
        guard let suppressed else { return }
        var metadata: Logger.Metadata = ["UID": "\(uid)", "VERB": "\(verb)"]
        if suppressed > 0 { metadata["SUPPRESSED"] = "\(suppressed)" }
        logger.notice("control request denied", metadata: metadata)
    }

    /// Takes a place for a connection of `uid`, or says there is none.
    private func admit(_ uid: UInt32) -> Bool {
        served.withLock { served in
            let mine = served[uid, default: 0]
            guard mine < Self.maxConnectionsPerUser, served.values.reduce(0, +) < Self.maxConnections else { return false }
            served[uid] = mine + 1
            return true
        }
    }

    private func release(_ uid: UInt32) {
        served.withLock { served in
            let left = served[uid, default: 1] - 1
            served[uid] = left > 0 ? left : nil
        }
    }

    /// The accept thread never waits on a client: the reply goes out only if the socket takes it
    /// at once (a new socket's buffer always holds it), then the connection is closed.
    private func refuse(_ client: Int32) {
        Self.sendAtOnce(busyFrame, to: client)
        close(client)
    }

    /// A framed reply, only as far as the socket takes it without waiting.
    private static func sendAtOnce(_ frame: [UInt8], to fd: Int32) {
        _ = frame.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
    }

    /// One connection: one framed request, read before its deadline, its permission, then the
    /// responder.
    private func serve(_ fd: Int32, peer: PeerCredentials) {
        let deadline = ContinuousClock.now + .seconds(Self.readTimeoutSeconds)
        var timeout = timeval(tv_sec: Self.readTimeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let connection = ControlConnection(fd: fd, peer: peer, daemonName: daemonName, reportSlots: reportSlots)
        guard let header = Self.read(fd, 4, before: deadline), let length = ControlProtocol.length(ofHeader: header) else {
            connection.send(.error(LedgerError(.usage, zh: "请求不完整", en: "truncated request")))
            return
        }
        guard length <= ControlProtocol.maxRequestBytes else {
            connection.send(.error(LedgerError(.usage, zh: "请求过大（\(length) 字节）", en: "request too large (\(length) bytes)")))
            return
        }
        guard let body = Self.read(fd, length, before: deadline) else {
            connection.send(.error(LedgerError(.usage, zh: "请求不完整", en: "truncated request")))
            return
        }
        // The request is all here: from now on it costs the processor, one gate's width at a time.
        if let gate {
            guard gate.enter(waitingAtMost: Self.readTimeoutSeconds) else {
                Self.sendAtOnce(gateBusyFrame, to: fd)
                return
            }
            connection.pass = GatePass(gate)
        }
        defer { connection.leaveGate() }
        let request: ControlRequest
        switch ControlProtocol.decodeRequest(body) {
        case .failure(let error): connection.send(.error(error)); return
        case .success(let decoded): request = decoded
        }
        let caller = peer.caller(roles: roles)
        do {
            try request.call.permission.check(request.call.verb, caller: caller)
        } catch {
            noteDenied(uid: peer.uid, verb: request.call.verb)
            connection.send(.error(error))
            return
        }
        responder.respond(to: request.call, caller: caller, on: connection)
    }

    /// Closing with unread input makes the kernel reset the connection, and the client may lose the
    /// reply (an error about an oversized request, say). Half-close, drain a bounded amount, close.
    /// The drain has a deadline of its own for all of it, not per `recv`: a client trickling bytes
    /// would otherwise keep the thread.
    private func closeGracefully(_ fd: Int32) {
        shutdown(fd, Int32(SHUT_WR))
        let deadline = ContinuousClock.now + .seconds(Self.drainTimeoutSeconds)
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var drained = 0
        while drained < Self.drainLimit {
            guard Self.setReceiveTimeout(fd, until: deadline) else { break }
            let got = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if got <= 0 { break }
            drained += got
        }
        close(fd)
    }

    /// Reads at most this much at a time into a request. A header's length is only a claim: the
    /// buffer grows with the bytes that really come, so a client announcing 32 MiB and sending
    /// nothing costs 64 KiB, not 32 MiB zeroed (16 such clients took mediad from 41 to 337 MiB in
    /// test_flood before).
    static let readChunk = 1 << 16

    /// `count` bytes, or nil when the peer closes, fails, or `deadline` passes first.
    static func read(_ fd: Int32, _ count: Int, before deadline: ContinuousClock.Instant) -> [UInt8]? {
        var buffer = [UInt8]()
        buffer.reserveCapacity(min(count, readChunk))
        while buffer.count < count {
            guard setReceiveTimeout(fd, until: deadline) else { return nil }
            let want = min(count - buffer.count, readChunk)
            let start = buffer.count
            buffer.append(contentsOf: repeatElement(0, count: want))
            let got = buffer.withUnsafeMutableBytes { bytes in
                Descriptor.retryingInterrupts { recv(fd, bytes.baseAddress! + start, want, 0) }
            }
            guard got > 0 else { return nil }
            buffer.removeLast(want - got)
        }
        return buffer
    }

    /// SO_RCVTIMEO set to what is left until `deadline`; false when nothing is left.
    static func setReceiveTimeout(_ fd: Int32, until deadline: ContinuousClock.Instant) -> Bool {
        let left = ContinuousClock.now.duration(to: deadline)
        guard left > .zero else { return false }
        let (seconds, attoseconds) = left.components
        // At least a millisecond: a zero timeval would mean no timeout at all.
        var timeout = timeval(tv_sec: Int(seconds), tv_usec: max(Int(attoseconds / 1_000_000_000_000), seconds == 0 ? 1000 : 0))
        return setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size)) == 0
    }
}

/// accept4(2), which the Glibc module does not import: the descriptor is close-on-exec from the start.
@_silgen_name("accept4")
private func accept4(_ socket: Int32, _ address: UnsafeMutablePointer<sockaddr>?,
                     _ length: UnsafeMutablePointer<socklen_t>?, _ flags: Int32) -> Int32
