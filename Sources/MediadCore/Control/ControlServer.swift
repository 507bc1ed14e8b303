#if canImport(Glibc)
import Glibc
#endif
import AssetCore
import ControlSocket
import Dispatch
import Logging
import SystemSupport

/// The control socket: one request per connection (or a stream, for `watch`), peer credentials from
/// the kernel, roles from the configuration, deny by default. Each connection runs on a thread of
/// its own with a read timeout, so a slow or hostile client can hold nothing but itself.
final class ControlServer: @unchecked Sendable {
    static let maxConnections = 32
    static let readTimeoutSeconds = 10
    /// Connections the kernel queues before `accept`; more are refused by the kernel.
    static let backlog: Int32 = 64
    /// At close, unread input up to this much is drained (see `closeGracefully`), for at most
    /// `drainTimeoutSeconds`.
    static let drainLimit = 4 << 20
    static let drainTimeoutSeconds = 1

    let path: String
    let service: InventoryService
    let guardian: Guard
    let broadcaster: Broadcaster
    let roles: RoleMap
    let logger: Logger
    private let listener: Int32
    private let connections = DispatchSemaphore(value: ControlServer.maxConnections)
    private var acceptor: ReadinessLoop?

    init(path: String, group: String, service: InventoryService, guardian: Guard, broadcaster: Broadcaster,
         roles: RoleMap, logger: Logger) throws(ControlSocketError) {
        self.path = path
        self.service = service
        self.guardian = guardian
        self.broadcaster = broadcaster
        self.roles = roles
        self.logger = logger
        listener = try Self.listen(path: path, group: group, logger: logger)
    }

    deinit { close(listener) }

    /// A stale socket from a killed daemon is replaced; the directory is made if missing.
    private static func listen(path: String, group: String, logger: Logger) throws(ControlSocketError) -> Int32 {
        func fail(_ step: String) -> ControlSocketError { .setup(path: path, step: step, code: errno) }
        let directory = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        if !directory.isEmpty { mkdir(directory, 0o755) }
        guard UnixSocketAddress.with(path, { _, _ in true }) != nil else { throw fail("path too long") }
        // A socket that still answers belongs to a running mediad: never take it over.
        let probe = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        let answered = UnixSocketAddress.with(path) { connect(probe, $0, $1) } == 0
        close(probe)
        if answered {
            throw .alreadyRunning(path: path, daemon: "mediad")
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

    static func groupID(_ group: String) -> UInt32? {
        if let number = UInt32(group) { return number }
        guard let entry = getgrnam(group) else { return nil }
        return UInt32(entry.pointee.gr_gid)
    }

    /// Starts accepting on a thread asleep in poll(2); each connection gets a thread of its own.
    /// Plain threads, not Dispatch: Dispatch's worker pool would wake the idle daemon every second.
    func start() throws(ControlSocketError) {
        let flags = fcntl(listener, F_GETFL)
        _ = fcntl(listener, F_SETFL, flags | O_NONBLOCK)
        do {
            acceptor = try ReadinessLoop(name: "mediad-accept", fd: listener,
                                         onReadable: { [weak self] in self?.acceptAll() }, onStop: {})
        } catch {
            throw .acceptThread(error.description)
        }
    }

    func stop() {
        acceptor?.stop()
        broadcaster.closeAll()
        unlink(path)
    }

    private func acceptAll() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 { return }
            _ = fcntl(client, F_SETFD, FD_CLOEXEC)
            // The listener is non-blocking; a client socket must not inherit that.
            _ = fcntl(client, F_SETFL, fcntl(client, F_GETFL) & ~O_NONBLOCK)
            guard connections.wait(timeout: .now()) == .success else {
                // Full: refuse at once rather than queue without bound.
                refuse(client)
                continue
            }
            let started = Threads.start(name: "mediad-client") { [self] in
                defer { connections.signal() }
                serve(client)
                closeGracefully(client)
            }
            if !started {
                connections.signal()
                refuse(client)
            }
        }
    }

    private func refuse(_ client: Int32) {
        send(client, .error(LedgerError(.storage, zh: "mediad 连接数已满，请稍后重试", en: "mediad is busy (too many connections); try again")))
        close(client)
    }

    private func serve(_ fd: Int32) {
        var timeout = timeval(tv_sec: Self.readTimeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard let peer = PeerCredentials.of(socket: fd) else { return }
        guard let header = readExactly(fd, 4), let length = ControlProtocol.length(ofHeader: header) else {
            send(fd, .error(LedgerError(.usage, zh: "请求不完整", en: "truncated request")))
            return
        }
        guard length <= ControlProtocol.maxRequestBytes else {
            send(fd, .error(LedgerError(.usage, zh: "请求过大（\(length) 字节）", en: "request too large (\(length) bytes)")))
            return
        }
        guard let body = readExactly(fd, length) else {
            send(fd, .error(LedgerError(.usage, zh: "请求不完整", en: "truncated request")))
            return
        }
        let request: ControlRequest
        switch ControlProtocol.decodeRequest(body) {
        case .failure(let error): send(fd, .error(error)); return
        case .success(let decoded): request = decoded
        }
        let caller = peer.caller(roles: roles)
        do {
            try request.call.permission.check(request.call.verb, caller: caller)
        } catch {
            logger.notice("control request denied", metadata: ["UID": "\(peer.uid)", "VERB": "\(request.call.verb)"])
            send(fd, .error(error))
            return
        }
        switch request.call {
        case .ledger(let ledgerRequest):
            do {
                send(fd, .response(try service.handle(ledgerRequest, caller: caller)))
            } catch {
                send(fd, .error(error))
            }
        case .status:
            // The ledger's counts on this thread, not on the Guard (see `Guard.status(counts:)`).
            let guardian = self.guardian
            let counts = try? guardian.recorder.counts()
            send(fd, .status(blocking { await guardian.status(counts: counts) }))
        case .devices:
            let guardian = self.guardian
            send(fd, .devices(blocking { await guardian.attachedDevices() }))
        case .links:
            let guardian = self.guardian
            send(fd, .links(blocking { await guardian.linkStates() }))
        case .allowOnce(let request):
            let guardian = self.guardian
            switch blocking({ await guardian.allowOnce(request, by: caller) }) {
            case .success(let device): send(fd, .devices([device]))
            case .failure(let error): send(fd, .error(error))
            }
        case .report(let call):
            streamReport(call, caller: caller, to: fd)
        case .inspect:
            send(fd, inspect(caller: caller))
        case .hardware(let ask):
            send(fd, hardware(ask, caller: caller))
        case .unit(let call):
            send(fd, unit(call))
        case .hub(let call):
            send(fd, .error(LedgerError(.usage, zh: "“\(call.verb)” 由单位中心回答：mediactl --hub \(call.verb)",
                                        en: "'\(call.verb)' is answered by the unit hub: mediactl --hub \(call.verb)")))
        case .watch:
            let subscription = broadcaster.subscribe()
            defer { subscription.cancel() }
            while let item = subscription.next() {
                guard send(fd, .event(item)) else { return }
            }
        }
    }

    /// Closing with unread input makes the kernel reset the connection, and the client may lose the
    /// reply (an error about an oversized request, say). Half-close, drain a bounded amount, close.
    private func closeGracefully(_ fd: Int32) {
        shutdown(fd, Int32(SHUT_WR))
        var timeout = timeval(tv_sec: Self.drainTimeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var drained = 0
        while drained < Self.drainLimit {
            let got = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if got <= 0 { break }
            drained += got
        }
        close(fd)
    }

    @discardableResult
    func send(_ fd: Int32, _ reply: ControlReply) -> Bool {
        guard let bytes = try? ControlProtocol.frame(ControlResponse(reply: reply)) else { return false }
        return bytes.withUnsafeBytes { Self.sendAll(fd, $0, flags: Int32(MSG_NOSIGNAL)) }
    }

    private func readExactly(_ fd: Int32, _ count: Int) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: count)
        let complete = buffer.withUnsafeMutableBytes { Descriptor.fillAll($0) { recv(fd, $0.baseAddress, $0.count, 0) } }
        return complete ? buffer : nil
    }

    /// Waits, on this connection's thread, for work done on the Guard actor.
    func blocking<T: Sendable>(_ operation: @escaping @Sendable () async -> T) -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        Task {
            box.value = await operation()
            done.signal()
        }
        done.wait()
        return box.value!
    }
}

private final class ResultBox<T>: @unchecked Sendable {
    var value: T?
}
