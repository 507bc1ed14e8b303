@testable import AssetCore
import Foundation
import Testing

/// A fresh ledger in its own temporary directory, with a fixed clock and a root caller.
struct Fixture {
    let directory: String
    let store: LedgerStore
    let service: InventoryService
    let admin = Caller(actor: Actor(uid: 0, name: "root"), roles: Set(Role.allCases))

    static let now = Timestamp(parsing: "2026-11-22T10:00:00Z")!

    init() throws {
        try self.init(directory: NSTemporaryDirectory() + "mediad-test-" + UUID().uuidString)
    }

    /// The ledger at `directory`/ledger.db, made or opened (and migrated) there.
    init(directory: String) throws {
        self.directory = directory
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        store = try LedgerStore(path: directory + "/ledger.db")
        service = InventoryService(store: store, clock: .fixed(Fixture.now))
    }

    /// A fixture over a store opened elsewhere (the hub's captured working copy).
    init(directory: String, store: LedgerStore) throws {
        self.directory = directory
        self.store = store
        service = InventoryService(store: store, clock: .fixed(Fixture.now))
    }

    var path: String { directory + "/ledger.db" }

    @discardableResult
    func run(_ request: Request, as caller: Caller? = nil) throws -> Response {
        try service.handle(request, caller: caller ?? admin)
    }

    func person(_ id: String, _ name: String, _ clearance: Clearance = .important) throws {
        try run(.personAdd(Person(id: id, name: name, clearance: clearance)))
    }

    /// A registered secret stick held by P001, returning its number.
    @discardableResult
    func stick(serial: String = "4C530001230101104353", level: Level = .secret, holder: String = "P001") throws -> String {
        var r = MediumRegistration(kind: .usbStick, level: level, holder: holder)
        r.vendorID = "0781"
        r.productID = "5567"
        r.serial = serial
        r.capacityBytes = 15_376_318_464
        return try answer(.mediaRegister(r), \.medium).medium.number
    }

    func medium(_ number: String) throws -> Medium {
        try answer(.mediaShow(number: number), \.medium).medium
    }

    func move(_ kind: MovementKind, _ number: String, _ fill: (inout LifecycleRequest) -> Void = { _ in }) throws {
        var request = LifecycleRequest(kind: kind, number: number)
        fill(&request)
        try run(.mediaMove(request))
    }
}

/// Runs `body` and returns the LedgerError it throws (nil when it does not throw one).
func ledgerError(_ body: () throws -> Void) -> LedgerError? {
    do { try body() } catch let error as LedgerError { return error } catch { return nil }
    return nil
}
