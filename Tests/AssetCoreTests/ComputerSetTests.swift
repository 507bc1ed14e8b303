@testable import AssetCore
import Testing

/// `computer set ASSET`: another computer's record changed field by field, under host set's rules,
/// each change a trail row.
@Suite struct ComputerSetTests {
    let f: Fixture
    init() throws {
        f = try Fixture()
        try f.person("P001", "张三")
        try f.person("P002", "李四")
        try f.run(.computerAdd(Computer(assetNumber: "PC-002", name: "档案室", level: .secret, network: .classifiedLAN)))
    }

    func set(_ asset: String, _ fill: (inout HostSettings) -> Void) throws -> Computer {
        var settings = HostSettings()
        fill(&settings)
        return try f.answer(.computerSet(assetNumber: asset, settings), \.computer)
    }

    @Test func onlyTheFieldsGivenChangeAndEachIsATrailRow() throws {
        let changed = try set("PC-002") { $0.holder = "P002"; $0.allowedInterfaces = ["eth1"]; $0.lanPrefixes = ["10.8.0.0/16"] }
        #expect(changed.name == "档案室")
        #expect(changed.level == .secret)
        #expect(changed.holder == "P002")
        #expect(changed.allowedInterfaces == ["eth1"])
        #expect(changed.lanPrefixes == ["10.8.0.0/16"])
        let listed = try f.answer(.computerList, \.computers)
        #expect(listed.first { $0.assetNumber == "PC-002" }?.allowedInterfaces == ["eth1"])
        let trail = try f.answer(.auditLog(entity: "computer", key: "PC-002"), \.trail)
        #expect(Set(trail.filter { $0.action == "computer-set" }.compactMap(\.field)) == ["holder", "allowed_interfaces", "lan_prefixes"])
        #expect(trail.contains { $0.action == "computer-set" && $0.field == "holder" && $0.newValue == "P002" })
    }

    @Test func theRulesOfHostSetHold() throws {
        #expect(throws: LedgerError.computerNotFound("PC-404")) { _ = try set("PC-404") { $0.name = "无" } }
        // A classified computer is never on the internet (物理隔离).
        #expect { _ = try set("PC-002") { $0.network = .internet } } throws: { ($0 as? LedgerError)?.kind == .validation }
        #expect { _ = try set("PC-002") { $0.holder = "P404" } } throws: { ($0 as? LedgerError)?.message.en.contains("P404") == true }
        #expect { _ = try set("PC-002") { $0.assetNumber = "PC-003" } } throws: { ($0 as? LedgerError)?.kind == .conflict }
        // Nothing of the refused changes was kept.
        let kept = try #require(try f.answer(.computerList, \.computers).first { $0.assetNumber == "PC-002" })
        #expect(kept.network == .classifiedLAN && kept.holder == nil)
    }

    @Test func anEnrolledComputerSendsTheChangeToTheHub() throws {
        #expect(Request.computerSet(assetNumber: "PC-002", HostSettings()).changesUnitLedger)
        #expect(Request.computerSet(assetNumber: "PC-002", HostSettings()).permission == .administer)
    }
}
