import GRDB

extension Schema {
    /// The unit (issue 15). Each guard record takes its place in this computer's chain when it is
    /// written (`chain_seq`, the hash before it, its own hash; `record_head` holds the newest), so the
    /// hub can tell a deleted or edited record from one never written. `unit_membership` is this
    /// computer's enrolment: the unit, its pinned key, the ledger version the replica holds and the
    /// hub's newest receipt. Records written before this migration are not chained and not sent.
    static func createUnitReplica(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE device_event ADD COLUMN chain_seq INTEGER;
            ALTER TABLE device_event ADD COLUMN chain_prev TEXT;
            ALTER TABLE device_event ADD COLUMN chain_hash TEXT;
            ALTER TABLE violation ADD COLUMN chain_seq INTEGER;
            ALTER TABLE violation ADD COLUMN chain_prev TEXT;
            ALTER TABLE violation ADD COLUMN chain_hash TEXT;
            CREATE UNIQUE INDEX device_event_chain ON device_event(chain_seq) WHERE chain_seq IS NOT NULL;
            CREATE UNIQUE INDEX violation_chain ON violation(chain_seq) WHERE chain_seq IS NOT NULL;
            CREATE TABLE record_head (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                seq INTEGER NOT NULL,
                hash TEXT NOT NULL
            );
            CREATE TABLE unit_membership (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                unit TEXT NOT NULL,
                unit_key TEXT NOT NULL,
                hub TEXT,
                computer TEXT NOT NULL,
                enrolled_at TEXT NOT NULL,
                ledger_version INTEGER NOT NULL DEFAULT 0,
                acknowledged_seq INTEGER NOT NULL DEFAULT 0,
                acknowledged_hash TEXT NOT NULL,
                last_change_at TEXT
            );
            """)
        try db.execute(sql: "INSERT INTO record_head (id, seq, hash) VALUES (1, 0, ?)", arguments: [RecordChain.genesis])
    }
}
