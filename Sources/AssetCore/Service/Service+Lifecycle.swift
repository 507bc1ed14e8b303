import GRDB

/// Moving media through their life: loans, carrying out, repair, retirement, destruction, loss.
extension InventoryService {
    func move(_ request: LifecycleRequest, _ context: Context) throws(LedgerError) -> Response {
        try store.write { db in
            guard let before = try Ledger.medium(db, number: request.number) else {
                throw LedgerError.mediumNotFound(request.number)
            }
            let target = try Lifecycle.check(request, current: before.state, today: context.today)
            let person = request.person.cleaned
            var after = before
            after.state = target
            switch request.kind {
            case .loan, .carryOut:
                after.borrower = try Self.requireHolder(db, person!, for: before.level).id
                after.dueDate = request.dueDate
            case .reissue:
                after.holder = try Self.requireHolder(db, person!, for: before.level).id
                after.borrower = nil
                after.dueDate = nil
            case .lost:
                guard try Ledger.person(db, id: person!) != nil else { throw LedgerError.personNotFound(person!) }
                after.borrower = nil
                after.dueDate = nil
            default:
                after.borrower = nil
                after.dueDate = nil
            }
            try Ledger.update(db, medium: after)
            var movement = context.movement(request.kind, request.number)
            movement.fromState = before.state
            movement.toState = target
            movement.person = person
            movement.approver = request.approver.cleaned
            movement.handler = request.handler.cleaned ?? context.caller.actor.name
            movement.dueDate = request.dueDate
            movement.method = request.method.cleaned
            movement.witness = request.witness.cleaned
            movement.repairUnit = request.repairUnit.cleaned
            movement.reason = request.reason.cleaned
            movement.note = request.note.cleaned
            try Ledger.insert(db, movement: movement)
            _ = try Self.recordDifferences(db, context, action: request.kind.rawValue, entity: "medium", key: request.number,
                                           old: Self.fields(before), new: Self.fields(after))
            try Self.closeHandbacks(db, after, by: request.kind, context)
            return .medium(MediumDetail(medium: after, holder: try Ledger.person(db, id: after.holder),
                                        borrower: try after.borrower.flatMap { try Ledger.person(db, id: $0) },
                                        movements: try Ledger.movements(db, number: request.number)))
        }
    }
}
