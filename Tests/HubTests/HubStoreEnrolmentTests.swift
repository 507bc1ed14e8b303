import AssetCore
import HubStore
import Testing

/// Enrolment: every wrong use of a code is refused with its own error, a right one pins the key and
/// the token, and a re-enrolment replaces the key while keeping the old one.
@Suite struct HubStoreEnrolmentTests {
    static let issued = At.time("2026-03-15T10:00:00Z")
    static let expires = At.time("2026-03-15T10:10:00Z")

    @Test func everyWrongCodeIsRefusedByName() async throws {
        try await withHub { hub, settings in
            _ = try await hub.commit(HubCommit(expectedMirror: 0, rows: [Rows.person("P1", "张三"), Rows.computer("C1"), Rows.computer("C2")]))
            await expectError(.unknownComputer("C9")) {
                try await hub.issueEnrolmentCode(computer: "C9", codeHash: "hash-x", expiresAt: Self.expires,
                                                 issuedBy: "admin", at: Self.issued)
            }
            try await hub.issueEnrolmentCode(computer: "C1", codeHash: "hash-1", expiresAt: Self.expires, issuedBy: "admin", at: Self.issued)
            let minuteLater = At.time("2026-03-15T10:01:00Z")

            await expectError(.badCode(computer: "C1")) {
                try await hub.enrol(computer: "C1", codeHash: "hash-wrong", publicKey: "K1", tokenHash: "T1", at: minuteLater)
            }
            await expectError(.codeForOtherComputer(computer: "C2")) {
                try await hub.enrol(computer: "C2", codeHash: "hash-1", publicKey: "K1", tokenHash: "T1", at: minuteLater)
            }
            await expectError(.codeExpired(computer: "C1", expiredAt: Self.expires)) {
                try await hub.enrol(computer: "C1", codeHash: "hash-1", publicKey: "K1", tokenHash: "T1", at: Self.expires)
            }
            #expect(try await hub.enrolled(computer: "C1") == nil)

            // A new code replaces the unused one.
            try await hub.issueEnrolmentCode(computer: "C1", codeHash: "hash-2", expiresAt: Self.expires, issuedBy: "admin",
                                             at: At.time("2026-03-15T10:02:00Z"))
            await expectError(.badCode(computer: "C1")) {
                try await hub.enrol(computer: "C1", codeHash: "hash-1", publicKey: "K1", tokenHash: "T1", at: minuteLater)
            }
            let enrolledAt = At.time("2026-03-15T10:03:00Z")
            try await hub.enrol(computer: "C1", codeHash: "hash-2", publicKey: "K1", tokenHash: "T1", at: enrolledAt)
            let pinned = EnrolledComputer(computer: "C1", publicKey: "K1", enrolledAt: enrolledAt)
            #expect(try await hub.enrolled(computer: "C1") == pinned)
            #expect(try await hub.enrolled(tokenHash: "T1") == pinned)
            #expect(try await hub.enrolled(tokenHash: "T2") == nil)

            await expectError(.codeUsed(computer: "C1", usedAt: enrolledAt)) {
                try await hub.enrol(computer: "C1", codeHash: "hash-2", publicKey: "K-evil", tokenHash: "T-evil",
                                    at: At.time("2026-03-15T10:04:00Z"))
            }
            #expect(try await hub.enrolled(computer: "C1") == pinned)
            // Only hashes are stored: the codes' and the token's own text never reached the database.
            #expect(try await sql("SELECT code_hash, computer, issued_by, (used_at IS NOT NULL)::text FROM enrolment_code ORDER BY code_hash", settings)
                == [["hash-2", "C1", "admin", "true"]])
        }
    }

    @Test func reEnrolmentReplacesTheKeyAndKeepsTheOld() async throws {
        try await withHub { hub, _ in
            _ = try await hub.commit(HubCommit(expectedMirror: 0, rows: [Rows.person("P1", "张三"), Rows.computer("C1")]))
            let first = At.time("2026-03-15T10:03:00Z")
            try await hub.issueEnrolmentCode(computer: "C1", codeHash: "a", expiresAt: Self.expires, issuedBy: "admin", at: Self.issued)
            try await hub.enrol(computer: "C1", codeHash: "a", publicKey: "K1", tokenHash: "T1", at: first)

            let second = At.time("2026-04-01T09:00:00Z")
            try await hub.issueEnrolmentCode(computer: "C1", codeHash: "b", expiresAt: At.time("2026-04-01T09:10:00Z"),
                                             issuedBy: "admin2", at: At.time("2026-04-01T08:59:00Z"))
            try await hub.enrol(computer: "C1", codeHash: "b", publicKey: "K2", tokenHash: "T2", at: second)

            #expect(try await hub.enrolled(computer: "C1") == EnrolledComputer(computer: "C1", publicKey: "K2", enrolledAt: second))
            #expect(try await hub.enrolled(tokenHash: "T1") == nil)
            #expect(try await hub.enrolled(tokenHash: "T2")?.publicKey == "K2")
            #expect(try await hub.replacedKeys(computer: "C1") == [EnrolledComputer(computer: "C1", publicKey: "K1", enrolledAt: first)])
        }
    }
}
