import GRDB

/// 清查核对 (001 §3.7, 002 §8.3, 004 §4.1): the officer's periodic check. Opening one fixes the media
/// it expects; media are seen when plugged in (the guard records that, `GuardRecorder.insert`) or
/// typed; finishing turns what was not seen into violations to follow up, so no missing medium is
/// forgotten once the check is over. Every step is in the admin trail.
extension InventoryService {
    func checkStart(_ opening: CheckOpening, _ context: Context) throws(LedgerError) -> Response {
        guard let checker = Optional(opening.checker).cleaned else {
            throw LedgerError.missing(Bilingual(zh: "检查人（--by）", en: "the checker's name (--by)"),
                                      for: Bilingual(zh: "开始清查核对", en: "starting a check"))
        }
        let id: Int64 = try store.write { db in
            if let open = try CheckRows.open(db) { throw LedgerError.checkAlreadyOpen(open) }
            try Self.requireScope(db, opening.scope)
            let id = try CheckRows.insert(db, opening, checker: checker, at: context.now, actor: context.caller.actor)
            guard let check = try CheckRows.check(db, id: id), check.expected > 0 else {
                throw LedgerError(.validation,
                    zh: "\(opening.scope.names.zh)中没有需要清查的介质（已销毁、已清退、已遗失的不在其内）；请换一个范围",
                    en: "there is no medium to check in \(opening.scope.names.en) (destroyed, handed-back and lost media are not expected); choose another scope")
            }
            try AuditTrail.append(db, context.trail("check-start", "check", String(id), field: "state", new:
                "open: \(opening.scope.names.en), \(check.expected) media, by \(checker)"))
            return id
        }
        return .check(try status(id))
    }

    /// Records typed or scanned numbers for the open check. Numbers the ledger does not know are
    /// reported back, not refused, so one misread barcode does not lose a batch of sightings.
    func checkSee(_ numbers: [String], _ context: Context) throws(LedgerError) -> Response {
        let wanted = numbers.compactMap { Optional($0).cleaned }
        guard !wanted.isEmpty else {
            throw LedgerError.missing(Bilingual(zh: "至少一个介质统一编号", en: "at least one medium number"),
                                      for: Bilingual(zh: "登记见到的介质", en: "recording a sighting"))
        }
        return try store.write { db in
            guard let check = try CheckRows.open(db) else { throw LedgerError.noOpenCheck }
            var result = CheckSightings(checkID: check.id)
            for number in wanted {
                guard try Ledger.medium(db, number: number) != nil else { result.unknown.append(number); continue }
                if try CheckRows.see(db, check: check.id, number: number, at: context.now, how: .typed,
                                     by: context.caller.actor.name) {
                    result.recorded.append(number)
                    try AuditTrail.append(db, context.trail("check-see", "check", String(check.id), field: "seen", new: number))
                } else {
                    result.already.append(number)
                }
            }
            return .checkSightings(result)
        }
    }

    func checkFinish(note: String?, _ context: Context) throws(LedgerError) -> Response {
        let (id, raised): (Int64, [ViolationRecord]) = try store.write { db in
            guard let check = try CheckRows.open(db) else { throw LedgerError.noOpenCheck }
            let computer = try Ledger.thisHost(db)?.assetNumber
            var raised: [ViolationRecord] = []
            var missing: [CheckLine] = []
            try CheckRows.lines(db, check: check.id) { line, expected in
                if expected && line.seenAt == nil { missing.append(line) }
            }
            for line in missing {
                let medium = try Ledger.medium(db, number: line.number)
                var v = ViolationRecord(at: context.now, type: .missingAtCheck, severity: .high, outcome: .logged,
                                        reason: Self.missingReason(check, line))
                v.person = medium.map { $0.borrower ?? $0.holder } ?? line.holder
                raised.append(v.named(line.number, on: computer))
            }
            for (number, state) in try CheckRows.seenForbidden(db, check: check.id) {
                let medium = try Ledger.medium(db, number: number)
                var v = ViolationRecord(at: context.now, type: .forbiddenAtCheck, severity: .critical, outcome: .logged,
                                        reason: Self.forbiddenReason(check, number, state))
                v.person = medium?.holder
                raised.append(v.named(number, on: computer))
            }
            for index in raised.indices {
                raised[index].id = try GuardRows.insert(db, violation: raised[index])
                try AuditTrail.append(db, context.trail("check-finish", "violation", String(raised[index].id!), field: "status",
                                                        new: "open: \(raised[index].type.rawValue) \(raised[index].mediumNumber ?? "")"))
            }
            try CheckRows.close(db, check: check.id, state: .finished, at: context.now, by: context.caller.actor.name,
                                note: note.cleaned)
            try AuditTrail.append(db, context.trail("check-finish", "check", String(check.id), field: "state", old: "open",
                                                    new: "finished: \(check.seen) of \(check.expected) seen, \(raised.count) violations"))
            return (check.id, raised)
        }
        var result = try status(id)
        result.violations = raised
        return .check(result)
    }

    /// Ends an abandoned check without judging anything: no violation, the reason in the record.
    func checkCancel(reason: String, _ context: Context) throws(LedgerError) -> Response {
        guard let reason = Optional(reason).cleaned else {
            throw LedgerError.missing(Bilingual(zh: "取消原因（--reason）", en: "a reason (--reason)"),
                                      for: Bilingual(zh: "取消清查核对", en: "cancelling a check"))
        }
        let id: Int64 = try store.write { db in
            guard let check = try CheckRows.open(db) else { throw LedgerError.noOpenCheck }
            try CheckRows.close(db, check: check.id, state: .cancelled, at: context.now, by: context.caller.actor.name,
                                note: reason)
            try AuditTrail.append(db, context.trail("check-cancel", "check", String(check.id), field: "state", old: "open",
                                                    new: "cancelled: \(reason)"))
            return check.id
        }
        return .check(try status(id))
    }

    /// The check `id`, or the open one when nil.
    func status(_ id: Int64?) throws(LedgerError) -> CheckStatus {
        try store.read { db in
            let found = try id.map { try CheckRows.check(db, id: $0) } ?? CheckRows.open(db)
            guard let check = found else { throw id.map(LedgerError.checkNotFound) ?? LedgerError.noOpenCheck }
            var result = CheckStatus(check: check, seen: [], notSeen: [], outside: [])
            try CheckRows.lines(db, check: check.id) { line, expected in
                if !expected { result.outside.append(line) } else if line.seenAt == nil { result.notSeen.append(line) }
                else { result.seen.append(line) }
            }
            return result
        }
    }

    /// A department must be someone's or some medium's, a holder a registered person: a typo would
    /// otherwise open a check of nothing.
    static func requireScope(_ db: Database, _ scope: CheckScope) throws {
        switch scope {
        case .all: return
        case .holder(let id):
            _ = try requirePerson(db, id)
        case .department(let name):
            let known = try Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM medium WHERE department = ?1) OR EXISTS (SELECT 1 FROM person WHERE department = ?1)
                """, arguments: [name]) ?? false
            guard known else {
                throw LedgerError(.notFound, zh: "台账中没有部门 “\(SafeText.escape(name))” 的人员或介质；用 `mediactl person list` 查看部门名称",
                                  en: "no person or medium of department '\(SafeText.escape(name))' in the ledger; `mediactl person list` shows the departments")
            }
        }
    }

    static func missingReason(_ check: MediaCheck, _ line: CheckLine) -> Bilingual {
        let holder = line.holder ?? ""
        return Bilingual(
            zh: "清查核对 #\(check.id)（检查人 \(check.checker)）结束时未见到介质 \(line.number)（责任人 \(holder)，状态“\(line.state.name(.zh))”）；请查明下落",
            en: "medium \(line.number) (holder \(holder), \(line.state.name(.en))) was not seen by the end of check #\(check.id) (checker \(check.checker)); find out where it is")
    }

    static func forbiddenReason(_ check: MediaCheck, _ number: String, _ state: MediumState) -> Bilingual {
        Bilingual(
            zh: "介质 \(number) 在台账中为“\(state.name(.zh))”，却在清查核对 #\(check.id) 中被见到：不应存在的介质出现了",
            en: "medium \(number) is recorded as \(state.name(.en)) yet was seen at check #\(check.id): a medium that should not exist is here")
    }
}

private extension ViolationRecord {
    func named(_ number: String, on computer: String?) -> ViolationRecord {
        var record = self
        record.mediumNumber = number
        record.computer = computer
        return record
    }
}

extension LedgerError {
    static func checkAlreadyOpen(_ open: MediaCheck) -> LedgerError {
        LedgerError(.conflict,
            zh: "清查核对 #\(open.id)（\(open.scope.names.zh)，检查人 \(open.checker)，开始于 \(open.startedAt)）尚未结束；同一时间只能有一次清查：先 `mediactl check finish`，或 `mediactl check cancel --reason ...`",
            en: "check #\(open.id) (\(open.scope.names.en), checker \(open.checker), started \(open.startedAt)) is still open; one check at a time: `mediactl check finish` it, or `mediactl check cancel --reason ...`")
    }

    static let noOpenCheck = LedgerError(.notFound,
        zh: "当前没有进行中的清查核对；用 `mediactl check start --scope all --by 姓名` 开始，`mediactl checks` 列出以往的清查",
        en: "no check is open; start one with `mediactl check start --scope all --by NAME`; `mediactl checks` lists past checks")

    static func checkNotFound(_ id: Int64) -> LedgerError {
        LedgerError(.notFound, zh: "没有编号为 \(id) 的清查核对；`mediactl checks` 列出所有清查",
                    en: "no check numbered \(id); `mediactl checks` lists every check")
    }
}

extension CheckSightings {
    /// The error for the numbers the ledger did not know, after the others were recorded.
    public var unknownError: LedgerError? {
        guard !unknown.isEmpty else { return nil }
        let list = unknown.map(SafeText.escape).joined(separator: ", ")
        return LedgerError(.notFound,
            zh: "台账中没有这些统一编号，未登记为已见：\(list)；其余编号已记录。用 `mediactl media list` 核对编号",
            en: "not in the ledger, not recorded as seen: \(list); the other numbers were recorded. `mediactl media list` shows the registered numbers")
    }
}
