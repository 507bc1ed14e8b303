import GRDB

/// 查处 to the end (004 §4.2, 发觉一起，查处一起，处理一起): an officer handles a violation with a
/// graded outcome and the person held responsible, or reopens one whose handling was wrong. Each
/// step is a trail row with who did it.
extension InventoryService {
    func handle(_ handling: ViolationHandling, _ context: Context) throws(LedgerError) -> Response {
        guard let note = Optional(handling.note).cleaned else {
            throw LedgerError(.usage, zh: "处理违规需要用 --note 写明处理情况（误报须写明理由）",
                              en: "handling a violation needs a --note saying what was done (for a false alarm, why it was one)")
        }
        let responsible = handling.responsible.cleaned
        if handling.outcome != .falseAlarm, responsible == nil {
            throw LedgerError(.usage, zh: "处理结果为“\(handling.outcome.names.zh)”时需要 --responsible 指明责任人",
                              en: "the outcome \(handling.outcome.rawValue) needs --responsible: the person held responsible")
        }
        return try store.write { db in
            var record = try Self.violation(db, handling.id)
            guard record.status != .handled else {
                throw LedgerError(.conflict,
                    zh: "违规 \(handling.id) 已由 \(record.handledBy ?? "?") 处理（\(record.handling?.names.zh ?? "?")）；如需重新处理，先用 violations reopen 写明理由",
                    en: "violation \(handling.id) was already handled by \(record.handledBy ?? "?") (\(record.handling?.rawValue ?? "?")); reopen it with a reason first")
            }
            if let responsible { _ = try Self.requirePerson(db, responsible) }
            let before = record.status
            record.status = .handled
            record.handling = handling.outcome
            record.responsible = responsible
            record.handledBy = context.caller.actor.name
            record.handledAt = context.now
            record.handlingNote = note
            try db.execute(sql: """
                UPDATE violation SET status = 'handled', handling = ?, responsible = ?, handled_by = ?, handled_at = ?,
                    handling_note = ? WHERE id = ?
                """, arguments: [handling.outcome.rawValue, responsible, record.handledBy, context.now.description, note, handling.id])
            let key = String(handling.id)
            try AuditTrail.append(db, context.trail("violation-handle", "violation", key, field: "status",
                                                    old: before.rawValue, new: ViolationStatus.handled.rawValue))
            try AuditTrail.append(db, context.trail("violation-handle", "violation", key, field: "handling",
                                                    new: "\(handling.outcome.rawValue); responsible: \(responsible ?? "-"); \(note)"))
            return .violations([record])
        }
    }

    func reopen(_ id: Int64, reason: String, _ context: Context) throws(LedgerError) -> Response {
        guard let reason = Optional(reason).cleaned else {
            throw LedgerError(.usage, zh: "重新打开违规需要用 --reason 写明理由", en: "reopening a violation needs a --reason")
        }
        return try store.write { db in
            var record = try Self.violation(db, id)
            guard record.status != .open else {
                throw LedgerError(.conflict, zh: "违规 \(id) 尚未确认或处理，无需重新打开",
                                  en: "violation \(id) is still open: there is nothing to reopen")
            }
            let before = record.status
            let handled = record.handling.map { "\($0.rawValue) by \(record.handledBy ?? "?")" }
            record.status = .open
            record.handling = nil
            record.responsible = nil
            record.handledBy = nil
            record.handledAt = nil
            record.handlingNote = nil
            try db.execute(sql: """
                UPDATE violation SET status = 'open', handling = NULL, responsible = NULL, handled_by = NULL, handled_at = NULL,
                    handling_note = NULL WHERE id = ?
                """, arguments: [id])
            try AuditTrail.append(db, context.trail("violation-reopen", "violation", String(id), field: "status",
                                                    old: [before.rawValue, handled].compactMap { $0 }.joined(separator: ": "),
                                                    new: "open: \(reason)"))
            return .violations([record])
        }
    }

    static func violation(_ db: Database, _ id: Int64) throws -> ViolationRecord {
        guard let row = try Row.fetchOne(db, sql: "SELECT \(GuardRows.violationColumns) FROM violation WHERE id = ?",
                                         arguments: [id]) else {
            throw LedgerError(.notFound, zh: "没有编号为 \(id) 的违规记录；用 `mediactl violations list` 查看",
                              en: "no violation with id \(id); `mediactl violations list` shows them")
        }
        return try GuardRows.violation(row)
    }
}
