/// A request to move a medium through its life: lend it, carry it out, send it for repair, retire,
/// destroy, report it lost, and so on. Which fields are needed depends on the kind (see `Lifecycle`).
public struct LifecycleRequest: Sendable, Hashable, Codable {
    public var kind: MovementKind
    public var number: String
    /// Borrower (loan), carrier (carry-out), reporter (lost), new holder (reissue).
    public var person: String?
    public var approver: String?
    public var handler: String?
    public var dueDate: Day?
    public var method: String?
    public var witness: String?
    public var repairUnit: String?
    public var reason: String?
    public var note: String?

    public init(kind: MovementKind, number: String) {
        self.kind = kind
        self.number = number
    }
}

/// The lifecycle rules: one table of legal moves and what each must record.
public enum Lifecycle {
    /// A field a move must record, named as on the paper form.
    public enum Requirement: String, Sendable, CaseIterable {
        case person, approver, dueDate, method, witness, repairUnit

        var names: Bilingual {
            switch self {
            case .person: Bilingual(zh: "经手人员（--to / --reported-by / --holder）", en: "a person (--to, --reported-by or --holder)")
            case .approver: Bilingual(zh: "审批人（--approver）", en: "an approver (--approver)")
            case .dueDate: Bilingual(zh: "归还期限（--due）", en: "a due date (--due)")
            case .method: Bilingual(zh: "销毁方式（--method）", en: "a destruction method (--method)")
            case .witness: Bilingual(zh: "监销人（--witness）", en: "a witness (--witness)")
            case .repairUnit: Bilingual(zh: "维修单位（--unit）", en: "a repair unit (--unit)")
            }
        }
    }

    public struct Transition: Sendable {
        public let from: Set<MediumState>
        public let to: MediumState
        public let needs: [Requirement]
    }

    /// Every legal move. Anything not here is refused; nothing leaves `destroyed`. Every loan and
    /// carry-out is approved (不得擅自外借, 000 §5.1.5; 携带外出, 000 §5.2.2).
    public static let table: [MovementKind: Transition] = [
        .loan: Transition(from: [.inService], to: .loaned, needs: [.person, .approver, .dueDate]),
        .carryOut: Transition(from: [.inService], to: .carriedOut, needs: [.person, .approver, .dueDate]),
        .giveBack: Transition(from: [.loaned, .carriedOut, .underRepair], to: .inService, needs: []),
        .repair: Transition(from: [.inService], to: .underRepair, needs: [.approver, .repairUnit]),
        .retire: Transition(from: [.inService, .underRepair, .handedBack], to: .pendingDestruction, needs: [.approver]),
        .destroy: Transition(from: [.pendingDestruction], to: .destroyed, needs: [.approver, .method, .witness]),
        .lost: Transition(from: [.inService, .loaned, .carriedOut, .underRepair, .pendingDestruction, .handedBack],
                          to: .lost, needs: [.person]),
        .found: Transition(from: [.lost], to: .inService, needs: []),
        .handBack: Transition(from: [.inService, .loaned, .carriedOut], to: .handedBack, needs: []),
        .reissue: Transition(from: [.handedBack], to: .inService, needs: [.person]),
    ]

    /// The moves a medium in `state` may make, in a stable order, for error messages and `--help`.
    public static func allowedMoves(from state: MediumState) -> [MovementKind] {
        MovementKind.allCases.filter { table[$0]?.from.contains(state) == true }
    }

    /// Checks a move against the table and the calendar, and returns the state it leads to.
    /// Pure: existence of people and media is the service's job.
    public static func check(_ request: LifecycleRequest, current: MediumState, today: Day) throws -> MediumState {
        guard let transition = table[request.kind] else {
            throw LedgerError(.usage, zh: "“\(request.kind.name(.zh))”不是状态流转操作",
                              en: "'\(request.kind.name(.en))' is not a lifecycle move")
        }
        guard transition.from.contains(current) else {
            throw illegal(request.kind, current: current, number: request.number)
        }
        for need in transition.needs where !isPresent(need, in: request) {
            if need == .approver, request.kind == .loan || request.kind == .carryOut {
                throw LedgerError(.usage,
                    zh: "\(request.kind.name(.zh))需要填写审批人（--approver）：涉密载体不得擅自外借或携带外出，须经领导批准",
                    en: "\(request.kind.name(.en)) needs an approver (--approver): a classified medium is never lent or carried out without a leader's approval (不得擅自外借)")
            }
            throw LedgerError.missing(need.names, for: request.kind.names)
        }
        if let due = request.dueDate, due < today {
            throw LedgerError(.validation,
                              zh: "归还期限 \(due) 早于今天（\(today)）",
                              en: "the due date \(due) is before today (\(today))")
        }
        return transition.to
    }

    static func illegal(_ kind: MovementKind, current: MediumState, number: String) -> LedgerError {
        let allowed = allowedMoves(from: current)
        let zhNext = allowed.isEmpty ? "无（已销毁为终态）" : allowed.map { $0.name(.zh) }.joined(separator: "、")
        let enNext = allowed.isEmpty ? "none (destroyed is final)" : allowed.map { $0.rawValue }.joined(separator: ", ")
        return LedgerError(.validation,
            zh: "介质 \(SafeText.escape(number)) 当前状态为“\(current.name(.zh))”，不能\(kind.name(.zh))；可进行的操作：\(zhNext)",
            en: "medium \(SafeText.escape(number)) is \(current.name(.en)) (\(current.name(.zh))) and cannot be moved by '\(kind.rawValue)'; allowed next: \(enNext)")
    }

    private static func isPresent(_ need: Requirement, in request: LifecycleRequest) -> Bool {
        func filled(_ text: String?) -> Bool { !(text?.trimmingWhitespace().isEmpty ?? true) }
        switch need {
        case .person: return filled(request.person)
        case .approver: return filled(request.approver)
        case .dueDate: return request.dueDate != nil
        case .method: return filled(request.method)
        case .witness: return filled(request.witness)
        case .repairUnit: return filled(request.repairUnit)
        }
    }
}
