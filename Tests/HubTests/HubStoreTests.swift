import AssetCore
import Foundation
@testable import HubStore
import Logging
import Testing

/// The settings, the schema, the unit and the connection failures, against a real PostgreSQL.
@Suite struct HubStoreSetupTests {
    @Test func settingsParseLibpqKeywords() throws {
        let settings = try HubDatabaseSettings(parsing: "host=/var/run/postgresql port=5433 user=mediahub dbname=ledger")
        #expect(settings == HubDatabaseSettings(host: "/var/run/postgresql", port: 5433, user: "mediahub", database: "ledger"))
        #expect(settings.endpoint == "/var/run/postgresql/.s.PGSQL.5433")

        let quoted = try HubDatabaseSettings(parsing: #"  host = db.unit.lan user=hub password='a b\'c' sslmode=require "#)
        #expect(quoted == HubDatabaseSettings(host: "db.unit.lan", port: 5432, user: "hub", database: "hub",
                                              password: "a b'c", sslMode: .require))
        #expect(quoted.endpoint == "db.unit.lan:5432")
        #expect(!quoted.redacted.contains("a b"))

        let bare = try HubDatabaseSettings(parsing: "user=mediahub")
        #expect(bare.host == "/var/run/postgresql" && bare.database == "mediahub" && bare.port == 5432)
    }

    @Test func settingsRefuseWhatTheyDoNotKnow() {
        #expect(throws: HubStoreError.unknownSettings(["database", "hots"])) {
            try HubDatabaseSettings(parsing: "user=a database=b hots=c")
        }
        #expect(throws: HubStoreError.badSettings("port=70000 is not a port number")) {
            try HubDatabaseSettings(parsing: "user=a port=70000")
        }
        #expect(throws: HubStoreError.badSettings("no user= (the PostgreSQL role the hub connects as)")) {
            try HubDatabaseSettings(parsing: "host=/tmp dbname=x")
        }
        #expect(throws: HubStoreError.badSettings("the quoted value of password is not closed")) {
            try HubDatabaseSettings(parsing: "user=a password='x")
        }
        #expect(HubStoreError.unknownSettings(["hots"]).description
            == "unknown database setting hots (known: host, port, user, dbname, password, sslmode)")
    }

    @Test func migratingTwiceChangesNothing() async throws {
        try await withHub { hub, settings in
            let expected = ["v1-hub-ledger", "v2-enrolment", "v3-unit-events", "v4-officer-views",
                            "v5-event-report-columns", "v6-standalone-computers"]
            #expect(try await hub.appliedMigrations() == expected)
            let before = try await sql("SELECT name, applied_at::text FROM hub_migration ORDER BY name", settings)
            #expect(before.map { $0[0] } == expected)
            try await hub.migrate()
            #expect(try await sql("SELECT name, applied_at::text FROM hub_migration ORDER BY name", settings) == before)
            #expect(try await hub.versions() == HubVersions(mirror: 0, ledger: 0))
            let tables = try await sql("""
                SELECT relname::text FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'p', 'v')
                ORDER BY relname
                """, settings).map { $0[0] ?? "" }
            #expect(tables == ["change_set", "enrolled_computer", "enrolled_key_history", "enrolment_code", "hub_migration",
                               "hub_unit", "hub_version", "ledger_row", "unit_computer", "unit_computer_ledger",
                               "unit_event", "unit_event_default", "unit_medium", "unit_person"])
        }
    }

    @Test func theOwnerIsSetOnceAndNeverReplaced() async throws {
        try await withHub { hub, _ in
            #expect(try await hub.unit() == nil)
            try await hub.setUnit(name: "某研究所", publicKey: "KEY1")
            try await hub.setUnit(name: "某研究所", publicKey: "KEY1")
            let unit = try #require(try await hub.unit())
            #expect(unit.name == "某研究所" && unit.publicKey == "KEY1")
            await expectError(.unitMismatch(existing: "某研究所", given: "某研究所")) {
                try await hub.setUnit(name: "某研究所", publicKey: "KEY2")
            }
            await expectError(.unitMismatch(existing: "某研究所", given: "另一单位")) {
                try await hub.setUnit(name: "另一单位", publicKey: "KEY1")
            }
            #expect(try await hub.unit()?.publicKey == "KEY1")
        }
    }

    @Test func aServerThatIsNotThereIsNamed() async throws {
        let settings = HubDatabaseSettings(host: "/nonexistent-hub-socket", user: "mediahub", database: "mediahub")
        let hub = HubDatabase(settings: settings, logger: Logger(label: "hubstore.tests"))
        do {
            try await hub.migrate()
            Issue.record("migrated against no server")
        } catch {
            guard case .unreachable(let endpoint, _) = error else {
                Issue.record("expected unreachable, got \(error)")
                return
            }
            #expect(endpoint == "/nonexistent-hub-socket/.s.PGSQL.5432")
            #expect(error.description.hasPrefix("cannot reach PostgreSQL at /nonexistent-hub-socket/.s.PGSQL.5432 ("))
            #expect(error.zh.contains("/nonexistent-hub-socket/.s.PGSQL.5432"))
        }
    }

    @Test func aMissingDatabaseOrRoleIsNamed() async throws {
        let fresh = try await PostgresCluster.shared.freshDatabase()
        var noDatabase = fresh
        noDatabase.database = "no_such_ledger"
        await expectError(.noDatabase(database: "no_such_ledger", endpoint: fresh.endpoint)) {
            try await HubDatabase(settings: noDatabase, logger: Logger(label: "hubstore.tests")).probe()
        }
        var noRole = fresh
        noRole.user = "nobody_here"
        do {
            try await HubDatabase(settings: noRole, logger: Logger(label: "hubstore.tests")).probe()
            Issue.record("connected as a role that does not exist")
        } catch {
            guard case .authenticationFailed(let user, let endpoint, let detail) = error else {
                Issue.record("expected authenticationFailed, got \(error)")
                return
            }
            #expect(user == "nobody_here" && endpoint == fresh.endpoint && detail.contains("nobody_here"))
        }
    }

    @Test func anUnmigratedDatabaseSaysSo() async throws {
        let settings = try await PostgresCluster.shared.freshDatabase()
        let hub = HubDatabase(settings: settings, logger: Logger(label: "hubstore.tests"))
        let running = Task { await hub.run() }
        defer { running.cancel() }
        do {
            _ = try await hub.mirrorVersion()
            Issue.record("read a version from an empty database")
        } catch {
            guard case .notMigrated = error else {
                Issue.record("expected notMigrated, got \(error)")
                return
            }
        }
    }
}
