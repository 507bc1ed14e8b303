@testable import AssetCore
import Testing

/// 物理隔离 (000 §5.1.1): a classified computer is never registered as online.
@Suite struct IsolationTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let level: Level
        let network: NetworkType
        let prefixes: Bool
        let allowed: Bool
        init(_ level: Level, _ network: NetworkType, prefixes: Bool = false, _ allowed: Bool) {
            self.level = level
            self.network = network
            self.prefixes = prefixes
            self.allowed = allowed
        }
        var testDescription: String { "\(level) on \(network)\(prefixes ? " with prefixes" : "") → \(allowed ? "allowed" : "refused")" }
    }

    /// By hand, from the regulation: which (level, network, LAN prefixes or not) a computer may be
    /// registered with. 秘密 and above on the internet: never. On an internal network: only with the
    /// LAN's prefixes. Below 秘密 (internal, unclassified): anything.
    static let cases: [Case] = [
        Case(.topSecret, .internet, false), Case(.topSecret, .internet, prefixes: true, false),
        Case(.secret, .internet, false), Case(.secret, .internet, prefixes: true, false),
        Case(.confidential, .internet, false), Case(.confidential, .internet, prefixes: true, false),
        Case(.topSecret, .internal, false), Case(.secret, .internal, false), Case(.confidential, .internal, false),
        Case(.topSecret, .internal, prefixes: true, true), Case(.secret, .internal, prefixes: true, true),
        Case(.confidential, .internal, prefixes: true, true),
        Case(.topSecret, .standalone, true), Case(.confidential, .standalone, true),
        Case(.secret, .classifiedLAN, prefixes: true, true),
        Case(.internal, .internet, true), Case(.unclassified, .internet, true), Case(.internal, .internal, true),
        Case(.unclassified, .standalone, true),
    ]

    static func computer(_ level: Level, _ network: NetworkType, prefixes: Bool) -> Computer {
        var computer = Computer(assetNumber: "PC-001", level: level, network: network)
        if prefixes { computer.lanPrefixes = ["10.8.0.0/16"] }
        return computer
    }

    @Test(arguments: cases)
    func theRuleAsAPureFunction(_ rule: Case) throws {
        let (level, network, prefixes) = (rule.level, rule.network, rule.prefixes)
        let problem = Self.computer(level, network, prefixes: prefixes).isolationProblem
        if rule.allowed {
            #expect(problem == nil, "\(level) on \(network) (prefixes: \(prefixes)) is allowed")
        } else {
            let reason = try #require(problem, "\(level) on \(network) (prefixes: \(prefixes)) must be refused")
            #expect(reason.zh.contains("物理隔离") && reason.en.contains("physical isolation"))
            #expect(reason.en.contains("PC-001") && reason.zh.contains("PC-001"))
            if network == .internal { #expect(reason.en.contains("--lan-prefix") && reason.zh.contains("--lan-prefix")) }
        }
    }

    @Test func hostSetRefusesAClassifiedComputerOnline() throws {
        let f = try Fixture()
        var settings = HostSettings()
        settings.assetNumber = "PC-001"
        settings.level = .secret
        settings.network = .internet
        let online = try #require(ledgerError { try f.run(.hostSet(settings)) })
        #expect(online.kind == .validation)
        #expect(online.text(.en).contains("physical isolation") && online.text(.zh).contains("物理隔离"))
        settings.network = .internal
        let noPrefixes = try #require(ledgerError { try f.run(.hostSet(settings)) })
        #expect(noPrefixes.kind == .validation && noPrefixes.text(.en).contains("--lan-prefix"))
        #expect(ledgerError { try f.run(.hostShow) }?.kind == .notFound, "nothing was saved")
        settings.lanPrefixes = ["10.8.0.0/16"]
        #expect(ledgerError { try f.run(.hostSet(settings)) } == nil)
    }

    @Test func changesToAnExistingHostAreCheckedToo() throws {
        let f = try Fixture()
        var first = HostSettings()
        first.assetNumber = "PC-001"
        first.level = .internal
        first.network = .internet
        try f.run(.hostSet(first))
        var raise = HostSettings()
        raise.level = .confidential
        #expect(ledgerError { try f.run(.hostSet(raise)) }?.kind == .validation, "raising an internet computer to 秘密")
        var standalone = HostSettings()
        standalone.network = .standalone
        try f.run(.hostSet(standalone))
        try f.run(.hostSet(raise))
        var online = HostSettings()
        online.network = .internet
        #expect(ledgerError { try f.run(.hostSet(online)) }?.kind == .validation, "putting a 秘密 computer online")
        var internalNet = HostSettings()
        internalNet.network = .internal
        internalNet.lanPrefixes = ["10.8.0.0/16"]
        try f.run(.hostSet(internalNet))
        var clear = HostSettings()
        clear.lanPrefixes = []
        #expect(ledgerError { try f.run(.hostSet(clear)) }?.kind == .validation, "taking the prefixes away")
        let response = try f.run(.hostShow)
        let host = try answer(response, \.computer)
        #expect(host.level == .confidential && host.network == .internal && host.lanPrefixes == ["10.8.0.0/16"])
    }

    @Test func computerAddRefusesAClassifiedComputerOnline() throws {
        let f = try Fixture()
        let online = try #require(ledgerError { try f.run(.computerAdd(Computer(assetNumber: "PC-002", level: .topSecret, network: .internet))) })
        #expect(online.kind == .validation && online.text(.en).contains("PC-002"))
        #expect(ledgerError { try f.run(.computerAdd(Computer(assetNumber: "PC-003", level: .confidential, network: .internal))) }?.kind == .validation)
        var withLAN = Computer(assetNumber: "PC-003", level: .confidential, network: .internal)
        withLAN.lanPrefixes = ["10.8.0.0/16"]
        try f.run(.computerAdd(withLAN))
        try f.run(.computerAdd(Computer(assetNumber: "PC-004", level: .internal, network: .internet)))
        var badPrefix = Computer(assetNumber: "PC-005", level: .secret, network: .internal)
        badPrefix.lanPrefixes = ["10.8.0.0/99"]
        #expect(ledgerError { try f.run(.computerAdd(badPrefix)) }?.kind == .validation, "prefixes must parse")
        let response = try f.run(.computerList)
        let list = try answer(response, \.computers)
        #expect(list.map(\.assetNumber) == ["PC-003", "PC-004"])
    }
}
