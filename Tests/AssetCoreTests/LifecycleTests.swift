@testable import AssetCore
import Testing

@Suite struct LifecycleTests {
    static let today = Day(parsing: "2026-11-22")!

    /// The regulations' moves, written out by hand (not derived from `Lifecycle.table`), so a change
    /// to the table that breaks a rule fails here.
    static let legal: [MovementKind: (from: [MediumState], to: MediumState)] = [
        .loan: ([.inService], .loaned),
        .carryOut: ([.inService], .carriedOut),
        .giveBack: ([.loaned, .carriedOut, .underRepair], .inService),
        .repair: ([.inService], .underRepair),
        .retire: ([.inService, .underRepair, .handedBack], .pendingDestruction),
        .destroy: ([.pendingDestruction], .destroyed),
        .lost: ([.inService, .loaned, .carriedOut, .underRepair, .pendingDestruction, .handedBack], .lost),
        .found: ([.lost], .inService),
        .handBack: ([.inService, .loaned, .carriedOut], .handedBack),
        .reissue: ([.handedBack], .inService),
    ]

    static func complete(_ kind: MovementKind) -> LifecycleRequest {
        var r = LifecycleRequest(kind: kind, number: "U-2026-0001")
        r.person = "P002"
        r.approver = "李四"
        r.dueDate = Day(parsing: "2026-12-10")
        r.method = "shred"
        r.witness = "王五"
        r.repairUnit = "指定维修单位"
        return r
    }

    @Test(arguments: Array(legal.keys))
    func everyMoveFromEveryState(kind: MovementKind) throws {
        let rule = Self.legal[kind]!
        for state in MediumState.allCases {
            let request = Self.complete(kind)
            if rule.from.contains(state) {
                #expect(try Lifecycle.check(request, current: state, today: Self.today) == rule.to, "\(kind) from \(state)")
            } else {
                let error = ledgerError { _ = try Lifecycle.check(request, current: state, today: Self.today) }
                #expect(error?.kind == .validation, "\(kind) from \(state) must be refused")
                #expect(error?.text(.en).contains(state.rawValue) == true, "the message names the current state")
            }
        }
    }

    @Test func destroyedIsFinal() {
        #expect(Lifecycle.allowedMoves(from: .destroyed).isEmpty)
        let error = ledgerError { _ = try Lifecycle.check(Self.complete(.found), current: .destroyed, today: Self.today) }
        #expect(error?.text(.en).contains("destroyed is final") == true)
    }

    @Test func illegalMoveNamesTheAllowedNextSteps() {
        let error = ledgerError { _ = try Lifecycle.check(Self.complete(.destroy), current: .inService, today: Self.today) }
        let text = error?.text(.en) ?? ""
        #expect(text.contains("in-service"))
        #expect(text.contains("retire") && text.contains("loan") && text.contains("repair"))
        #expect(error?.text(.zh).contains("在用") == true)
    }

    /// What each move must record, from the paper forms and the regulations: every loan and carry-out
    /// is approved (不得擅自外借, 000 §5.1.5; 携带外出, 000 §5.2.2).
    @Test(arguments: [
        (MovementKind.loan, "due date"), (.loan, "person"), (.loan, "approver"),
        (.carryOut, "person"), (.carryOut, "approver"), (.carryOut, "due date"),
        (.repair, "approver"), (.repair, "repair unit"), (.retire, "approver"), (.destroy, "approver"),
        (.destroy, "method"), (.destroy, "witness"), (.lost, "person"), (.reissue, "person"),
    ])
    func eachMoveRecordsWhatItNeeds(kind: MovementKind, field: String) {
        var request = Self.complete(kind)
        switch field {
        case "due date": request.dueDate = nil
        case "person": request.person = "  "
        case "approver": request.approver = nil
        case "repair unit": request.repairUnit = ""
        case "method": request.method = nil
        default: request.witness = nil
        }
        let state = Self.legal[kind]!.from[0]
        let error = ledgerError { _ = try Lifecycle.check(request, current: state, today: Self.today) }
        #expect(error?.kind == .usage)
        #expect(error?.text(.en).contains(field) == true, "\(kind) without \(field): \(error?.text(.en) ?? "no error")")
    }

    @Test(arguments: [MovementKind.loan, .carryOut])
    func lendingWithoutApprovalIsRefusedInTheWordsOfTheRule(kind: MovementKind) throws {
        var request = Self.complete(kind)
        request.approver = "  "
        let error = try #require(ledgerError { _ = try Lifecycle.check(request, current: .inService, today: Self.today) })
        #expect(error.kind == .usage)
        #expect(error.text(.en).contains("--approver") && error.text(.en).contains("不得擅自外借"), "\(error.text(.en))")
        #expect(error.text(.zh).contains("审批人") && error.text(.zh).contains("不得擅自外借"), "\(error.text(.zh))")
    }

    @Test func aTransferIsNoStateMove() throws {
        let error = try #require(ledgerError { _ = try Lifecycle.check(Self.complete(.transfer), current: .inService, today: Self.today) })
        #expect(error.kind == .usage)
        #expect(MovementKind.transfer.rawValue == "transfer" && MovementKind.transfer.names == Bilingual(zh: "移交", en: "transfer"))
    }

    @Test func dueDatesInThePastAreRefused() {
        var request = Self.complete(.loan)
        request.dueDate = Day(parsing: "2026-11-21")
        #expect(ledgerError { _ = try Lifecycle.check(request, current: .inService, today: Self.today) }?.kind == .validation)
    }
}
