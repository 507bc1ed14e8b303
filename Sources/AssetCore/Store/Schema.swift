import GRDB

/// The ledger's schema, told as a history of named migrations. Never edit a shipped migration:
/// add a new one, so every existing database can be brought forward.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-ledger", migrate: createLedger)
        migrator.registerMigration("v2-guard-records", migrate: createGuardRecords)
        migrator.registerMigration("v3-guard-state", migrate: createGuardState)
        migrator.registerMigration("v4-network-profile", migrate: addNetworkProfile)
        migrator.registerMigration("v5-key-area-approval", migrate: createKeyAreaApproval)
        migrator.registerMigration("v6-computer-unit", migrate: addComputerUnit)
        migrator.registerMigration("v7-violation-handling", migrate: addViolationHandling)
        migrator.registerMigration("v8-media-checks", migrate: createMediaChecks)
        migrator.registerMigration("v9-inspections", migrate: createInspections)
        migrator.registerMigration("v10-computer-assets", migrate: createComputerAssets)
        migrator.registerMigration("v11-unit-replica", migrate: createUnitReplica)
        return migrator
    }

    private static func createLedger(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE person (
                id TEXT PRIMARY KEY NOT NULL,
                name TEXT NOT NULL,
                department TEXT,
                clearance TEXT NOT NULL,
                departed_on TEXT,
                declassification_ends TEXT
            );
            CREATE TABLE computer (
                asset_number TEXT PRIMARY KEY NOT NULL,
                name TEXT,
                level TEXT NOT NULL,
                network TEXT NOT NULL,
                holder TEXT REFERENCES person(id),
                location TEXT,
                key_area INTEGER NOT NULL DEFAULT 0,
                disk_serials TEXT NOT NULL DEFAULT '[]',
                mac_addresses TEXT NOT NULL DEFAULT '[]',
                is_this_host INTEGER NOT NULL DEFAULT 0
            );
            CREATE UNIQUE INDEX computer_this_host ON computer(is_this_host) WHERE is_this_host = 1;
            CREATE TABLE medium (
                number TEXT PRIMARY KEY NOT NULL,
                kind TEXT NOT NULL,
                level TEXT NOT NULL,
                secrecy_term TEXT,
                holder TEXT NOT NULL REFERENCES person(id),
                user TEXT,
                department TEXT,
                purpose TEXT,
                place TEXT,
                in_service_date TEXT,
                brand TEXT,
                model TEXT,
                vendor_id TEXT,
                product_id TEXT,
                serial TEXT,
                capacity_bytes INTEGER,
                filesystem_uuids TEXT NOT NULL DEFAULT '[]',
                bound_computers TEXT NOT NULL DEFAULT '[]',
                state TEXT NOT NULL,
                borrower TEXT REFERENCES person(id),
                due_date TEXT,
                notes TEXT,
                registered_at TEXT NOT NULL
            );
            CREATE UNIQUE INDEX medium_identity ON medium(vendor_id, product_id, serial) WHERE serial IS NOT NULL;
            CREATE INDEX medium_holder ON medium(holder);
            CREATE INDEX medium_state ON medium(state);
            CREATE TABLE movement (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                number TEXT NOT NULL REFERENCES medium(number),
                kind TEXT NOT NULL,
                from_state TEXT,
                to_state TEXT,
                at TEXT NOT NULL,
                actor_uid INTEGER NOT NULL,
                actor_name TEXT NOT NULL,
                approver TEXT,
                handler TEXT,
                person TEXT,
                due_date TEXT,
                method TEXT,
                witness TEXT,
                repair_unit TEXT,
                reason TEXT,
                from_level TEXT,
                to_level TEXT,
                note TEXT
            );
            CREATE INDEX movement_number ON movement(number, id);
            CREATE TABLE trail (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                at TEXT NOT NULL,
                actor_uid INTEGER NOT NULL,
                actor_name TEXT NOT NULL,
                action TEXT NOT NULL,
                entity TEXT NOT NULL,
                entity_key TEXT NOT NULL,
                field TEXT,
                old_value TEXT,
                new_value TEXT,
                prev_hash TEXT NOT NULL,
                hash TEXT NOT NULL
            );
            """)
    }

    /// What the guard saw and decided, and the violations it found: observations, not admin changes,
    /// so they are not part of the admin trail.
    private static func createGuardRecords(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE device_event (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                at TEXT NOT NULL,
                kind TEXT NOT NULL,
                computer TEXT,
                syspath TEXT,
                port TEXT,
                vendor_id TEXT,
                product_id TEXT,
                serial TEXT,
                device TEXT,
                decision TEXT,
                audited INTEGER NOT NULL DEFAULT 0,
                medium_number TEXT,
                holder TEXT,
                stores INTEGER NOT NULL DEFAULT 0,
                observation TEXT,
                note TEXT
            );
            CREATE INDEX device_event_at ON device_event(at);
            CREATE TABLE violation (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                event_id INTEGER REFERENCES device_event(id),
                at TEXT NOT NULL,
                type TEXT NOT NULL,
                severity TEXT NOT NULL,
                computer TEXT,
                medium_number TEXT,
                person TEXT,
                serial TEXT,
                device TEXT,
                outcome TEXT NOT NULL,
                reason_zh TEXT NOT NULL,
                reason_en TEXT NOT NULL,
                status TEXT NOT NULL DEFAULT 'open',
                acknowledged_by TEXT,
                acknowledged_at TEXT,
                note TEXT
            );
            CREATE INDEX violation_status ON violation(status, id);
            CREATE INDEX violation_at ON violation(at);
            """)
    }

    /// The guard's last sign of life, so that after a crash the gap in its watch can be recorded.
    private static func createGuardState(_ db: Database) throws {
        try db.execute(sql: "CREATE TABLE guard_state (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL)")
    }

    /// A leader's approval for a phone, camera or recorder to be used in key areas (要害部位,
    /// 003 第十条): one row per medium, kept apart from the medium's own columns because it is an act
    /// of approval with its own who and when, not a property of the hardware.
    private static func createKeyAreaApproval(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE key_area_approval (
                number TEXT PRIMARY KEY NOT NULL REFERENCES medium(number),
                approver TEXT NOT NULL,
                approved_at TEXT NOT NULL,
                note TEXT
            )
            """)
    }

    /// The unit (单位) a computer belongs to: the officer's forms are headed with it.
    private static func addComputerUnit(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE computer ADD COLUMN unit TEXT")
    }

    /// 查处: how an officer handled a violation to its end (004 §4.2) — the graded outcome, the person
    /// held responsible, who handled it, when, and why. `status` gains the value `handled`.
    private static func addViolationHandling(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE violation ADD COLUMN handling TEXT;
            ALTER TABLE violation ADD COLUMN responsible TEXT;
            ALTER TABLE violation ADD COLUMN handled_by TEXT;
            ALTER TABLE violation ADD COLUMN handled_at TEXT;
            ALTER TABLE violation ADD COLUMN handling_note TEXT;
            """)
    }

    /// 清查核对: a periodic check that every medium is where the ledger says. One check is open at a
    /// time; the media in its scope are fixed when it starts (`check_expected`), and each sighting —
    /// plugged in while the check is open, or typed — is kept with how and when (`check_sighting`).
    private static func createMediaChecks(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE media_check (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                scope TEXT NOT NULL,
                scope_value TEXT,
                checker TEXT NOT NULL,
                started_at TEXT NOT NULL,
                actor_uid INTEGER NOT NULL,
                actor_name TEXT NOT NULL,
                state TEXT NOT NULL,
                ended_at TEXT,
                ended_by TEXT,
                note TEXT
            );
            CREATE UNIQUE INDEX media_check_one_open ON media_check(state) WHERE state = 'open';
            CREATE TABLE check_expected (
                check_id INTEGER NOT NULL REFERENCES media_check(id),
                number TEXT NOT NULL,
                holder TEXT,
                department TEXT,
                state TEXT NOT NULL,
                PRIMARY KEY (check_id, number)
            );
            CREATE TABLE check_sighting (
                check_id INTEGER NOT NULL REFERENCES media_check(id),
                number TEXT NOT NULL,
                at TEXT NOT NULL,
                how TEXT NOT NULL,
                decision TEXT,
                event_id INTEGER,
                actor_name TEXT,
                PRIMARY KEY (check_id, number)
            );
            """)
    }

    /// 保密检查: each run of `mediactl inspect` — who, when, the overall result, and every item with
    /// its status, reason and what to do (JSON).
    private static func createInspections(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE inspection (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                at TEXT NOT NULL,
                actor_uid INTEGER NOT NULL,
                actor_name TEXT NOT NULL,
                result TEXT NOT NULL,
                items TEXT NOT NULL
            );
            CREATE INDEX inspection_at ON inspection(at);
            """)
    }

    /// A classified-LAN computer's allowed interfaces and LAN prefixes, for the network guard.
    private static func addNetworkProfile(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE computer ADD COLUMN allowed_interfaces TEXT NOT NULL DEFAULT '[]';
            ALTER TABLE computer ADD COLUMN lan_prefixes TEXT NOT NULL DEFAULT '[]';
            """)
    }
}
