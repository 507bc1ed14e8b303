import AssetCore
import Logging
import PostgresNIO

/// The unit ledger in PostgreSQL: the durable truth the hub's working copy is rebuilt from, the
/// change sets computers fetch, every record computers send, and enrolment. One pool of connections
/// (`PostgresClient`), which `run()` drives; every write that must be whole is one transaction.
public final class HubDatabase: Sendable {
    public let settings: HubDatabaseSettings
    let client: PostgresClient
    let logger: Logger
    /// Queries are never logged: their bound values include code and token hashes.
    let quiet = Logger(label: "mediahub.postgres.quiet", factory: { _ in SwiftLogNoOpLogHandler() })

    public init(settings: HubDatabaseSettings, logger: Logger) {
        self.settings = settings
        self.logger = logger
        self.client = PostgresClient(configuration: settings.clientConfiguration, backgroundLogger: logger)
    }

    /// Runs the connection pool until the calling task is cancelled. Every other method waits for a
    /// connection, so callers start this first, in a task group or a `Task`, and exactly once.
    public func run() async {
        await client.run()
    }

    /// Opens one connection of its own and closes it: a wrong socket, host, role, password or
    /// database is told at once, in the server's words, where the pool would retry for a minute
    /// before giving up without a reason.
    public func probe() async throws(HubStoreError) {
        do {
            let connection = try await PostgresConnection.connect(
                configuration: try settings.connectionConfiguration(), id: 0, logger: quiet)
            try? await connection.close()
        } catch {
            throw translate(error)
        }
    }

    /// Brings the schema forward: each migration not yet recorded in `hub_migration` runs in its own
    /// transaction and is recorded there. Probes first, so a wrong setting is the first thing said.
    /// Two hubs starting at once wait for each other on an advisory lock.
    public func migrate() async throws(HubStoreError) {
        try await probe()
        for migration in HubMigrations.all {
            let applied: Bool = try await transaction { connection in
                try await self.exec("SELECT pg_advisory_xact_lock(\(Self.migrationLock))", on: connection)
                try await self.exec("""
                    CREATE TABLE IF NOT EXISTS hub_migration (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())
                    """, on: connection)
                let rows = try await connection.query("SELECT 1 FROM hub_migration WHERE name = \(migration.name)", logger: self.quiet)
                if try await rows.collect().isEmpty == false { return false }
                for statement in migration.statements {
                    try await self.exec(PostgresQuery(unsafeSQL: statement), on: connection)
                }
                try await self.exec("INSERT INTO hub_migration (name) VALUES (\(migration.name))", on: connection)
                return true
            }
            if applied { logger.info("migrated the unit database", metadata: ["migration": "\(migration.name)"]) }
        }
    }

    /// The names of the migrations applied, oldest first.
    public func appliedMigrations() async throws(HubStoreError) -> [String] {
        try await read { connection in
            var names: [String] = []
            let rows = try await connection.query("SELECT name FROM hub_migration ORDER BY applied_at, name", logger: self.quiet)
            for try await name in rows.decode(String.self) { names.append(name) }
            return names
        }
    }

    /// "mediahub" in ASCII: the advisory lock key only migrations take.
    static let migrationLock: Int64 = 0x6D65_6469_6168_7562

    // MARK: - The unit

    /// The unit this database belongs to, nil before the hub's first start.
    public func unit() async throws(HubStoreError) -> (name: String, publicKey: String)? {
        try await read { connection in
            let rows = try await connection.query("SELECT name, public_key FROM hub_unit", logger: self.quiet)
            for try await (name, key) in rows.decode((String, String).self) { return (name, key) }
            return nil
        }
    }

    /// Records the unit at the hub's first start. The same unit again is accepted (a restart);
    /// another name or key is refused, so one database never holds two units' ledgers.
    public func setUnit(name: String, publicKey: String) async throws(HubStoreError) {
        let existing: (String, String)? = try await read { connection in
            try await self.exec("""
                INSERT INTO hub_unit (singleton, name, public_key) VALUES (true, \(name), \(publicKey))
                ON CONFLICT (singleton) DO NOTHING
                """, on: connection)
            let rows = try await connection.query("SELECT name, public_key FROM hub_unit", logger: self.quiet)
            for try await row in rows.decode((String, String).self) { return row }
            return nil
        }
        guard let existing, existing == (name, publicKey) else {
            throw HubStoreError.unitMismatch(existing: existing?.0 ?? "?", given: name)
        }
    }

    // MARK: - Running statements

    /// A leased connection for reads and single statements; failures translated.
    func read<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws(HubStoreError) -> T {
        do {
            return try await client.withConnection { connection in try await body(connection) }
        } catch {
            throw await explain(error)
        }
    }

    /// One transaction: everything `body` does is committed together, or rolled back when it throws.
    func transaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws(HubStoreError) -> T {
        do {
            return try await client.withTransaction(logger: quiet) { connection in try await body(connection) }
        } catch {
            throw await explain(error)
        }
    }

    /// `translate`, except that when the pool gave up connecting (it retries for a minute and then
    /// keeps no reason), one connection of its own finds the reason: a stopped server, a changed
    /// password.
    private func explain(_ error: any Error) async -> HubStoreError {
        let translated = translate(error)
        guard case .unreachable = translated else { return translated }
        do { try await probe() } catch { return error }
        return translated
    }

    /// Runs a statement and reads its (empty) result to the end, so the next one can follow.
    func exec(_ query: PostgresQuery, on connection: PostgresConnection) async throws {
        let rows = try await connection.query(query, logger: quiet)
        for try await _ in rows {}
    }

    /// The single value of a one-row, one-column query.
    func scalar<T: PostgresDecodable & Sendable>(_ query: PostgresQuery, as type: T.Type,
                                                 on connection: PostgresConnection) async throws -> T? {
        let rows = try await connection.query(query, logger: quiet)
        var value: T?
        for try await row in rows.decode(T.self) where value == nil { value = row }
        return value
    }

    // MARK: - Errors

    /// PostgreSQL's and the pool's errors in words an administrator can act on, naming the server.
    func translate(_ error: any Error) -> HubStoreError {
        switch error {
        case let error as HubStoreError:
            return error
        case let error as PostgresTransactionError:
            if let inner = error.closureError ?? error.beginError ?? error.commitError ?? error.rollbackError {
                return translate(inner)
            }
            return .server(sqlState: "", message: "the transaction failed")
        case let error as PSQLError:
            return translate(error)
        case is CancellationError:
            return .unavailable("the hub is shutting down or the request was cancelled")
        // The pool's own error type lives in a module PostgresNIO does not export: known by name.
        case _ where "\(type(of: error))" == "ConnectionPoolError":
            return "\(error)".contains("CircuitBreaker")
                ? .unreachable(endpoint: settings.endpoint, detail: "no connection could be opened for a minute")
                : .unavailable("the hub is shutting down or the request was cancelled")
        default:
            return .server(sqlState: "", message: String(describing: error))
        }
    }

    private func translate(_ error: PSQLError) -> HubStoreError {
        let endpoint = settings.endpoint
        switch error.code {
        case .server:
            let state = error.serverInfo?[.sqlState] ?? ""
            let message = error.serverInfo?[.message] ?? "no message"
            switch state {
            case "28P01", "28000": return .authenticationFailed(user: settings.user, endpoint: endpoint, detail: message)
            case "3D000": return .noDatabase(database: settings.database, endpoint: endpoint)
            case "42P01": return .notMigrated(detail: message)
            case "57P01", "57P02", "57P03", "53300": return .unreachable(endpoint: endpoint, detail: message)
            default: return .server(sqlState: state, message: message)
            }
        case .connectionError:
            return .unreachable(endpoint: endpoint, detail: error.underlying.map { String(describing: $0) } ?? "connection failed")
        case .serverClosedConnection, .clientClosedConnection, .uncleanShutdown:
            return .unreachable(endpoint: endpoint, detail: "the connection was closed")
        case .sslUnsupported:
            return .unreachable(endpoint: endpoint, detail: "the server does not offer TLS, and sslmode asks for it")
        case .failedToAddSSLHandler, .receivedUnencryptedDataAfterSSLRequest:
            return .unreachable(endpoint: endpoint, detail: "TLS could not be set up")
        case .authMechanismRequiresPassword:
            return .authenticationFailed(user: settings.user, endpoint: endpoint, detail: "the server asks for a password and none is set")
        case .unsupportedAuthMechanism, .saslError:
            return .authenticationFailed(user: settings.user, endpoint: endpoint, detail: "authentication failed (\(error.code))")
        case .poolClosed, .queryCancelled:
            return .unavailable("the hub is shutting down or the request was cancelled")
        default:
            return .server(sqlState: "", message: "\(error.code)")
        }
    }
}
