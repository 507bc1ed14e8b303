import AssetCore
import PostgresNIO

/// Enrolment: the one-time code an administrator is shown, the computer's key pinned when it is
/// used, and the courier's token. Codes and tokens arrive hashed by the caller and are stored and
/// compared only as hashes; they are never logged (queries run with a silent logger).
extension HubDatabase {
    /// Issues a code for a registered computer, valid until `expiresAt`. An earlier code of the
    /// computer not used yet stops working: only the newest code shown is valid. Used codes stay, so
    /// who let which computer in can be traced.
    public func issueEnrolmentCode(computer: String, codeHash: String, expiresAt: Timestamp, issuedBy: String,
                                   at: Timestamp) async throws(HubStoreError) {
        try await transaction { connection in
            let registered = try await self.scalar("""
                SELECT count(*) FROM ledger_row WHERE tbl = 'computer' AND key = \(computer) AND NOT deleted
                """, as: Int64.self, on: connection)
            guard registered == 1 else { throw HubStoreError.unknownComputer(computer) }
            try await self.exec("DELETE FROM enrolment_code WHERE computer = \(computer) AND used_at IS NULL", on: connection)
            try await self.exec("""
                INSERT INTO enrolment_code (code_hash, computer, expires_at, issued_by, issued_at)
                VALUES (\(codeHash), \(computer), to_timestamp(\(EventStorage.seconds(expiresAt))), \(issuedBy),
                        to_timestamp(\(EventStorage.seconds(at))))
                """, on: connection)
        }
    }

    /// Enrols a computer with its code: the code must have been issued for this computer, unused and
    /// not expired at `at` (each refusal says which). The code is marked used, and the computer's key
    /// and the courier's token are pinned; a re-enrolment replaces them and keeps the old key in
    /// `enrolled_key_history`. `standalone` marks a computer enrolled by a bundle carried by hand.
    public func enrol(computer: String, codeHash: String, publicKey: String, tokenHash: String,
                      at: Timestamp, standalone: Bool = false) async throws(HubStoreError) {
        let now = EventStorage.seconds(at)
        try await transaction { connection in
            let rows = try await connection.query("""
                SELECT computer, extract(epoch FROM expires_at)::bigint, extract(epoch FROM used_at)::bigint
                FROM enrolment_code WHERE code_hash = \(codeHash) FOR UPDATE
                """, logger: self.quiet)
            var code: (computer: String, expires: Int64, used: Int64?)?
            for try await row in rows.decode((String, Int64, Int64?).self) { code = row }
            guard let code else { throw HubStoreError.badCode(computer: computer) }
            guard code.computer == computer else { throw HubStoreError.codeForOtherComputer(computer: computer) }
            if let used = code.used {
                throw HubStoreError.codeUsed(computer: computer, usedAt: Timestamp(secondsSinceEpoch: used))
            }
            guard now < code.expires else {
                throw HubStoreError.codeExpired(computer: computer, expiredAt: Timestamp(secondsSinceEpoch: code.expires))
            }
            try await self.exec("UPDATE enrolment_code SET used_at = to_timestamp(\(now)) WHERE code_hash = \(codeHash)",
                                on: connection)
            try await self.exec("""
                INSERT INTO enrolled_key_history (computer, public_key, enrolled_at, replaced_at)
                SELECT computer, public_key, enrolled_at, to_timestamp(\(now)) FROM enrolled_computer WHERE computer = \(computer)
                """, on: connection)
            try await self.exec("""
                INSERT INTO enrolled_computer (computer, public_key, token_hash, enrolled_at, standalone)
                VALUES (\(computer), \(publicKey), \(tokenHash), to_timestamp(\(now)), \(standalone))
                ON CONFLICT (computer) DO UPDATE SET public_key = EXCLUDED.public_key,
                    token_hash = EXCLUDED.token_hash, enrolled_at = EXCLUDED.enrolled_at, standalone = EXCLUDED.standalone,
                    last_export_at = NULL, exported_version = NULL
                """, on: connection)
        }
    }

    /// The computer a courier token belongs to, nil for a token no computer holds.
    public func enrolled(tokenHash: String) async throws(HubStoreError) -> EnrolledComputer? {
        try await enrolledComputer("SELECT computer, public_key, extract(epoch FROM enrolled_at)::bigint FROM enrolled_computer WHERE token_hash = \(tokenHash)")
    }

    /// The computer's pinned key, nil before it enrolled.
    public func enrolled(computer: String) async throws(HubStoreError) -> EnrolledComputer? {
        try await enrolledComputer("SELECT computer, public_key, extract(epoch FROM enrolled_at)::bigint FROM enrolled_computer WHERE computer = \(computer)")
    }

    /// The keys a computer enrolled with before its present one, oldest first.
    public func replacedKeys(computer: String) async throws(HubStoreError) -> [EnrolledComputer] {
        try await read { connection in
            let rows = try await connection.query("""
                SELECT computer, public_key, extract(epoch FROM enrolled_at)::bigint FROM enrolled_key_history
                WHERE computer = \(computer) ORDER BY replaced_at, enrolled_at
                """, logger: self.quiet)
            var keys: [EnrolledComputer] = []
            for try await (computer, key, at) in rows.decode((String, String, Int64).self) {
                keys.append(EnrolledComputer(computer: computer, publicKey: key, enrolledAt: Timestamp(secondsSinceEpoch: at)))
            }
            return keys
        }
    }

    private func enrolledComputer(_ query: PostgresQuery) async throws(HubStoreError) -> EnrolledComputer? {
        try await read { connection in
            let rows = try await connection.query(query, logger: self.quiet)
            for try await (computer, key, at) in rows.decode((String, String, Int64).self) {
                return EnrolledComputer(computer: computer, publicKey: key, enrolledAt: Timestamp(secondsSinceEpoch: at))
            }
            return nil
        }
    }
}

extension HubDatabase {
    /// Notes the ledger bundle just written for `computer`: the version it brings, and when.
    public func noteExport(computer: String, version: Int64, at: Timestamp) async throws(HubStoreError) {
        try await transaction { connection in
            try await self.exec("""
                UPDATE enrolled_computer SET last_export_at = to_timestamp(\(EventStorage.seconds(at))), exported_version = \(version)
                WHERE computer = \(computer)
                """, on: connection)
        }
    }
}
