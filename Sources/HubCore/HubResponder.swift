import AssetCore
import ControlSocket
import Logging

/// mediactl at the hub (`mediactl --hub …`): every ledger command, listing and report of one computer,
/// served by the same `InventoryService` over the unit's ledger, through a socket with the same roles
/// and checks as mediad's (`ControlListener`); plus what only the hub answers (`HubCall`). What only a
/// computer's mediad can answer (its devices, links, hardware) is refused with where to ask.
final class HubResponder: ControlResponder, @unchecked Sendable {
    let ledger: HubLedger
    let desk: HubDesk
    let config: HubConfig
    let logger: Logger
    /// The ledger's rules over the working copy, with the computers' records read from PostgreSQL
    /// for the reports and listings that count them.
    let service: InventoryService

    init(ledger: HubLedger, desk: HubDesk, config: HubConfig, logger: Logger) {
        self.ledger = ledger
        self.desk = desk
        self.config = config
        self.logger = logger
        let records = HubRecords(database: ledger.database, unitName: ledger.unit, periods: config.periods, clock: ledger.clock)
        self.service = InventoryService(store: ledger.store, clock: ledger.clock, unit: records)
    }

    func respond(to call: ControlCall, caller: Caller, on connection: ControlConnection) {
        switch call {
        case .ledger(let request):
            if let refusal = Self.computerOnly(request) {
                connection.send(.error(refusal))
                return
            }
            do { connection.send(.response(try service.handle(request, caller: caller))) } catch {
                connection.send(.error(error))
            }
        case .report(let report):
            connection.streamReport(report, service: service, caller: caller, logger: logger)
        case .hub(let hubCall):
            connection.send(answer(hubCall, caller: caller))
        case .status, .devices, .watch, .allowOnce, .links, .inspect, .hardware, .unit:
            connection.send(.error(LedgerError(.usage,
                zh: "“\(call.verb)” 只能在计算机上由其 mediad 回答（不加 --hub）",
                en: "'\(call.verb)' is answered by a computer's own mediad, on that computer (without --hub)")))
        }
    }

    /// Requests about "this computer", which the hub is not.
    static func computerOnly(_ request: Request) -> LedgerError? {
        switch request {
        case .hostShow, .hostSet, .computerInventory, .computerBaseline, .mediaRegisterLastUnregistered, .inspections:
            LedgerError(.usage, zh: "“\(request.verb)” 针对某台计算机本身：请在该计算机上执行（不加 --hub）",
                        en: "'\(request.verb)' is about one computer itself: run it on that computer (without --hub)")
        default:
            nil
        }
    }

    private func answer(_ call: HubCall, caller: Caller) -> ControlReply {
        do {
            switch call {
            case .enrolmentCode(let computer):
                let desk = self.desk, hours = config.enrolmentCodeHours, actor = caller.actor.name
                let code = try Blocking.wait { try await desk.issueCode(computer: computer, hours: hours, by: actor) }
                logger.notice("enrolment code issued", metadata: ["COMPUTER": "\(code.computer)", "BY": "\(actor)"])
                return .hub(.enrolmentCode(code))
            case .computers:
                return .hub(.computers(try UnitView.computers(ledger, periods: config.periods)))
            case .bundleExport(let computer):
                let desk = self.desk, actor = caller.actor.name
                let bundle = try Blocking.wait { try await desk.exportBundle(computer: computer) }
                logger.notice("ledger bundle written", metadata: ["COMPUTER": "\(computer)", "BY": "\(actor)"])
                return .hub(.bundle(bundle))
            case .bundleImport(let data):
                let desk = self.desk, actor = caller.actor.name
                let outcome = try Blocking.wait { try await desk.importBundle(data) }
                logger.notice("bundle imported", metadata: ["COMPUTER": "\(outcome.computer)", "KIND": "\(outcome.kind.rawValue)",
                                                            "STORED": "\(outcome.stored)", "BY": "\(actor)"])
                return .hub(.bundleImported(outcome))
            }
        } catch {
            return .error(HubDesk.ledgerError(error))
        }
    }
}
