import Foundation
import Testing

/// Runs the built mediactl binary, as an administrator would, against a ledger of its own.
struct CLI {
    let directory: String
    var db: String { directory + "/ledger.db" }

    init() throws {
        directory = NSTemporaryDirectory() + "mediactl-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    struct Result {
        let status: Int32
        let out: String
        let err: String
    }

    /// The mediactl built beside this test bundle (or $MEDIACTL_BIN).
    static let binary: String = {
        if let path = ProcessInfo.processInfo.environment["MEDIACTL_BIN"] { return path }
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("mediactl").path
    }()

    /// - Parameter local: with `--db` this test's ledger; false runs mediactl as against a daemon.
    @discardableResult
    func run(_ arguments: [String], prefix: [String] = [], lang: String = "en", stdin: String? = nil,
             environment extra: [String: String] = [:], local: Bool = true) throws -> Result {
        let process = Process()
        let command = prefix + [Self.binary] + (local ? ["--db", db] : []) + ["--lang", lang] + arguments
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "SUDO_USER")
        if !local {
            // Where a daemon is asked is the test's to say, never the caller's shell's.
            for name in ["MEDIAD_DB", "MEDIAD_SOCKET", "MEDIAHUB_SOCKET"] { environment.removeValue(forKey: name) }
        }
        // Times are printed in local time: pin the zone, so expectations do not depend on the machine.
        environment["TZ"] = "UTC"
        environment.merge(extra) { _, new in new }
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, out: String(decoding: outData, as: UTF8.self),
                      err: String(decoding: errData, as: UTF8.self))
    }

    /// Runs and requires success, returning standard output.
    @discardableResult
    func ok(_ arguments: [String], lang: String = "en", sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let result = try run(arguments, lang: lang)
        #expect(result.status == 0, "mediactl \(arguments.joined(separator: " ")) failed: \(result.err)", sourceLocation: sourceLocation)
        return result.out
    }

    func write(_ name: String, _ text: String) throws -> String {
        let path = directory + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func sqlite(_ sql: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [db, sql]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "sqlite3 \(sql)")
    }

}
