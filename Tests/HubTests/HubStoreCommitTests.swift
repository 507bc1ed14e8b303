import AssetCore
import Foundation
import HubStore
import Testing

/// Commits of the working copy: rows, versions, change sets, and that a refused or failed commit
/// writes nothing. Expected values are the hand-made rows and versions, not read from the code.
@Suite struct HubStoreCommitTests {
    @Test func rowsAreUpsertedAndDeletedAndVersionsMove() async throws {
        try await withHub { hub, settings in
            let first = try await hub.commit(HubCommit(expectedMirror: 0, rows: [
                Rows.person("P1", "张三"), Rows.person("P2", "李四"), Rows.computer("C1"), Rows.medium("M-001", capacity: 32_000_000_000),
            ]))
            // No change set: the mirror moves, the ledger computers see does not.
            #expect(first == HubVersions(mirror: 1, ledger: 0))

            let second = try await hub.commit(HubCommit(
                expectedMirror: 1, rows: [Rows.person("P1", "张三丰"), Rows.deleted("person", "P2")],
                changeSet: try signedChangeSet(to: 1)))
            #expect(second == HubVersions(mirror: 2, ledger: 1))
            #expect(try await hub.mirrorVersion() == 2)
            #expect(try await hub.ledgerVersion() == 1)

            let third = try await hub.commit(HubCommit(expectedMirror: 2, rows: [Rows.person("P3", "王五")]))
            #expect(third == HubVersions(mirror: 3, ledger: 1))

            // Live rows only, by table then key.
            let mirrored = try await hub.mirroredRows()
            #expect(mirrored == [Rows.computer("C1"), Rows.medium("M-001", capacity: 32_000_000_000),
                                 Rows.person("P1", "张三丰"), Rows.person("P3", "王五")])

            let stored = try await sql("SELECT tbl, key, deleted::text, version::text, body->>'name' FROM ledger_row ORDER BY tbl, key", settings)
            #expect(stored == [
                ["computer", "C1", "false", "1", "工作站 C1"],
                ["medium", "M-001", "false", "1", nil],
                ["person", "P1", "false", "2", "张三丰"],
                ["person", "P2", "true", "2", "李四"],
                ["person", "P3", "false", "3", "王五"],
            ])

            // The officers' views read the same rows.
            #expect(try await sql("SELECT id, name, department FROM unit_person ORDER BY id", settings)
                == [["P1", "张三丰", "保密办"], ["P3", "王五", "保密办"]])
            #expect(try await sql("SELECT asset_number, holder, key_area::text FROM unit_computer_ledger", settings)
                == [["C1", "P1", "true"]])
            #expect(try await sql("SELECT number, kind, capacity_bytes::text FROM unit_medium", settings)
                == [["M-001", "usb-stick", "32000000000"]])
        }
    }

    @Test func valuesOfEveryKindComeBackAsTheyWere() async throws {
        try await withHub { hub, _ in
            let row = LedgerRowChange(table: "medium", key: "M-é", row: [
                "number": .text("M-é"), "capacity_bytes": .integer(Int64.max), "ratio": .real(0.1),
                "negative": .integer(-7), "notes": .text("引号\"、反斜杠\\、换行\n、制表\t"), "due_date": .null,
            ])
            _ = try await hub.commit(HubCommit(expectedMirror: 0, rows: [row]))
            #expect(try await hub.mirroredRows() == [row])
        }
    }

    @Test func theLastChangeOfARowInOneCommitCounts() async throws {
        try await withHub { hub, _ in
            _ = try await hub.commit(HubCommit(expectedMirror: 0, rows: [
                Rows.person("P1", "甲"), Rows.person("P1", "乙"), Rows.person("P2", "丙"), Rows.deleted("person", "P2"),
            ]))
            #expect(try await hub.mirroredRows() == [Rows.person("P1", "乙")])
        }
    }

    @Test func aStaleWorkingCopyWritesNothing() async throws {
        try await withHub { hub, settings in
            _ = try await hub.commit(HubCommit(expectedMirror: 0, rows: [Rows.person("P1", "张三")]))
            await expectError(.versionConflict(expected: 0, actual: 1)) {
                _ = try await hub.commit(HubCommit(
                    expectedMirror: 0, rows: [Rows.person("P1", "篡改"), Rows.person("P9", "新")],
                    changeSet: try signedChangeSet(to: 1), ingest: ingest([record(1)])))
            }
            #expect(try await hub.versions() == HubVersions(mirror: 1, ledger: 0))
            #expect(try await hub.mirroredRows() == [Rows.person("P1", "张三")])
            #expect(try await hub.changeSets(after: 0, limit: 10).isEmpty)
            #expect(try await hub.recordCount(computer: nil) == 0)
            #expect(try await sql("SELECT count(*)::text FROM unit_computer", settings) == [["0"]])
        }
    }

    @Test func aCommitThatFailsHalfWayLeavesNothing() async throws {
        try await withHub { hub, settings in
            // Someone wrote version 1's change set behind the hub's back: the commit's insert of its
            // own version 1 fails after its rows were written, and everything must roll back.
            _ = try await sql("INSERT INTO change_set (version, payload) VALUES (1, '\\x00')", settings)
            do {
                _ = try await hub.commit(HubCommit(
                    expectedMirror: 0, rows: [Rows.person("P1", "张三"), Rows.computer("C1")],
                    changeSet: try signedChangeSet(to: 1),
                    ingest: ingest([record(1, at: At.march), record(2, at: At.april)])))
                Issue.record("the commit went through over a duplicate version")
            } catch {
                guard case .server(let state, _)? = error as? HubStoreError else {
                    Issue.record("expected the server's refusal, got \(error)")
                    return
                }
                #expect(state == "23505")
            }
            #expect(try await hub.versions() == HubVersions(mirror: 0, ledger: 0))
            #expect(try await sql("SELECT count(*)::text FROM ledger_row", settings) == [["0"]])
            #expect(try await sql("SELECT version::text, payload::text FROM change_set", settings) == [["1", "\\x00"]])
            #expect(try await sql("SELECT count(*)::text FROM unit_event", settings) == [["0"]])
            #expect(try await sql("SELECT count(*)::text FROM unit_computer", settings) == [["0"]])
            // The month partitions made inside the transaction went with it.
            #expect(try await sql("SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = 'unit_event'::regclass", settings)
                == [["unit_event_default"]])
            // And the next commit, at the version the caller still holds, goes through.
            #expect(try await hub.commit(HubCommit(expectedMirror: 0, rows: [Rows.person("P1", "张三")]))
                == HubVersions(mirror: 1, ledger: 0))
        }
    }

    @Test func aChangeSetMustNameTheVersionItMakes() async throws {
        try await withHub { hub, _ in
            await expectError(.changeSetMismatch(expected: 1, got: 5)) {
                _ = try await hub.commit(HubCommit(expectedMirror: 0, rows: [Rows.person("P1", "张三")],
                                                   changeSet: try signedChangeSet(to: 5)))
            }
            let receipt = try SignedPayload.sign(Receipt(unit: "u", computer: "C1", seq: 1, hash: "h", at: At.march),
                                                 kind: .receipt, with: SigningKey())
            await expectError(.changeSetMismatch(expected: 1, got: nil)) {
                _ = try await hub.commit(HubCommit(expectedMirror: 0, changeSet: receipt))
            }
            #expect(try await hub.versions() == HubVersions(mirror: 0, ledger: 0))
            #expect(try await hub.mirroredRows().isEmpty)
        }
    }

    @Test func changeSetsComeInOrderWithinBounds() async throws {
        try await withHub { hub, settings in
            var sent: [SignedPayload] = []
            var mirror: Int64 = 0
            for version in Int64(1)...4 {
                let payload = try signedChangeSet(to: version, rows: [Rows.person("P\(version)", "人员\(version)")])
                sent.append(payload)
                mirror = try await hub.commit(HubCommit(expectedMirror: mirror, rows: [Rows.person("P\(version)", "人员\(version)")],
                                                        changeSet: payload)).mirror
                // A commit without a change set in between moves the mirror only.
                mirror = try await hub.commit(HubCommit(expectedMirror: mirror, rows: [Rows.computer("C\(version)")])).mirror
            }
            #expect(try await hub.versions() == HubVersions(mirror: 8, ledger: 4))
            #expect(try await hub.changeSets(after: 0, limit: 10) == sent)
            #expect(try await hub.changeSets(after: 1, limit: 2) == [sent[1], sent[2]])
            #expect(try await hub.changeSets(after: 3, limit: 10) == [sent[3]])
            #expect(try await hub.changeSets(after: 4, limit: 10).isEmpty)
            #expect(try await hub.changeSets(after: 0, limit: 0).isEmpty)
            // Each version's payload holds its own change set.
            let tos = try await hub.changeSets(after: 0, limit: 10).map {
                try UnitCoding.decoder.decode(ChangeSet.self, from: $0.body).to
            }
            #expect(tos == [1, 2, 3, 4])
            // Stored as the bytes encoded, which computers check.
            let first = try await sql("SELECT convert_from(payload, 'UTF8') FROM change_set WHERE version = 1", settings)
            #expect(first == [[String(decoding: try UnitCoding.encoder.encode(sent[0]), as: UTF8.self)]])
        }
    }
}
