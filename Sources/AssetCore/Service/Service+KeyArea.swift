import GRDB

/// Key areas (要害部位, 003 第十条): phones, cameras and recorders may enter only with a leader's
/// approval, recorded per medium. The guard reads it when a recording device is attached to a
/// computer marked as standing in a key area.
extension InventoryService {
    func keyArea(_ approval: KeyAreaApproval, _ context: Context) throws(LedgerError) -> Response {
        guard let approver = Optional(approval.approver).cleaned else {
            throw LedgerError.missing(Bilingual(zh: "审批人（--approver）", en: "an approver (--approver)"),
                                      for: Bilingual(zh: "要害部位审批", en: "a key-area approval"))
        }
        try store.write { db in
            guard let medium = try Ledger.medium(db, number: approval.number) else {
                throw LedgerError.mediumNotFound(approval.number)
            }
            guard medium.state != .destroyed else { throw LedgerError.mediumDestroyed(medium.number) }
            let before = try Ledger.keyAreaApprover(db, number: medium.number)
            if approval.revoke {
                guard before != nil else {
                    throw LedgerError(.validation, zh: "介质 \(medium.number) 没有要害部位审批，无需撤销",
                                      en: "medium \(medium.number) has no key-area approval to withdraw")
                }
                try db.execute(sql: "DELETE FROM key_area_approval WHERE number = ?", arguments: [medium.number])
                try AuditTrail.append(db, context.trail("key-area-revoke", "medium", medium.number, field: "key_area_approver",
                                                        old: before, new: nil))
            } else {
                try db.execute(sql: """
                    INSERT INTO key_area_approval (number, approver, approved_at, note) VALUES (?1, ?2, ?3, ?4)
                    ON CONFLICT(number) DO UPDATE SET approver = ?2, approved_at = ?3, note = ?4
                    """, arguments: [medium.number, approver, context.now.description, approval.note.cleaned])
                try AuditTrail.append(db, context.trail("key-area-approve", "medium", medium.number, field: "key_area_approver",
                                                        old: before, new: approver + (approval.note.cleaned.map { ": \($0)" } ?? "")))
            }
        }
        return .medium(try detail(approval.number))
    }
}

extension Ledger {
    /// Who approved the medium for key areas, nil when nobody did.
    static func keyAreaApprover(_ db: Database, number: String) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT approver FROM key_area_approval WHERE number = ?"),
                            arguments: [number])
    }
}
