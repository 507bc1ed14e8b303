import ArgumentParser
import AssetCore

/// The lifecycle verbs. Each builds one `LifecycleRequest`; the service checks the move.
protocol MoveCommand: ParsableCommand {
    var globals: GlobalOptions { get }
    var number: String { get }
    func fill(_ request: inout LifecycleRequest, _ session: Session) throws
    var kind: MovementKind { get }
}

extension MoveCommand {
    func run() throws {
        let s = Session(globals: globals)
        var request = LifecycleRequest(kind: kind, number: number)
        try fill(&request, s)
        guard case .medium(let detail) = try s.perform(.mediaMove(request)) else { return }
        let m = detail.medium
        Output.print(Render(language: s.language).t(
            "介质 \(m.number)：\(kind.name(.zh))，现为“\(m.state.name(.zh))”\n",
            "medium \(m.number): \(kind.name(.en)), now \(m.state.name(.en))\n"))
    }
}

extension MediaCommand {
    struct Checkout: MoveCommand {
        static let configuration = CommandConfiguration(
            abstract: "Lend a medium (借出), or with --carry-out let it be carried outside (携带外出).",
            discussion: """
                Every loan and every carry-out needs the approving leader (--approver): a \
                classified medium is never lent without approval (不得擅自外借). Both also need
                the borrower or carrier and a due date. The borrower must be active (not departed) and cleared for the \
                medium's level.

                Example:
                  mediactl media checkout U-2026-0001 --to P002 --approver 李四 \\
                      --due 2026-12-10 --carry-out
                """)
        @OptionGroup var globals: GlobalOptions
        @Argument(help: "Unified number (统一编号).") var number: String
        @Option(help: "Person id of the borrower or carrier.") var to: String
        @Option(help: "Approving leader (审批人); required for every loan and carry-out.") var approver: String?
        @Option(help: "Due date, YYYY-MM-DD.") var due: Day
        @Flag(name: .customLong("carry-out"), help: "The medium leaves the premises (携带外出).") var carryOut = false
        @Option(help: "Reason or destination.") var reason: String?
        var kind: MovementKind { carryOut ? .carryOut : .loan }

        func fill(_ r: inout LifecycleRequest, _ s: Session) throws {
            r.person = to
            r.approver = approver
            r.dueDate = due
            r.reason = reason
        }
    }

    struct Return: MoveCommand {
        static let configuration = CommandConfiguration(
            commandName: "return",
            abstract: "Record a medium's return from loan, carrying out or repair (归还).")
        @OptionGroup var globals: GlobalOptions
        @Argument(help: "Unified number (统一编号).") var number: String
        @Option(help: "Notes on its condition.") var note: String?
        var kind: MovementKind { .giveBack }
        func fill(_ r: inout LifecycleRequest, _ s: Session) throws { r.note = note }
    }

    struct Repair: MoveCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send a medium for repair by a designated unit (维修).",
            discussion: """
                Example:
                  mediactl media repair U-2026-0001 --approver 李四 \\
                      --unit "指定维修单位"
                """)
        @OptionGroup var globals: GlobalOptions
        @Argument(help: "Unified number (统一编号).") var number: String
        @Option(help: "Approving leader (审批人).") var approver: String
        @Option(help: "Designated repair unit (维修单位).") var unit: String
        @Option(help: "What is wrong.") var reason: String?
        var kind: MovementKind { .repair }
        func fill(_ r: inout LifecycleRequest, _ s: Session) throws {
            r.approver = approver
            r.repairUnit = unit
            r.reason = reason
        }
    }

    struct Retire: MoveCommand {
        static let configuration = CommandConfiguration(
            abstract: "Retire a medium (报废 → 待销毁), approved by a leader.")
        @OptionGroup var globals: GlobalOptions
        @Argument(help: "Unified number (统一编号).") var number: String
        @Option(help: "Approving leader (审批人).") var approver: String
        @Option(help: "Why it is retired.") var reason: String?
        var kind: MovementKind { .retire }
        func fill(_ r: inout LifecycleRequest, _ s: Session) throws {
            r.approver = approver
            r.reason = reason
        }
    }

    struct Destroy: MoveCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a retired medium's destruction (销毁): method, approver, witness.",
            discussion: """
                Only a medium pending destruction can be destroyed; destroyed is final.

                Example:
                  mediactl media destroy U-2026-0001 --approver 李四 --method shred \\
                      --witness 王五
                """)
        @OptionGroup var globals: GlobalOptions
        @Argument(help: "Unified number (统一编号).") var number: String
        @Option(help: "Approving leader (审批人).") var approver: String
        @Option(help: "How it was destroyed: shred (粉碎), degauss (消磁), incinerate (焚毁), or the qualified unit's name.") var method: String
        @Option(help: "Witness (监销人).") var witness: String
        @Option(help: "Handler, when not the one typing.") var handler: String?
        var kind: MovementKind { .destroy }
        func fill(_ r: inout LifecycleRequest, _ s: Session) throws {
            r.approver = approver
            r.method = method
            r.witness = witness
            r.handler = handler
        }
    }

    struct Lost: MoveCommand {
        static let configuration = CommandConfiguration(abstract: "Report a medium lost (遗失).")
        @OptionGroup var globals: GlobalOptions
        @Argument(help: "Unified number (统一编号).") var number: String
        @Option(name: .customLong("reported-by"), help: "Person id of whoever reports the loss.") var reportedBy: String
        @Option(help: "Circumstances.") var reason: String?
        var kind: MovementKind { .lost }
        func fill(_ r: inout LifecycleRequest, _ s: Session) throws {
            r.person = reportedBy
            r.reason = reason
        }
    }

    struct Found: MoveCommand {
        static let configuration = CommandConfiguration(abstract: "Record that a lost medium was found (找回); it returns to service.")
        @OptionGroup var globals: GlobalOptions
        @Argument(help: "Unified number (统一编号).") var number: String
        @Option(help: "Where and how it was found.") var note: String?
        var kind: MovementKind { .found }
        func fill(_ r: inout LifecycleRequest, _ s: Session) throws { r.note = note }
    }

    struct HandBack: MoveCommand {
        static let configuration = CommandConfiguration(
            commandName: "hand-back",
            abstract: "Record a medium a leaving person hands back (清退).")
        @OptionGroup var globals: GlobalOptions
        @Argument(help: "Unified number (统一编号).") var number: String
        @Option(help: "Notes.") var note: String?
        var kind: MovementKind { .handBack }
        func fill(_ r: inout LifecycleRequest, _ s: Session) throws { r.note = note }
    }

    struct Reissue: MoveCommand {
        static let configuration = CommandConfiguration(
            abstract: "Put a handed-back medium in service again with a new responsible person.")
        @OptionGroup var globals: GlobalOptions
        @Argument(help: "Unified number (统一编号).") var number: String
        @Option(help: "Person id of the new responsible person.") var holder: String
        var kind: MovementKind { .reissue }
        func fill(_ r: inout LifecycleRequest, _ s: Session) throws { r.person = holder }
    }
}
