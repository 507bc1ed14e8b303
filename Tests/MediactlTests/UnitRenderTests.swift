import AssetCore
@testable import mediactl
import Testing

/// `--hub computer enrol`, `--hub unit computers` and `unit status` as printed, byte for byte: the
/// expected text is written out by hand (labels aligned by display width, Chinese two columns; times
/// in the zone asked for; empty cells for what a computer not enrolled cannot have).
@Suite struct UnitRenderTests {
    /// Times at +08:00, as `--tz +08:00` prints them.
    static func render(_ language: Language) -> Render {
        var render = Render(language: language)
        render.time = LocalTime(rules: TimeZoneRules(fixed: 8 * 3600))
        return render
    }

    static func text(_ fields: Fields) throws -> String {
        try written { out throws(LedgerError) in try fields.write(to: &out) }
    }

    static func text(_ table: SmallTable) throws -> String {
        try written { out throws(LedgerError) in try table.writeTable(to: &out) }
    }

    static func written(_ body: (inout ReportOutput) throws(LedgerError) -> Void) throws -> String {
        final class Bytes { var all: [UInt8] = [] }
        let bytes = Bytes()
        var output = ReportOutput { block in bytes.all.append(contentsOf: block) }
        try body(&output)
        try output.flush()
        return String(decoding: bytes.all, as: UTF8.self)
    }

    static let unitKey = "MCowBQYDK2VwAyEAunitkeyfortests"

    static let code = EnrolmentCode(computer: "PC-003", code: "K7M2-Q9XD", expiresAt: Timestamp(parsing: "2026-11-23T09:30:00Z")!,
                                    unit: "某市保密局", unitKeyFingerprint: "4909495ab47589df")

    @Test func anEnrolmentCodeInBothLanguages() throws {
        #expect(try Self.text(Self.render(.en).enrolment(Self.code)) == """
            Computer              PC-003
            Enrolment code        K7M2-Q9XD
            Valid until           2026-11-23 17:30:00 +08:00
            Unit                  某市保密局
            Unit key fingerprint  4909495ab47589df

            """)
        #expect(Self.render(.en).enrolmentStep(Self.code) == """
            On the computer PC-003, run as root (once, before the code expires):
              mediad-sync enrol --code K7M2-Q9XD

            """)
        #expect(try Self.text(Self.render(.zh).enrolment(Self.code)) == """
            计算机        PC-003
            注册码        K7M2-Q9XD
            有效期至      2026-11-23 17:30:00 +08:00
            单位          某市保密局
            单位密钥指纹  4909495ab47589df

            """)
        #expect(Self.render(.zh).enrolmentStep(Self.code) == """
            在计算机 PC-003 上以 root 运行（仅一次，有效期内）：
              mediad-sync enrol --code K7M2-Q9XD

            """)
    }

    static var membership: UnitMembership {
        var membership = UnitMembership(unit: "某市保密局", unitKey: unitKey, computer: "PC-002",
                                        enrolledAt: Timestamp(parsing: "2026-11-02T02:00:00Z")!, ledgerVersion: 117, head: 30,
                                        acknowledged: 26, acknowledgedHash: "ab",
                                        lastChangeAt: Timestamp(parsing: "2026-11-20T06:15:00Z"))
        membership.hub = "hub.unit.example"
        return membership
    }

    @Test func aMembershipInBothLanguages() throws {
        #expect(try Self.text(Self.render(.en).membership(Self.membership)) == """
            Unit                  某市保密局
            Unit key fingerprint  4909495ab47589df
            Hub                   hub.unit.example
            Computer              PC-002
            Enrolled at           2026-11-02 10:00:00 +08:00
            Ledger version        117
            Last change           2026-11-20 14:15:00 +08:00
            Records written       30
            Acknowledged          26
            Records owed          4

            """)
        #expect(try Self.text(Self.render(.zh).membership(Self.membership)) == """
            单位          某市保密局
            单位密钥指纹  4909495ab47589df
            中心          hub.unit.example
            计算机        PC-002
            加入时间      2026-11-02 10:00:00 +08:00
            台账版本      117
            最近变更      2026-11-20 14:15:00 +08:00
            已写记录      30
            中心已确认    26
            待送记录      4

            """)
    }

    /// A hub that gave no name at enrolment, and no change applied yet: said, not left blank.
    @Test func aMembershipWithoutHubNameOrChange() throws {
        var membership = Self.membership
        membership.hub = nil
        membership.lastChangeAt = nil
        let text = try Self.text(Self.render(.en).membership(membership))
        #expect(text.contains("\nHub                   not given\n"), "\(text)")
        #expect(text.contains("\nLast change           none\n"), "\(text)")
    }

    /// Four computers: current; behind, owing and silent; registered but not enrolled; standalone,
    /// enrolled and never heard from since.
    static let unit = UnitComputers(ledgerVersion: 120, silentAfterDays: 7, computers: [
        UnitComputerState(computer: "PC-001", name: "财务处电脑", department: "财务处",
                          enrolledAt: Timestamp(parsing: "2026-11-01T02:00:00Z"), lastHeard: Timestamp(parsing: "2026-11-22T09:30:00Z"),
                          ledgerVersion: 120, head: 57, stored: 57, silent: false),
        UnitComputerState(computer: "PC-002", name: nil, department: "办公室",
                          enrolledAt: Timestamp(parsing: "2026-11-02T02:00:00Z"), lastHeard: Timestamp(parsing: "2026-11-10T01:00:00Z"),
                          ledgerVersion: 117, head: 30, stored: 26, silent: true),
        UnitComputerState(computer: "PC-003", name: nil, department: nil, enrolledAt: nil, lastHeard: nil,
                          ledgerVersion: 0, head: 0, stored: 0, silent: false),
        {
            var bundled = UnitComputerState(computer: "PC-004", name: nil, department: nil,
                                            enrolledAt: Timestamp(parsing: "2026-11-22T01:00:00Z"), lastHeard: nil,
                                            ledgerVersion: 0, head: 0, stored: 0, silent: false)
            bundled.standalone = true
            return bundled
        }(),
    ])

    @Test func theUnitsComputersInEnglish() throws {
        #expect(Self.render(.en).unitSummary(Self.unit)
                == "unit ledger version 120; computers not heard from for 7 days (standalone ones: no records bundle for 30 days) are marked silent")
        #expect(try Self.text(Self.render(.en).unitComputers(Self.unit)) == """
            COMPUTER  NAME        DEPARTMENT  ENROLLED                    VIA      LAST HEARD                  LEDGER VERSION  BEHIND  RECORDS OWED  SILENT
            --------  ----------  ----------  --------------------------  -------  --------------------------  --------------  ------  ------------  ------
            PC-001    财务处电脑  财务处      2026-11-01 10:00:00 +08:00  courier  2026-11-22 17:30:00 +08:00  120             0       0             \("")
            PC-002                办公室      2026-11-02 10:00:00 +08:00  courier  2026-11-10 09:00:00 +08:00  117             3       4             yes
            PC-003                            not enrolled                                                                                           \("")
            PC-004                            2026-11-22 09:00:00 +08:00  bundle   never                       0               120     0             \("")

            """)
    }

    @Test func theUnitsComputersInChinese() throws {
        #expect(Self.render(.zh).unitSummary(Self.unit) == "单位台账版本 120；超过 7 天未联系（单机：超过 30 天未导入其记录数据包）的计算机标为失联")
        #expect(try Self.text(Self.render(.zh).unitComputers(Self.unit)) == """
            计算机  名称        部门    加入时间                    方式    最近联系                    台账版本  落后  待收记录  失联
            ------  ----------  ------  --------------------------  ------  --------------------------  --------  ----  --------  ----
            PC-001  财务处电脑  财务处  2026-11-01 10:00:00 +08:00  网络    2026-11-22 17:30:00 +08:00  120       0     0         \("")
            PC-002              办公室  2026-11-02 10:00:00 +08:00  网络    2026-11-10 09:00:00 +08:00  117       3     4         是
            PC-003                      未加入                                                                                    \("")
            PC-004                      2026-11-22 09:00:00 +08:00  数据包  从未                        0         120   0         \("")

            """)
    }
}
