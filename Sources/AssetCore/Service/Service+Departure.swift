import GRDB

/// People leaving (离岗/离职): every medium handed back first (清退, 000 §5.2.2), or each one still out
/// recorded as an open violation until it is in; then the 脱密期.
extension InventoryService {
    func personDepart(_ departure: Departure, _ context: Context) throws(LedgerError) -> Response {
        let id = departure.id
        let note = departure.note.cleaned
        if departure.pendingHandback && note == nil {
            throw LedgerError(.usage,
                zh: "--pending-handback 需要用 --note 说明介质为何尚未清退、何时清退",
                en: "--pending-handback needs a --note saying why the media are not handed back yet and when they will be")
        }
        if let ends = departure.declassificationEnds, ends < departure.day {
            throw LedgerError(.validation, zh: "脱密期截止日 \(ends) 早于离岗日 \(departure.day)",
                              en: "the end of the declassification period \(ends) is before the departure \(departure.day)")
        }
        return try store.write { db in
            guard var person = try Ledger.person(db, id: id) else { throw LedgerError.personNotFound(id) }
            if let departed = person.departedOn {
                throw LedgerError(.validation, zh: "\(person.name)（\(id)）已于 \(departed) 登记离岗",
                                  en: "\(person.name) (\(id)) was already recorded as departed on \(departed)")
            }
            let outstanding = try Self.outstanding(db, for: id)
            if !outstanding.isEmpty && !departure.pendingHandback {
                throw Self.handbackFirst(person, outstanding)
            }
            person.departedOn = departure.day
            person.declassificationEnds = departure.declassificationEnds
            try Ledger.update(db, person: person)
            try AuditTrail.append(db, context.trail("person-depart", "person", id, field: "departed_on",
                                                    new: departure.day.description))
            if let ends = departure.declassificationEnds {
                try AuditTrail.append(db, context.trail("person-depart", "person", id, field: "declassification_ends",
                                                        new: ends.description))
            }
            if let note {
                try AuditTrail.append(db, context.trail("person-depart", "person", id,
                                                        field: departure.pendingHandback ? "pending_handback" : "note", new: note))
            }
            let computer = try Ledger.thisHost(db)?.assetNumber
            for medium in outstanding {
                var violation = ViolationRecord(at: context.now, type: .handbackOutstanding, severity: .high, outcome: .logged,
                                                reason: Self.handbackReason(person, medium, day: departure.day, note: note))
                violation.person = id
                violation.mediumNumber = medium.number
                violation.computer = computer
                let violationID = try GuardRows.insert(db, violation: violation)
                try AuditTrail.append(db, context.trail("person-depart", "violation", String(violationID), field: "status",
                                                        new: "open: \(ViolationType.handbackOutstanding.rawValue) \(medium.number)"))
            }
            return .departed(person, stillHeld: outstanding)
        }
    }

    /// Media still out with a person (`Handback.isOutstanding`), by number.
    static func outstanding(_ db: Database, for person: String) throws -> [Medium] {
        try Ledger.mediaHeld(db, by: person).filter { Handback.isOutstanding($0, for: person) }
    }

    static func handbackFirst(_ person: Person, _ media: [Medium]) -> LedgerError {
        let list = Handback.list(media, for: person.id)
        return LedgerError(.validation,
            zh: "\(person.name)（\(person.id)）离岗前须清退全部介质，仍有 \(media.count) 件未清退：\(list.zh)。"
                + "请逐件清退（`mediactl media hand-back 编号`；借用的介质用 `mediactl media return 编号` 归还），"
                + "或加 --pending-handback --note 说明原因后登记离岗，每件未清退的介质将记为一条违规",
            en: "\(person.name) (\(person.id)) must hand back every medium before leaving (清退); \(media.count) still out: \(list.en). "
                + "Hand each back (`mediactl media hand-back NUMBER`; return a borrowed one with `mediactl media return NUMBER`), "
                + "or record the departure with --pending-handback --note TEXT, which opens a violation for each medium still out")
    }

    static func handbackReason(_ person: Person, _ medium: Medium, day: Day, note: String?) -> Bilingual {
        let how = Handback.relation(medium, to: person.id)
        return Bilingual(
            zh: "\(person.name)（\(person.id)）于 \(day) 离岗，\(how.zh)的介质 \(medium.number)（\(medium.state.name(.zh))）未清退"
                + (note.map { "；说明：\($0)" } ?? ""),
            en: "\(person.name) (\(person.id)) left on \(day) without handing back medium \(medium.number) "
                + "(\(medium.state.name(.en)), \(how.en))" + (note.map { "; note: \($0)" } ?? ""))
    }

    /// After a change to `medium` by `kind`: every open `handback-outstanding` violation about it whose
    /// person no longer has it out is closed, in the same transaction, and the closing is in the trail.
    static func closeHandbacks(_ db: Database, _ medium: Medium, by kind: MovementKind, _ context: Context) throws {
        for violation in try GuardRows.openViolations(db, type: .handbackOutstanding, mediumNumber: medium.number) {
            guard let person = violation.person, let id = violation.id,
                  !Handback.isOutstanding(medium, for: person) else { continue }
            let note = closingNote(medium, by: kind, person: person, day: context.today)
            try GuardRows.acknowledge(db, id: id, by: context.caller.actor.name, at: context.now, note: note)
            try AuditTrail.append(db, context.trail(kind.rawValue, "violation", String(id), field: "status",
                                                    old: ViolationStatus.open.rawValue, new: "acknowledged: \(note)"))
        }
    }

    /// Why a violation closed, in both languages (the note is one column): what happened, and the move.
    static func closingNote(_ medium: Medium, by kind: MovementKind, person: String, day: Day) -> String {
        let what: Bilingual = switch kind {
        case .handBack: Bilingual(zh: "已清退", en: "was handed back")
        case .giveBack: Bilingual(zh: "已归还", en: "was returned")
        case .lost: Bilingual(zh: "已报失", en: "was reported lost")
        case .transfer: Bilingual(zh: "已移交给 \(medium.holder)", en: "was transferred to \(medium.holder)")
        default: Bilingual(zh: "已不在 \(person) 处", en: "is no longer out with \(person)")
        }
        return "介质 \(medium.number) 于 \(day) \(what.zh)（操作：\(kind.name(.zh))），违规自动关闭"
            + " / closed: medium \(medium.number) \(what.en) on \(day) (movement: \(kind.rawValue))"
    }

    func people(_ filter: PeopleFilter, _ context: Context) throws(LedgerError) -> Response {
        let everyone = try store.read(Ledger.people)
        return .people(filter.declassifying ? everyone.filter { $0.isDeclassifying(on: context.today) } : everyone)
    }
}
