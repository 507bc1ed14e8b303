import AssetCore
import Foundation
@testable import mediactl
import Testing

/// The failures that are not the ledger's: the control socket's (`ControlClientError`) and an
/// output that takes no more bytes (`ReportSinkError`), each with its words and exit status.
@Suite struct FailureTests {
    @Test func theSocketsFailuresSayWhatToDo() {
        let path = "/run/mediad/mediad.sock"
        let expected: [(ControlClientError, Int32, String, String)] = [
            (.unreachable(path: path), 69,
             "无法连接 mediad（/run/mediad/mediad.sock）：守护进程未运行？离线操作台账请用 --db PATH",
             "cannot reach mediad at /run/mediad/mediad.sock: is it running? For offline work on a ledger file use --db PATH"),
            (.permission(path: path), 77,
             "无权连接 /run/mediad/mediad.sock：需加入 mediad 组（及 mediad-admin/-officer/-auditor 之一）",
             "no permission to connect to /run/mediad/mediad.sock: join the group mediad (and one of mediad-admin, -officer, -auditor)"),
            (.unreadable, 74, "mediad 的回复无法识别（版本不一致？）", "mediad's reply could not be read (a different release?)"),
            (.unexpectedReply, 74, "mediad 的回复不符", "mediad answered something else"),
            (.cutShort, 69, "mediad 在列表结束前断开了连接；以上输出不完整",
             "mediad closed the connection before the listing ended; the output above is incomplete"),
            (.unencodable, 64, "无法编码请求", "cannot encode the request"),
        ]
        for (error, status, zh, en) in expected {
            #expect(error.exitCode == status, "\(error)")
            #expect(error.text(.zh) == zh)
            #expect(error.text(.en) == en)
        }
    }

    @Test func aFullStandardOutputIsAnIOError() {
        let error = ReportSinkError.standardOutput("No space left on device")
        #expect(error.exitCode == 74)
        #expect(error.text(.en) == "cannot write to standard output: No space left on device")
        #expect(error.text(.zh) == "无法写入标准输出：No space left on device")
    }

    /// A listing that stopped because its output failed is reported as the output's failure.
    @Test func theSinksFailureIsTheCause() throws {
        var output = ReportOutput { _ throws(ReportSinkError) in throw .standardOutput("Broken pipe") }
        let table = SmallTable(header: ["ID"], rows: [["P001"]])
        #expect(throws: LedgerError.self) { try table.writeTable(to: &output); try output.flush() }
        let cause = output.cause(of: LedgerError(.storage, zh: "-", en: "-"))
        #expect(cause.exitCode == 74 && cause.text(.en) == "cannot write to standard output: Broken pipe")
        var fine = ReportOutput { _ in }
        try fine.flush()
        #expect(fine.cause(of: LedgerError(.notFound, zh: "无", en: "none")).exitCode == 66)
    }

    /// mediactl itself, its standard output on a full disk and its socket nowhere: each exit
    /// status and message as `mediactl --help` and the tests above say.
    @Test func theCommandLineExitsWithTheirStatuses() throws {
        let cli = try CLI()
        try cli.ok(["person", "add", "--id", "P001", "--name", "张三", "--clearance", "important"])
        for listing in [["person", "list"], ["media", "list"], ["person", "list", "--format", "csv"]] {
            let full = try Self.run([CLI.binary, "--db", cli.db, "--lang", "en"] + listing, stdout: "/dev/full")
            #expect(full.status == 74, "\(listing)")
            #expect(full.err == "mediactl: cannot write to standard output: No space left on device\n", "\(listing)")
        }
        let away = try Self.run([CLI.binary, "--socket", cli.directory + "/none.sock", "--lang", "zh", "status"], stdout: "/dev/null")
        #expect(away.status == 69)
        #expect(away.err == "mediactl: 无法连接 mediad（\(cli.directory)/none.sock）：守护进程未运行？离线操作台账请用 --db PATH\n")
    }

    static func run(_ command: [String], stdout path: String) throws -> (status: Int32, err: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "MEDIAD_DB")
        process.environment = environment
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        let err = Pipe()
        process.standardError = err
        try process.run()
        let data = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
