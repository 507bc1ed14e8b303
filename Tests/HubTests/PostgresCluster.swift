import Foundation
import HubStore
import Logging
import PostgresNIO

/// A throwaway PostgreSQL cluster for the hub's tests: a real server, never a mock, since what is
/// tested is what PostgreSQL accepts (partitions, jsonb, unique indexes, transactions).
///
/// One cluster per test process, started on first use (about a second and a half): `initdb` as the
/// `postgres` user (it refuses root) into a temporary folder, `pg_ctl start` listening on a Unix
/// socket in that folder only, with fsync off. Each test takes a fresh database of its own
/// (`freshDatabase()`). The server is stopped and the folder removed when the process exits; a
/// cluster left by a process that was killed is removed by the next run. Needs root and Debian's
/// `postgresql` package; without them the tests fail saying so, never skip.
actor PostgresCluster {
    static let shared = PostgresCluster()

    /// The role initdb makes the superuser, as in production (`user=mediahub`).
    static let user = "mediahub"
    static let port = 5432
    /// Folders of this prefix in /tmp are clusters of these tests; short, for the socket path's limit.
    static let prefix = "hubstore-pg-"

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    private var directory: Result<String, Failure>?

    /// Settings for a new, empty database in the shared cluster, started if need be.
    func freshDatabase() async throws -> HubDatabaseSettings {
        let directory = try started()
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let admin = HubDatabaseSettings(host: directory, port: Self.port, user: Self.user, database: "postgres")
        _ = try await Self.query("CREATE DATABASE \(name)", in: admin)
        return HubDatabaseSettings(host: directory, port: Self.port, user: Self.user, database: name)
    }

    /// Runs `sql` in the database of `settings` on a connection of its own, every cell as text (cast
    /// non-text columns with `::text`): the tests look at the tables without the code under test.
    static func query(_ sql: String, in settings: HubDatabaseSettings) async throws -> [[String?]] {
        let configuration = PostgresConnection.Configuration(
            unixSocketPath: settings.endpoint, username: settings.user, password: nil, database: settings.database)
        let logger = Logger(label: "hubstore.tests.sql", factory: { _ in SwiftLogNoOpLogHandler() })
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        do {
            var result: [[String?]] = []
            for try await row in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger) {
                result.append(try row.map { try $0.decode(String?.self) })
            }
            try await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }

    private func started() throws -> String {
        if let directory { return try directory.get() }
        do {
            let started = try Self.start()
            directory = .success(started)
            return started
        } catch {
            // Told once, then again to every test that asks: each fails saying why.
            directory = .failure(error)
            throw error
        }
    }

    private static func start() throws(Failure) -> String {
        guard getuid() == 0 else {
            throw Failure(description: "the hub's PostgreSQL tests start a throwaway cluster with initdb as the postgres user, which needs root; run them as root (as CI and `make test` do)")
        }
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? [])
            .filter { FileManager.default.isExecutableFile(atPath: "/usr/lib/postgresql/\($0)/bin/initdb") }
            .sorted { (Int($0) ?? 0, $0) < (Int($1) ?? 0, $1) }
        guard let version = versions.last else {
            throw Failure(description: "no /usr/lib/postgresql/*/bin/initdb: install PostgreSQL (apt-get install -y postgresql; the Makefile does)")
        }
        guard let postgres = getpwnam("postgres") else {
            throw Failure(description: "no postgres user: install Debian's postgresql package, which makes it")
        }
        let (uid, gid) = (postgres.pointee.pw_uid, postgres.pointee.pw_gid)
        let bin = "/usr/lib/postgresql/\(version)/bin"
        removeAbandoned()
        var template = Array("/tmp/\(prefix)XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw Failure(description: "cannot make a folder in /tmp") }
        let directory = String(cString: made)
        // In this process rather than by running chown(1): once, initdb found the folder not yet
        // the postgres user's ("Permission denied") although chown(1) had been waited for; a
        // system call leaves no child whose end could be missed.
        guard chown(directory, uid, gid) == 0 else {
            throw Failure(description: "cannot give \(directory) to the postgres user: \(String(cString: strerror(errno)))")
        }
        try? "\(getpid())\n".write(toFile: "\(directory)/owner", atomically: false, encoding: .utf8)
        StopOnExit.shared.add(directory)
        try run("/usr/sbin/runuser", ["-u", "postgres", "--", "\(bin)/initdb", "-D", "\(directory)/pg", "-A", "trust",
                                      "-U", user, "-E", "UTF8", "--locale=C", "--no-sync"],
                log: "\(directory)/initdb.log")
        try run("/usr/sbin/runuser", ["-u", "postgres", "--", "\(bin)/pg_ctl", "-D", "\(directory)/pg", "-l", "\(directory)/log",
                                      "-o", "-k \(directory) -p \(port) -c listen_addresses= -c fsync=off -c full_page_writes=off -c max_connections=300",
                                      "-w", "start"],
                log: "\(directory)/pg_ctl.log")
        return directory
    }

    /// Runs a command to its end, its output into `log`, which is the failure's message when it
    /// fails. posix_spawn and waitpid, not Foundation's Process: waiting on a Process from a test's
    /// task never saw pg_ctl end here (the child stayed a zombie and the tests hung).
    private static func run(_ path: String, _ arguments: [String], log: String) throws(Failure) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, path, &actions, nil, argv, environ)
        guard spawned == 0 else { throw Failure(description: "cannot run \(path): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        guard status == 0 else {
            let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            throw Failure(description: "\(([path] + arguments).joined(separator: " ")) failed (wait status \(status)):\n\(output)")
        }
    }

    /// Clusters whose test process is gone (killed before it could stop them).
    private static func removeAbandoned() {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/tmp")) ?? []
        for entry in entries where entry.hasPrefix(prefix) {
            let directory = "/tmp/\(entry)"
            let owner = (try? String(contentsOfFile: "\(directory)/owner", encoding: .utf8))
                .flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            if let owner, kill(owner, 0) == 0 || errno != ESRCH { continue }
            // A folder without an owner yet may be another process's cluster being made right now.
            if owner == nil, let made = (try? FileManager.default.attributesOfItem(atPath: directory))?[.modificationDate] as? Date,
               made > Date().addingTimeInterval(-600) { continue }
            StopOnExit.stop(directory)
        }
    }
}

/// The clusters this process started, stopped at exit: a failed test must not leave a server
/// behind for CI. Stopping is a signal to the postmaster (an immediate shutdown) rather than a
/// command, since at exit nothing should start a process.
final class StopOnExit: @unchecked Sendable {
    static let shared = StopOnExit()

    private let lock = NSLock()
    private var directories: [String] = []

    private init() {
        atexit { StopOnExit.shared.stopAll() }
    }

    func add(_ directory: String) {
        lock.withLock { directories.append(directory) }
    }

    private func stopAll() {
        for directory in lock.withLock({ directories }) { Self.stop(directory) }
    }

    /// SIGQUIT to the postmaster named in its pid file, a wait for it to go, then the folder removed.
    static func stop(_ directory: String) {
        let pidText = (try? String(contentsOfFile: "\(directory)/pg/postmaster.pid", encoding: .utf8))?
            .split(separator: "\n").first
        if let pidText, let pid = pid_t(pidText), kill(pid, SIGQUIT) == 0 {
            for _ in 0..<200 where kill(pid, 0) == 0 { usleep(25_000) }
        }
        try? FileManager.default.removeItem(atPath: directory)
    }
}
