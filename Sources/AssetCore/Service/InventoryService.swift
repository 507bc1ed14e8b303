import GRDB

/// The one API for every command and query on the ledger. mediactl's local mode calls it directly;
/// the daemon's socket will call it with the peer's credentials. Roles are checked here, once, so the
/// two paths can never disagree.
public final class InventoryService: Sendable {
    public let store: LedgerStore
    let clock: WallClock
    /// At the hub: the computers' records, which the working copy does not hold (see `UnitRecords`).
    public let unit: (any UnitRecords)?

    public init(store: LedgerStore, clock: WallClock = .system, unit: (any UnitRecords)? = nil) {
        self.store = store
        self.clock = clock
        self.unit = unit
    }

    /// Checks the caller's role, then serves the request.
    public func handle(_ request: Request, caller: Caller) throws(LedgerError) -> Response {
        try authorize(request, caller: caller)
        if request.changesUnitLedger, let held = try store.read(ReplicaRows.membership) {
            throw LedgerError.replica(of: held, verb: request.verb)
        }
        let context = Context(caller: caller, now: clock.now())
        switch request {
        case .hostShow: return try hostShow()
        case .hostSet(let settings): return try hostSet(settings, context)
        case .computerAdd(let computer): return try computerAdd(computer, context)
        case .computerSet(let asset, let settings): return try computerSet(asset, settings, context)
        case .computerList: return .computers(try store.read(Ledger.computers))
        case .personAdd(let person): return try personAdd(person, context)
        case .personDepart(let departure): return try personDepart(departure, context)
        case .personList(let filter): return try people(filter, context)
        case .mediaRegister(let registration): return try register(registration, context)
        case .mediaList(let filter): return .media(try store.read { try Ledger.media($0, filter: filter) })
        case .mediaShow(let number): return .medium(try detail(number))
        case .mediaUpdate(let number, let changes): return try update(number, changes, context)
        case .mediaMove(let move): return try self.move(move, context)
        case .mediaReclassify(let change): return try reclassify(change, context)
        case .mediaHistory(let number): return try history(number)
        case .mediaImport(let csv): return try importMedia(csv, context)
        case .auditVerify:
            // The guard's records are checked where they are written; at the hub they are the
            // computers', in PostgreSQL, checked as each batch arrives (`ChainCheck`).
            let checksRecords = unit == nil
            return .verification(try store.read { db in
                var verification = try AuditTrail.verify(db)
                if checksRecords { verification.records = try RecordChainRows.verify(db) }
                return verification
            })
        case .auditLog(let entity, let key): return .trail(try store.read { try AuditTrail.entries($0, entity: entity, key: key) })
        case .mediaRegisterLastUnregistered(let registration): return try registerLastUnregistered(registration, context)
        case .events(let since, let limit):
            if let unit { return .events(try unitAnswer { try unit.latestEvents(since: since, limit: limit) }) }
            return .events(try store.read { try GuardRows.events($0, since: since, limit: limit) })
        case .violationsList(let filter): return .violations(try store.read { try GuardRows.violations($0, filter: filter) })
        case .violationAck(let id, let note): return try acknowledge(id, note: note, context)
        case .violationHandle(let handling): return try handle(handling, context)
        case .violationReopen(let id, let reason): return try reopen(id, reason: reason, context)
        case .mediaKeyArea(let approval): return try keyArea(approval, context)
        case .inspections: return try inspections()
        case .checkStart(let opening): return try checkStart(opening, context)
        case .checkSee(let numbers): return try checkSee(numbers, context)
        case .checkStatus(let id): return .check(try status(id))
        case .checkFinish(let note): return try checkFinish(note: note, context)
        case .checkCancel(let reason): return try checkCancel(reason: reason, context)
        case .checks: return .checks(try store.read(CheckRows.all))
        case .computerInventory(let present): return .inventory(try inventory(present))
        case .computerBaseline(let request): return try baseline(request, context)
        case .computerMove(let move): return try computerMove(move, context)
        case .computerHistory(let asset): return .computerHistory(try computerHistory(asset))
        case .peripheralRegister(let registration): return try peripheralRegister(registration, context)
        case .peripheralList(let computer, let all):
            return .peripherals(try store.read { try HardwareRows.peripherals($0, computer: computer.cleaned, includeRemoved: all) })
        case .peripheralRemove(let number, let reason): return try peripheralRemove(number, reason: reason, context)
        case .officerReport(let kind):
            throw LedgerError(.usage, zh: "报表以流的方式输出：mediactl report \(kind.rawValue)",
                              en: "reports are streamed: mediactl report \(kind.rawValue)")
        }
    }

    /// Refuses a caller whose roles do not grant the request, naming what it needs and what they have.
    func authorize(_ request: Request, caller: Caller) throws(LedgerError) {
        try request.permission.check(request.verb, caller: caller)
    }

    /// Who and when, fixed once per request so that every row a request writes agrees.
    struct Context {
        let caller: Caller
        let now: Timestamp
        var today: Day { now.localDay }

        func trail(_ action: String, _ entity: String, _ key: String, field: String? = nil,
                   old: String? = nil, new: String? = nil) -> TrailEntry {
            TrailEntry(at: now, actor: caller.actor, action: action, entity: entity, entityKey: key,
                       field: field, oldValue: old, newValue: new)
        }

        func movement(_ kind: MovementKind, _ number: String) -> Movement {
            Movement(number: number, kind: kind, at: now, actor: caller.actor)
        }
    }

    /// Writes one trail row per field that differs between two field lists.
    static func recordDifferences(_ db: Database, _ context: Context, action: String, entity: String, key: String,
                                  old: [(String, String?)], new: [(String, String?)]) throws -> Int {
        var changed = 0
        for ((field, before), (_, after)) in zip(old, new) where before != after {
            try AuditTrail.append(db, context.trail(action, entity, key, field: field, old: before, new: after))
            changed += 1
        }
        return changed
    }

    /// The registered person with this id, or the domain's not-found error.
    static func requirePerson(_ db: Database, _ id: String) throws -> Person {
        guard let person = try Ledger.person(db, id: id) else { throw LedgerError.personNotFound(id) }
        return person
    }

    /// Fails with a clear error unless `id` is a registered, active person cleared for `level`.
    static func requireHolder(_ db: Database, _ id: String, for level: Level, allowDeparted: Bool = false) throws -> Person {
        let person = try requirePerson(db, id)
        if let departed = person.departedOn, !allowDeparted {
            throw LedgerError(.validation,
                zh: "\(person.name)（\(person.id)）已登记于 \(departed) 离岗，不能再担任介质责任人或借用介质；请选择在岗人员",
                en: "\(person.name) (\(person.id)) is recorded as leaving on \(departed) and can no longer hold or borrow media; choose a person who has not left")
        }
        guard person.clearance.highestLevel >= level else {
            throw LedgerError(.validation,
                zh: "\(person.name)（\(person.id)）的涉密等级为“\(person.clearance.name(.zh))”，最高只能持有\(person.clearance.highestLevel.name(.zh))级介质，不能持有\(level.name(.zh))级介质",
                en: "\(person.name) (\(person.id)) has \(person.clearance.rawValue) clearance, good for \(person.clearance.highestLevel.name(.en)) media at most, not \(level.name(.en))")
        }
        return person
    }

    static func requireComputers(_ db: Database, _ assetNumbers: [String]) throws {
        for asset in assetNumbers where try Ledger.computer(db, assetNumber: asset) == nil {
            throw LedgerError.computerNotFound(asset)
        }
    }

    func detail(_ number: String) throws(LedgerError) -> MediumDetail {
        try store.read { db in
            guard let medium = try Ledger.medium(db, number: number) else { throw LedgerError.mediumNotFound(number) }
            return MediumDetail(medium: medium, holder: try Ledger.person(db, id: medium.holder),
                                borrower: try medium.borrower.flatMap { try Ledger.person(db, id: $0) },
                                movements: try Ledger.movements(db, number: number),
                                keyAreaApprover: try Ledger.keyAreaApprover(db, number: number))
        }
    }

    func history(_ number: String) throws(LedgerError) -> Response {
        try store.read { db in
            guard try Ledger.medium(db, number: number) != nil else { throw LedgerError.mediumNotFound(number) }
            return .movements(number: number, try Ledger.movements(db, number: number))
        }
    }
}

extension Optional where Wrapped == String {
    /// Trimmed text, with empty meaning "not given".
    var cleaned: String? {
        guard let text = self?.trimmingWhitespace(), !text.isEmpty else { return nil }
        return text
    }
}
