import AssetCore
import Foundation
import HubCore
import Logging
import SyncCore
import Testing

/// A throwaway self-signed certificate for 127.0.0.1 and localhost, made by the openssl CLI.
struct TestCertificate {
    let certificatePath: String
    let keyPath: String

    var tls: CourierTLS { CourierTLS(certificatePath: certificatePath, keyPath: keyPath) }

    static func make(in folder: URL, name: String) throws -> TestCertificate {
        let certificate = folder.appendingPathComponent("\(name).crt").path
        let key = folder.appendingPathComponent("\(name).key").path
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = ["req", "-x509", "-newkey", "ed25519", "-keyout", key, "-out", certificate, "-days", "2",
                             "-nodes", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"]
        openssl.standardOutput = FileHandle.nullDevice
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        guard openssl.terminationStatus == 0 else { throw TestFailure("openssl req failed with \(openssl.terminationStatus)") }
        return TestCertificate(certificatePath: certificate, keyPath: key)
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Something that happened, seen from another task.
actor TestFlag {
    private(set) var isRaised = false
    func raise() { isRaised = true }
}

/// What a test set up and must take down whether it passed or not (an `HTTPClient` left running
/// ends the whole test process).
actor Cleanup {
    private var steps: [@Sendable () async -> Void] = []
    func add(_ step: @escaping @Sendable () async -> Void) { steps.append(step) }
    func run() async {
        for step in steps.reversed() { await step() }
        steps = []
    }
}

/// Runs `body`, then every cleanup step it registered, even when it threw.
func withCleanup(_ body: (Cleanup) async throws -> Void) async throws {
    let cleanup = Cleanup()
    do { try await body(cleanup) } catch {
        await cleanup.run()
        throw error
    }
    await cleanup.run()
}

/// Runs `body` on a thread of its own and awaits it. A write of the hub's working copy blocks its
/// thread until PostgreSQL has committed (`Blocking.wait`), as it does on mediahub's own threads: in
/// a test it must not be a thread of Swift's pool, which the PostgreSQL client's connections need.
func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}

/// A temporary folder, removed by `remove()`.
func makeTemporaryFolder() throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("courier-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
}

/// Waits until `check` holds, looking every 20 ms, and fails the test after `limit`.
func eventually(_ what: String, within limit: Duration = .seconds(20), _ check: () async -> Bool) async throws {
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if await check() { return }
        try await Task.sleep(for: .milliseconds(20))
    }
    throw TestFailure("timed out waiting for: \(what)")
}

/// A fake change set moving the ledger to `version`: the body says which, nothing is checked on the
/// way (the endpoint and the courier carry payloads, mediad checks them).
func changeSet(_ version: Int64) -> SignedPayload {
    SignedPayload(kind: .changeSet, signer: "unit-key", body: Data("\(version)".utf8), signature: Data([UInt8(version & 0xFF)]))
}

func eventBatch(_ name: String) -> SignedPayload {
    SignedPayload(kind: .eventBatch, signer: "computer-key", body: Data(name.utf8), signature: Data([1, 2]))
}

func receipt(_ name: String) -> SignedPayload {
    SignedPayload(kind: .receipt, signer: "unit-key", body: Data("receipt of \(name)".utf8), signature: Data([3, 4]))
}

/// The hub's side, faked: one good token, one good code, change sets by version, delivered batches.
actor FakeDesk: CourierDesk {
    static let token = "token-A"
    static let code = "ENROL-7391"
    static let refusal = CourierRefusal(status: 403, zh: "注册码无效或已用过", en: "the enrolment code is wrong or spent")

    private var published: [Int64: SignedPayload] = [:]
    private(set) var delivered: [SignedPayload] = []
    private(set) var enrolments: [EnrolmentRequest] = []

    func enrol(_ request: EnrolmentRequest) async throws(CourierRefusal) -> EnrolmentAnswer {
        enrolments.append(request)
        guard request.code == Self.code else { throw Self.refusal }
        return EnrolmentAnswer(unit: "第一研究所", unitKey: "unit-public-key", computer: request.computer, courierToken: Self.token)
    }

    func changes(token: String, after: Int64) async throws(CourierRefusal) -> [SignedPayload] {
        guard token == Self.token else { throw .unauthorized }
        return published.keys.sorted().filter { $0 > after }.compactMap { published[$0] }
    }

    func deliver(token: String, batch: SignedPayload) async throws(CourierRefusal) -> SignedPayload {
        guard token == Self.token else { throw .unauthorized }
        delivered.append(batch)
        return receipt(String(decoding: batch.body, as: UTF8.self))
    }

    func ledgerVersion() async -> Int64 { published.keys.max() ?? 0 }

    func publish(_ versions: ClosedRange<Int64>) {
        for version in versions { published[version] = changeSet(version) }
    }
}

/// A `CourierEndpoint` running in this process on 127.0.0.1, on the port the system picked (or
/// the one given, to bring a hub back where the courier expects it).
final class RunningEndpoint: Sendable {
    let port: Int
    private let task: Task<Void, any Error>

    private init(port: Int, task: Task<Void, any Error>) {
        self.port = port
        self.task = task
    }

    static func start(desk: any CourierDesk, signal: LedgerVersionSignal, tls: CourierTLS, port: Int = 0) async throws -> RunningEndpoint {
        var logger = Logger(label: "courier-endpoint-test")
        logger.logLevel = .warning
        // Every test client connects from 127.0.0.1, as many as 200 at once (one address stands for
        // the whole unit here; the cap per address is test_flood's).
        let endpoint = CourierEndpoint(desk: desk, signal: signal, tls: tls, address: "127.0.0.1", port: port,
                                       connectionsPerAddress: 1024, logger: logger)
        let (ports, announce) = AsyncStream<Int>.makeStream()
        let task = Task {
            defer { announce.finish() }
            try await endpoint.run { announce.yield($0) }
        }
        var iterator = ports.makeAsyncIterator()
        guard let bound = await iterator.next() else {
            _ = try await task.value
            throw TestFailure("the endpoint stopped before listening")
        }
        return RunningEndpoint(port: bound, task: task)
    }

    var hub: String { "https://127.0.0.1:\(port)" }

    func stop() async {
        task.cancel()
        _ = try? await task.value
    }
}
