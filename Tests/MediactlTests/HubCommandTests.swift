#if canImport(Glibc)
import Glibc
#endif
import AssetCore
import ControlSocket
import Foundation
import Logging
@testable import mediactl
import Synchronization
import Testing

/// `mediactl --hub`: which socket it asks, what it sends there, what it refuses before asking, and
/// what it prints of the answers. The daemon on the other end is `ControlListener`, the listener
/// mediahub serves with, in this process, with a responder that answers from a script.
@Suite struct HubCommandTests {
    /// Answers each request from `answer` and keeps the calls, in order; listings are printed from
    /// `service` by the listener's own streaming, as mediahub prints them from the unit's ledger.
    final class ScriptedDaemon: ControlResponder, @unchecked Sendable {
        let calls = Mutex<[ControlCall]>([])
        let answer: @Sendable (ControlCall) -> ControlReply
        let service: InventoryService?

        init(service: InventoryService? = nil, answer: @escaping @Sendable (ControlCall) -> ControlReply) {
            self.service = service
            self.answer = answer
        }

        func respond(to call: ControlCall, caller: Caller, on connection: ControlConnection) {
            calls.withLock { $0.append(call) }
            switch (call, service) {
            case (.report(let report), let service?):
                connection.streamReport(report, service: service, caller: caller, logger: Logger(label: "test"))
            case (.ledger(let request), let service?):
                do { connection.send(.response(try service.handle(request, caller: caller))) } catch {
                    connection.send(.error(error))
                }
            default:
                connection.send(answer(call))
            }
        }
    }

    /// A listener on a socket in `cli`'s directory, open to this process's group with every role.
    static func listen(_ cli: CLI, _ name: String, _ daemon: ScriptedDaemon) throws -> ControlListener {
        let group = String(getgid())
        var roles = RoleMap()
        roles.admin = [group]
        roles.auditor = [group]
        let listener = try ControlListener(path: cli.directory + "/" + name, group: group, roles: roles, threadName: "test-hub",
                                           daemonName: "mediahub", logger: Logger(label: "test"), responder: daemon)
        try listener.start()
        return listener
    }

    @Test func theSocketIsTheHubsWithHub() {
        let none: [String: String] = [:]
        #expect(ControlDaemon.mediahub.socketPath(option: nil, environment: none) == "/run/mediahub/mediahub.sock")
        #expect(ControlDaemon.mediad.socketPath(option: nil, environment: none) == "/run/mediad/mediad.sock")
        let both = ["MEDIAD_SOCKET": "/tmp/d.sock", "MEDIAHUB_SOCKET": "/tmp/h.sock"]
        #expect(ControlDaemon.mediahub.socketPath(option: nil, environment: both) == "/tmp/h.sock")
        #expect(ControlDaemon.mediad.socketPath(option: nil, environment: both) == "/tmp/d.sock")
        #expect(ControlDaemon.mediahub.socketPath(option: "/tmp/s.sock", environment: both) == "/tmp/s.sock")
        #expect(ControlDaemon.mediahub.socketPath(option: nil, environment: ["MEDIAHUB_SOCKET": ""]) == "/run/mediahub/mediahub.sock")
    }

    @Test func hubAndDbDoNotGoTogether() throws {
        let cli = try CLI()
        for lang in ["en", "zh"] {
            let refused = try cli.run(["--hub", "person", "list"], lang: lang)
            #expect(refused.status == 64)
            #expect(refused.out.isEmpty)
            #expect(refused.err == (lang == "en"
                ? "mediactl: --hub and --db do not go together: --hub works on the unit hub's ledger, --db on a ledger file\n"
                : "mediactl: --hub 与 --db 不能同用：--hub 操作单位中心的台账，--db 操作一个台账文件\n"))
        }
    }

    @Test func hubCommandsNeedHub() throws {
        let cli = try CLI()
        let enrol = try cli.run(["computer", "enrol", "PC-003"], local: false)
        #expect(enrol.status == 64)
        #expect(enrol.err == "mediactl: 'computer enrol' is answered by the unit hub: add --hub (mediactl --hub computer enrol …)\n")
        let computers = try cli.run(["unit", "computers"], lang: "zh", local: false)
        #expect(computers.status == 64)
        #expect(computers.err == "mediactl: “unit computers” 由单位中心回答：请加 --hub（mediactl --hub unit computers …）\n")
    }

    @Test func anUnreachableHubIsNamed() throws {
        let cli = try CLI()
        let path = cli.directory + "/none.sock"
        let away = try cli.run(["--hub", "media", "list"], environment: ["MEDIAHUB_SOCKET": path], local: false)
        #expect(away.status == 69)
        #expect(away.err == "mediactl: cannot reach mediahub at \(path): is mediahub running? "
                + "Run this on the hub, or give its socket with --socket\n")
        let zh = try cli.run(["--hub", "unit", "computers"], lang: "zh", environment: ["MEDIAHUB_SOCKET": path], local: false)
        #expect(zh.status == 69)
        #expect(zh.err == "mediactl: 无法连接 mediahub（\(path)）：单位中心未运行？本机不是中心时请在中心执行，或用 --socket 指明\n")
    }

    @Test func enrolAsksTheHubAndPrintsTheStep() throws {
        let cli = try CLI()
        let code = UnitRenderTests.code
        let hub = ScriptedDaemon { _ in .hub(.enrolmentCode(code)) }
        let listener = try Self.listen(cli, "hub.sock", hub)
        defer { listener.stop() }
        // MEDIAD_SOCKET is mediad's: --hub does not use it.
        let printed = try cli.run(["--hub", "computer", "enrol", "PC-003", "--tz", "+08:00"],
                                  environment: ["MEDIAHUB_SOCKET": listener.path, "MEDIAD_SOCKET": cli.directory + "/none.sock"],
                                  local: false)
        #expect(printed.status == 0, "\(printed.err)")
        #expect(printed.out == """
            Computer              PC-003
            Enrolment code        K7M2-Q9XD
            Valid until           2026-11-23 17:30:00 +08:00
            Unit                  某市保密局
            Unit key fingerprint  4909495ab47589df

            On the computer PC-003, run as root (once, before the code expires):
              mediad-sync enrol --code K7M2-Q9XD

            """)
        #expect(hub.calls.withLock { $0 } == [.hub(.enrolmentCode(computer: "PC-003"))])
    }

    @Test func unitComputersAsTableCsvAndJson() throws {
        let cli = try CLI()
        let unit = UnitRenderTests.unit
        let hub = ScriptedDaemon { _ in .hub(.computers(unit)) }
        let listener = try Self.listen(cli, "hub.sock", hub)
        defer { listener.stop() }
        // --socket wins over MEDIAHUB_SOCKET.
        let environment = ["MEDIAHUB_SOCKET": cli.directory + "/none.sock"]
        let table = try cli.run(["--hub", "--socket", listener.path, "unit", "computers", "--tz", "+08:00"],
                                environment: environment, local: false)
        #expect(table.status == 0, "\(table.err)")
        let lines = table.out.split(separator: "\n", omittingEmptySubsequences: false)
        let summary: String = "unit ledger version 120; computers not heard from for 7 days (standalone ones: no records "
            + "bundle for 30 days) are marked silent"
        let header: String = "COMPUTER  NAME        DEPARTMENT  ENROLLED                    VIA      LAST HEARD                  "
            + "LEDGER VERSION  BEHIND  RECORDS OWED  SILENT"
        let rule: String = "--------  ----------  ----------  --------------------------  -------  --------------------------  "
            + "--------------  ------  ------------  ------"
        #expect(lines.prefix(4).map(String.init) == [summary, "", header, rule])
        let csv = try cli.run(["--hub", "--socket", listener.path, "unit", "computers", "--format", "csv", "--tz", "+08:00"],
                              environment: environment, local: false)
        #expect(csv.status == 0, "\(csv.err)")
        let rows = csv.out.split(separator: "\r\n", omittingEmptySubsequences: false)
        #expect(rows.count == 6 && rows.last == "", "\(csv.out)")
        #expect(rows.first == "\u{FEFF}COMPUTER,NAME,DEPARTMENT,ENROLLED,VIA,LAST HEARD,LEDGER VERSION,BEHIND,RECORDS OWED,SILENT")
        #expect(rows.dropFirst().first == "PC-001,财务处电脑,财务处,2026-11-01 10:00:00 +08:00,courier,2026-11-22 17:30:00 +08:00,120,0,0,")
        let json = try cli.run(["--hub", "--socket", listener.path, "unit", "computers", "--format", "json"], local: false)
        #expect(json.status == 0, "\(json.err)")
        #expect(try JSONDecoder().decode(UnitComputers.self, from: Data(json.out.utf8)) == unit)
        #expect(hub.calls.withLock { $0 } == [.hub(.computers), .hub(.computers), .hub(.computers)])
    }

    /// Ledger commands and listings go to the hub as they are (the same `ControlCall`), and print
    /// what the ledger file prints.
    @Test func ledgerCommandsAndListingsGoToTheHubUnchanged() throws {
        let cli = try CLI()
        try cli.ok(["person", "add", "--id", "P001", "--name", "张三", "--clearance", "important"])
        try cli.ok(["media", "register", "--kind", "optical", "--level", "secret", "--holder", "P001"])
        let people = try cli.ok(["person", "list", "--format", "csv"])
        let media = try cli.ok(["media", "list", "--format", "csv"])
        let hub = ScriptedDaemon(service: InventoryService(store: try LedgerStore(path: cli.db))) { call in
            .error(LedgerError(.usage, zh: "-", en: "unexpected \(call.verb)"))
        }
        let listener = try Self.listen(cli, "hub.sock", hub)
        defer { listener.stop() }
        let environment = ["MEDIAHUB_SOCKET": listener.path]
        let listedPeople = try cli.run(["--hub", "person", "list", "--format", "csv"], environment: environment, local: false)
        #expect(listedPeople.status == 0, "\(listedPeople.err)")
        #expect(listedPeople.out == people)
        let listedMedia = try cli.run(["--hub", "media", "list", "--format", "csv"], environment: environment, local: false)
        #expect(listedMedia.status == 0, "\(listedMedia.err)")
        #expect(listedMedia.out == media)
        let shown = try cli.run(["--hub", "media", "show", "U-404"], environment: environment, local: false)
        #expect(shown.status == 66, "\(shown.err)")
        let calls = hub.calls.withLock { $0 }
        try #require(calls.count == 3, "\(calls)")
        #expect(calls[0] == .ledger(.personList(PeopleFilter(declassifying: false))))
        if case .report(let report) = calls[1] {
            #expect(report.format == .csv && report.language == .en)
        } else {
            Issue.record("media list sent \(calls[1])")
        }
        #expect(calls[2] == .ledger(.mediaShow(number: "U-404")))
    }

    /// `unit status` asks this computer's mediad (MEDIAD_SOCKET), never the hub.
    @Test func unitStatusAsksMediad() throws {
        let cli = try CLI()
        let membership = UnitRenderTests.membership
        let mediad = ScriptedDaemon { _ in .unit(.membership(membership)) }
        let listener = try Self.listen(cli, "mediad.sock", mediad)
        defer { listener.stop() }
        let printed = try cli.run(["unit", "status", "--tz", "+08:00"],
                                  environment: ["MEDIAD_SOCKET": listener.path, "MEDIAHUB_SOCKET": cli.directory + "/none.sock"],
                                  local: false)
        #expect(printed.status == 0, "\(printed.err)")
        #expect(printed.out.hasPrefix("Unit                  某市保密局\nUnit key fingerprint  4909495ab47589df\n"), "\(printed.out)")
        #expect(mediad.calls.withLock { $0 } == [.unit(.state)])
        let notEnrolled = ScriptedDaemon { _ in .error(UnitError.notEnrolled.ledgerError) }
        let other = try Self.listen(cli, "other.sock", notEnrolled)
        defer { other.stop() }
        let refused = try cli.run(["unit", "status"], environment: ["MEDIAD_SOCKET": other.path], local: false)
        #expect(refused.status == 64)
        #expect(refused.err == "mediactl: this computer is not enrolled in a unit: register it at the hub, then run mediad-sync enrol\n")
    }
}
