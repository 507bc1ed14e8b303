/// The hub's schema, told as a history of named migrations like the computer's ledger
/// (`AssetCore/Store/Schema.swift`). Never edit a shipped migration: add one, so every unit's
/// database can be brought forward. Each is a list of single statements because PostgreSQL's
/// extended protocol, which binds parameters, runs one statement per message.
enum HubMigrations {
    struct Migration: Sendable {
        let name: String
        let statements: [String]
    }

    /// The first partitioned month and the first month after the last: records dated outside (a
    /// computer whose clock says 1970 or 2999) go to the default partition, so a hostile or broken
    /// clock never makes thousands of tables.
    static let firstPartitionYear = 2000
    static let endPartitionYear = 2100

    static let all: [Migration] = [
        Migration(name: "v1-hub-ledger", statements: [
            """
            CREATE TABLE hub_unit (
                singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
                name text NOT NULL,
                public_key text NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            // One row, locked by every commit (SELECT … FOR UPDATE): commits are serial, which is
            // what makes "expected mirror version" a sufficient check.
            """
            CREATE TABLE hub_version (
                singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
                mirror bigint NOT NULL,
                ledger bigint NOT NULL
            )
            """,
            "INSERT INTO hub_version (singleton, mirror, ledger) VALUES (true, 0, 0)",
            // Every table of the working copy, row by row; a deleted row keeps its last body.
            """
            CREATE TABLE ledger_row (
                tbl text NOT NULL,
                key text NOT NULL,
                body jsonb,
                deleted boolean NOT NULL DEFAULT false,
                version bigint NOT NULL,
                PRIMARY KEY (tbl, key)
            )
            """,
            // The payload's JSON bytes exactly as signed and encoded: computers check those bytes.
            """
            CREATE TABLE change_set (
                version bigint PRIMARY KEY,
                payload bytea NOT NULL,
                at timestamptz NOT NULL DEFAULT now()
            )
            """,
        ]),
        Migration(name: "v2-enrolment", statements: [
            // Codes and tokens only as hashes: the database never holds what would let one enrol.
            """
            CREATE TABLE enrolment_code (
                code_hash text PRIMARY KEY,
                computer text NOT NULL,
                expires_at timestamptz NOT NULL,
                issued_by text NOT NULL,
                issued_at timestamptz NOT NULL,
                used_at timestamptz
            )
            """,
            "CREATE INDEX enrolment_code_computer ON enrolment_code (computer)",
            """
            CREATE TABLE enrolled_computer (
                computer text PRIMARY KEY,
                public_key text NOT NULL,
                token_hash text NOT NULL UNIQUE,
                enrolled_at timestamptz NOT NULL
            )
            """,
            // Keys replaced by a re-enrolment: a batch signed by an old key can still be traced.
            """
            CREATE TABLE enrolled_key_history (
                computer text NOT NULL,
                public_key text NOT NULL,
                enrolled_at timestamptz NOT NULL,
                replaced_at timestamptz NOT NULL
            )
            """,
            "CREATE INDEX enrolled_key_history_computer ON enrolled_key_history (computer, replaced_at)",
        ]),
        Migration(name: "v3-unit-events", statements: [
            // Each computer's position: its chain as stored here, what it says it has and holds.
            """
            CREATE TABLE unit_computer (
                computer text PRIMARY KEY,
                chain_seq bigint NOT NULL,
                chain_hash text NOT NULL,
                head bigint NOT NULL,
                ledger_version bigint NOT NULL,
                last_heard timestamptz NOT NULL
            )
            """,
            // A year of a unit is about 100 million rows: partitioned by month so a report over a
            // period reads only its months and an old year can be detached whole. `content` is for
            // reading (jsonb); `content_bytes` is what the computer sent, byte for byte, since its
            // hash covers those bytes (bytea, because text cannot hold a NUL a hostile sender puts in).
            """
            CREATE TABLE unit_event (
                computer text NOT NULL,
                seq bigint NOT NULL,
                tbl text NOT NULL,
                local_id bigint NOT NULL,
                at timestamptz NOT NULL,
                content jsonb NOT NULL,
                content_bytes bytea NOT NULL,
                previous text NOT NULL,
                hash text NOT NULL,
                received_at timestamptz NOT NULL
            ) PARTITION BY RANGE (at)
            """,
            // A partitioned table's unique index must hold the partition key; its (computer, seq)
            // prefix also serves every look-up by computer and sequence, so no second index is kept.
            "CREATE UNIQUE INDEX unit_event_computer_seq ON unit_event (computer, seq, at)",
            "CREATE INDEX unit_event_at ON unit_event (at)",
            "CREATE INDEX unit_event_tbl_at ON unit_event (tbl, at)",
            "CREATE TABLE unit_event_default PARTITION OF unit_event DEFAULT",
            // The constraint lets PostgreSQL skip scanning the default partition each time a month
            // is added (it proves no row there can belong to the new month).
            """
            ALTER TABLE unit_event_default ADD CONSTRAINT unit_event_default_outside
                CHECK (at < '\(firstPartitionYear)-01-01 00:00:00+00' OR at >= '\(endPartitionYear)-01-01 00:00:00+00')
            """,
        ]),
        Migration(name: "v4-officer-views", statements: [
            // For officers at psql: the main columns of the ledger's tables, live rows only.
            """
            CREATE VIEW unit_person AS
            SELECT key AS id, body->>'name' AS name, body->>'department' AS department,
                   body->>'clearance' AS clearance, body->>'departed_on' AS departed_on,
                   body->>'declassification_ends' AS declassification_ends, version
            FROM ledger_row WHERE tbl = 'person' AND NOT deleted
            """,
            """
            CREATE VIEW unit_computer_ledger AS
            SELECT key AS asset_number, body->>'name' AS name, body->>'level' AS level,
                   body->>'network' AS network, body->>'holder' AS holder, body->>'location' AS location,
                   body->>'key_area' = '1' AS key_area, body->>'unit' AS unit, body->>'state' AS state,
                   body->>'repair_mode' AS repair_mode, body->>'disk_serials' AS disk_serials,
                   body->>'mac_addresses' AS mac_addresses, version
            FROM ledger_row WHERE tbl = 'computer' AND NOT deleted
            """,
            """
            CREATE VIEW unit_medium AS
            SELECT key AS number, body->>'kind' AS kind, body->>'level' AS level,
                   body->>'secrecy_term' AS secrecy_term, body->>'holder' AS holder, body->>'user' AS "user",
                   body->>'department' AS department, body->>'purpose' AS purpose, body->>'place' AS place,
                   body->>'in_service_date' AS in_service_date, body->>'brand' AS brand, body->>'model' AS model,
                   body->>'vendor_id' AS vendor_id, body->>'product_id' AS product_id, body->>'serial' AS serial,
                   CASE WHEN jsonb_typeof(body->'capacity_bytes') = 'number'
                        THEN (body->>'capacity_bytes')::numeric END AS capacity_bytes,
                   body->>'state' AS state, body->>'borrower' AS borrower, body->>'due_date' AS due_date,
                   body->>'notes' AS notes, body->>'registered_at' AS registered_at, version
            FROM ledger_row WHERE tbl = 'medium' AND NOT deleted
            """,
        ]),
        Migration(name: "v5-event-report-columns", statements: [
            // What the officer's reports count by (`HubDatabase+Reports`): a device event's kind and
            // verdict, kept beside its content by PostgreSQL itself so no writer can disagree, and
            // carried in the (tbl, at) index, so counting a quarter's events by kind, or finding its
            // few guard starts and link events among millions of attachments, reads the index and not
            // the rows' content (a year of a large unit is gigabytes). Null for violations.
            """
            ALTER TABLE unit_event ADD COLUMN kind text
                GENERATED ALWAYS AS (CASE WHEN tbl = 'device_event' THEN content->>'kind' END) STORED
            """,
            """
            ALTER TABLE unit_event ADD COLUMN decision text
                GENERATED ALWAYS AS (CASE WHEN tbl = 'device_event' THEN content->>'decision' END) STORED
            """,
            "DROP INDEX unit_event_tbl_at",
            "CREATE INDEX unit_event_tbl_at ON unit_event (tbl, at) INCLUDE (kind, decision)",
        ]),
        Migration(name: "v6-standalone-computers", statements: [
            // A computer enrolled by a bundle carried by hand (单机), and the last ledger bundle the
            // hub wrote for it: what it was sent, beside what it confirmed (unit_computer).
            "ALTER TABLE enrolled_computer ADD COLUMN standalone boolean NOT NULL DEFAULT false",
            "ALTER TABLE enrolled_computer ADD COLUMN last_export_at timestamptz",
            "ALTER TABLE enrolled_computer ADD COLUMN exported_version bigint",
        ]),
    ]
}
