import GRDB

extension Schema {
    /// The computer as an asset (issue 14): its state and the moves between states, each with its
    /// approver; its approved hardware baselines (the whole inventory, JSON, kept for ever: the
    /// register shows the newest, an inspector may ask for any); the hardware differences found and
    /// not yet closed by a baseline, so a difference is recorded once however often it is seen; and
    /// its registered peripherals (专人管理).
    static func createComputerAssets(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE computer ADD COLUMN state TEXT NOT NULL DEFAULT 'in-service';
            ALTER TABLE computer ADD COLUMN repair_mode TEXT;
            CREATE TABLE computer_movement (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                computer TEXT NOT NULL REFERENCES computer(asset_number),
                at TEXT NOT NULL,
                from_state TEXT NOT NULL,
                to_state TEXT NOT NULL,
                repair_mode TEXT,
                approver TEXT NOT NULL,
                handler TEXT,
                actor_uid INTEGER NOT NULL,
                actor_name TEXT NOT NULL,
                note TEXT
            );
            CREATE INDEX computer_movement_computer ON computer_movement(computer, id);
            CREATE TABLE hardware_baseline (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                computer TEXT NOT NULL REFERENCES computer(asset_number),
                at TEXT NOT NULL,
                approver TEXT NOT NULL,
                actor_uid INTEGER NOT NULL,
                actor_name TEXT NOT NULL,
                inventory TEXT NOT NULL,
                note TEXT
            );
            CREATE INDEX hardware_baseline_computer ON hardware_baseline(computer, id);
            CREATE TABLE hardware_change (
                computer TEXT NOT NULL,
                key TEXT NOT NULL,
                kind TEXT NOT NULL,
                first_seen TEXT NOT NULL,
                event_id INTEGER REFERENCES device_event(id),
                violation_id INTEGER REFERENCES violation(id),
                PRIMARY KEY (computer, key)
            );
            CREATE TABLE peripheral (
                number TEXT PRIMARY KEY NOT NULL,
                kind TEXT NOT NULL,
                vendor_id TEXT NOT NULL,
                product_id TEXT NOT NULL,
                serial TEXT,
                model TEXT,
                computer TEXT NOT NULL REFERENCES computer(asset_number),
                holder TEXT NOT NULL REFERENCES person(id),
                location TEXT,
                registered_at TEXT NOT NULL,
                active INTEGER NOT NULL DEFAULT 1
            );
            CREATE INDEX peripheral_identity ON peripheral(vendor_id, product_id, serial);
            """)
    }
}
