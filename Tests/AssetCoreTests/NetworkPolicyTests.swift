@testable import AssetCore
import Foundation
import Testing

/// The link rules, written from the regulations (domain.md 7, 8, 9) rather than from the code.
@Suite struct NetworkPolicyTests {
    /// A link that has got as far as `evidence`: carrier from `.carrier` on, 192.0.2.2/24 (and its
    /// kernel prefix route) from `.address` on, a default route via 192.0.2.1 at `.defaultRoute`.
    static func link(_ name: String = "usb0", kind: LinkKind = .tethering, evidence: LinkEvidence = .appeared,
                     ifindex: Int = 5, mac: String? = "02:00:00:00:00:05", address: String = "192.0.2.2",
                     prefix: Int = 24, gateway: String = "192.0.2.1") -> LinkObservation {
        var link = LinkObservation(ifindex: ifindex, name: name, mac: mac, kind: kind)
        if evidence >= .carrier {
            link.up = true
            link.carrier = true
            link.operState = .up
        }
        if evidence >= .address {
            let family: AddressFamily = address.contains(":") ? .ipv6 : .ipv4
            link.addresses = [LinkAddress(family: family, address: address, prefixLength: prefix)]
            let network = IPPrefix(address: IPAddress(parsing: address)!, length: prefix)!.network.description
            link.routes = [LinkRoute(family: family, destination: network, prefixLength: prefix, byKernel: true)]
        }
        if evidence >= .defaultRoute {
            let family: AddressFamily = gateway.contains(":") ? .ipv6 : .ipv4
            link.routes.append(LinkRoute(family: family, destination: family == .ipv4 ? "0.0.0.0" : "::", prefixLength: 0, gateway: gateway))
        }
        return link
    }

    static func profile(_ network: NetworkType, classified: Bool = true, allow: [String] = [], prefixes: [String] = []) -> NetworkProfile {
        NetworkProfile(network: network, classified: classified,
                       allowedInterfaces: allow.map { try! InterfaceMatch(parsing: $0) },
                       lanPrefixes: prefixes.map { try! IPPrefix(parsing: $0) })
    }

    static func judge(_ link: LinkObservation, _ profile: NetworkProfile, others: [LinkObservation] = []) -> LinkVerdict {
        LinkPolicy.judge(link, profile: profile, allLinks: others + [link])
    }

    static func types(_ verdict: LinkVerdict) -> [LinkViolationType: Severity] {
        Dictionary(uniqueKeysWithValues: verdict.violations.map { ($0.type, $0.severity) })
    }

    /// Rules 7 and 8 per network, written by hand: on a standalone computer (单机) and a classified
    /// LAN (涉密网) every link must be one of the allowed interfaces (违规外联); a radio is forbidden
    /// there and on any classified computer, whatever its network.
    static let networks: [(network: NetworkType, classified: Bool, radioForbidden: Bool, linkMustBeAllowed: Bool)] = [
        (.standalone, true, true, true),
        (.standalone, false, true, true),
        (.classifiedLAN, true, true, true),
        (.classifiedLAN, false, true, true),
        (.internal, true, true, false),
        (.internal, false, false, false),
        (.internet, true, true, false),
        (.internet, false, false, false),
    ]

    /// Rule 7's radios (Wi-Fi, 4G, Bluetooth, phone tethering); loopback leads nowhere, so it is
    /// never a link out.
    static let kinds: [(kind: LinkKind, leadsOut: Bool, radio: Bool)] = [
        (.loopback, false, false),
        (.wired, true, false),
        (.wireless, true, true),
        (.wwan, true, true),
        (.bluetooth, true, true),
        (.tethering, true, true),
        (.virtual, true, false),
        (.unknown, true, false),
    ]

    /// The further a link has got, the graver: an unauthorized link from low (it appeared) to
    /// critical (a default route); a forbidden radio is high at the least.
    static let ladder: [(evidence: LinkEvidence, link: Severity, radio: Severity)] = [
        (.appeared, .low, .high),
        (.carrier, .medium, .high),
        (.address, .high, .high),
        (.defaultRoute, .critical, .critical),
    ]

    @Test func theTablesCoverEveryNetworkEveryKindEveryStep() {
        #expect(Set(Self.networks.map { "\($0.network) \($0.classified)" }).count == NetworkType.allCases.count * 2)
        #expect(Set(Self.kinds.map(\.kind)) == Set(LinkKind.allCases))
        #expect(Self.ladder.map(\.evidence) == LinkEvidence.allCases)
    }

    /// The radio rule and the allowed-link rule are judged each on its own.
    @Test func everyNetworkEveryKindEveryStep() {
        var cases = 0
        for row in Self.networks {
            for kind in Self.kinds {
                for step in Self.ladder {
                    for allowed in [true, false] {
                        // The LAN is 192.0.2.0/24, so an allowed link's own address is on it.
                        let profile = Self.profile(row.network, classified: row.classified, allow: allowed ? ["usb0"] : ["eth0"],
                                                   prefixes: ["192.0.2.0/24"])
                        let verdict = Self.judge(Self.link(kind: kind.kind, evidence: step.evidence), profile)
                        var want: [LinkViolationType: Severity] = [:]
                        if kind.leadsOut && kind.radio && row.radioForbidden { want[.wirelessDevice] = step.radio }
                        if kind.leadsOut && row.linkMustBeAllowed && !allowed { want[.unauthorizedLink] = step.link }
                        let label = "\(row.network) classified=\(row.classified) \(kind.kind) \(step.evidence) allowed=\(allowed)"
                        #expect(Self.types(verdict) == want, "\(label)")
                        #expect(verdict.decision == (want.isEmpty ? .allow : .cut), "\(label)")
                        #expect(verdict.evidence == step.evidence, "\(label)")
                        #expect(!verdict.audited, "\(label)")
                        cases += 1
                    }
                }
            }
        }
        #expect(cases == 4 * 2 * 8 * 4 * 2)
    }

    @Test func standaloneSeverityRisesWithEvidence() {
        let profile = Self.profile(.standalone)
        let severities = LinkEvidence.allCases.map { Self.judge(Self.link(kind: .virtual, evidence: $0), profile).severity }
        #expect(severities == [.low, .medium, .high, .critical])
        // Up without carrier is still only "appeared".
        var up = Self.link(kind: .wired)
        up.up = true
        #expect(Self.judge(up, profile).evidence == .appeared)
        #expect(Self.judge(up, profile).severity == .low)
        // Carrier lost with the address and default route still configured: still critical.
        var pulled = Self.link(kind: .wired, evidence: .defaultRoute)
        pulled.carrier = false
        #expect(Self.judge(pulled, profile).severity == .critical)
    }

    @Test func whatCountsAsAnAddressOrRoute() {
        let profile = Self.profile(.standalone)
        var link = Self.link(kind: .wired, evidence: .carrier)
        link.addresses = [LinkAddress(family: .ipv6, address: "fe80::1", prefixLength: 64)]
        link.routes = [LinkRoute(family: .ipv6, destination: "fe80::", prefixLength: 64, byKernel: true),
                       LinkRoute(family: .ipv6, destination: "ff00::", prefixLength: 8)]
        #expect(Self.judge(link, profile).evidence == .carrier, "link-local and multicast are the kernel's own")
        link.addresses.append(LinkAddress(family: .ipv6, address: "2001:db8::2", prefixLength: 64))
        #expect(Self.judge(link, profile).evidence == .address)
        link.addresses = []
        link.routes.append(LinkRoute(family: .ipv4, destination: "198.51.100.0", prefixLength: 24))
        #expect(Self.judge(link, profile).evidence == .address, "a configured route without an address")
        link.routes.append(LinkRoute(family: .ipv6, destination: "::", prefixLength: 0, gateway: "2001:db8::1"))
        #expect(Self.judge(link, profile).evidence == .defaultRoute)
        #expect(link.hasDefaultRouteIPv6 && !link.hasDefaultRouteIPv4)
        // Addresses on a link of kind loopback never matter.
        var lo = LinkObservation(ifindex: 1, name: "lo", kind: .loopback, up: true, carrier: true)
        lo.addresses = [LinkAddress(family: .ipv4, address: "192.0.2.9", prefixLength: 32)]
        #expect(Self.judge(lo, profile).decision == .allow)
    }

    @Test func allowedByNameGlobAndMAC() {
        let link = Self.link("enp3s0", kind: .wired, evidence: .defaultRoute, mac: "00:11:22:aa:bb:cc")
        #expect(Self.judge(link, Self.profile(.standalone, allow: ["enp3s0"])).decision == .allow)
        #expect(Self.judge(link, Self.profile(.standalone, allow: ["enp*"])).decision == .allow)
        #expect(Self.judge(link, Self.profile(.standalone, allow: ["enp3s1"])).decision == .cut)
        #expect(Self.judge(link, Self.profile(.standalone, allow: ["00-11-22-AA-BB-CC"])).decision == .allow)
        #expect(Self.judge(link, Self.profile(.standalone, allow: ["00:11:22:aa:bb:cd"])).decision == .cut)
        // A USB adapter that copied the allowed card's MAC: its factory address gives it away.
        var clone = link
        clone.name = "enx0011"
        clone.permanentMAC = "66:77:88:99:aa:bb"
        #expect(Self.judge(clone, Self.profile(.standalone, allow: ["00:11:22:aa:bb:cc"])).decision == .cut)
        clone.permanentMAC = "00:11:22:aa:bb:cc"
        #expect(Self.judge(clone, Self.profile(.standalone, allow: ["00:11:22:aa:bb:cc"])).decision == .allow)
        // No MAC at all (tun) never matches a MAC entry.
        var tun = link
        tun.mac = nil
        #expect(Self.judge(tun, Self.profile(.standalone, allow: ["00:11:22:aa:bb:cc"])).decision == .cut)
        // Allowing never excuses a radio on a classified computer.
        let wifi = Self.link("wlan0", kind: .wireless, evidence: .carrier)
        #expect(Self.types(Self.judge(wifi, Self.profile(.standalone, allow: ["wlan0"]))) == [.wirelessDevice: .high])
    }

    @Test func lanPrefixesIPv4() {
        let profile = Self.profile(.classifiedLAN, allow: ["eth0"], prefixes: ["10.0.0.0/8"])
        let inside = Self.link("eth0", kind: .wired, evidence: .defaultRoute, address: "10.1.2.3", prefix: 16, gateway: "10.1.0.1")
        #expect(Self.judge(inside, profile).decision == .allow)
        let outsideAddress = Self.link("eth0", kind: .wired, evidence: .address, address: "192.0.2.2")
        #expect(Self.types(Self.judge(outsideAddress, profile)) == [.unauthorizedLink: .high])
        var outsideGateway = inside
        outsideGateway.routes.removeAll(where: \.isDefault)
        outsideGateway.routes.append(LinkRoute(family: .ipv4, destination: "0.0.0.0", prefixLength: 0, gateway: "192.0.2.1"))
        // On the LAN by its address and routed elsewhere: also 一机两用 through one card.
        #expect(Self.types(Self.judge(outsideGateway, profile)) == [.unauthorizedLink: .critical, .dualHomed: .critical])
        var deviceRoute = inside
        deviceRoute.routes.removeAll(where: \.isDefault)
        deviceRoute.routes.append(LinkRoute(family: .ipv4, destination: "0.0.0.0", prefixLength: 0))
        #expect(Self.types(Self.judge(deviceRoute, profile)) == [.unauthorizedLink: .critical, .dualHomed: .critical],
                "a default route with no gateway cannot be vouched for")
        var lanRoute = inside
        lanRoute.routes.append(LinkRoute(family: .ipv4, destination: "10.9.0.0", prefixLength: 16))
        #expect(Self.judge(lanRoute, profile).decision == .allow, "a gateway-less route inside the LAN stays on it")
        // Carrier and link-local addresses on a LAN interface are fine.
        #expect(Self.judge(Self.link("eth0", kind: .wired, evidence: .carrier), profile).decision == .allow)
    }

    @Test func lanPrefixesIPv6() {
        let profile = Self.profile(.classifiedLAN, allow: ["eth0"], prefixes: ["2001:db8:100::/40", "10.0.0.0/8"])
        let inside = Self.link("eth0", kind: .wired, evidence: .defaultRoute, address: "2001:db8:1aa::5", prefix: 64,
                               gateway: "2001:db8:100::1")
        #expect(Self.judge(inside, profile).decision == .allow)
        let outside = Self.link("eth0", kind: .wired, evidence: .address, address: "2001:db8:200::5", prefix: 64)
        #expect(Self.types(Self.judge(outside, profile)) == [.unauthorizedLink: .high])
        let outsideGateway = Self.link("eth0", kind: .wired, evidence: .defaultRoute, address: "2001:db8:100::5", prefix: 64,
                                       gateway: "2001:db8:300::1")
        #expect(Self.types(Self.judge(outsideGateway, profile)) == [.unauthorizedLink: .critical, .dualHomed: .critical])
        // An IPv4-mapped address is not inside an IPv4 prefix.
        let mapped = Self.link("eth0", kind: .wired, evidence: .address, address: "::ffff:10.0.0.5", prefix: 128)
        #expect(Self.judge(mapped, profile).decision == .cut)
    }

    @Test func dualHomed() {
        let profile = Self.profile(.classifiedLAN, allow: ["eth0"], prefixes: ["10.0.0.0/8"])
        let lan = Self.link("eth0", kind: .wired, evidence: .defaultRoute, ifindex: 2, address: "10.0.0.5", gateway: "10.0.0.1")
        let phone = Self.link("usb0", kind: .tethering, evidence: .address, ifindex: 7)
        let verdict = Self.judge(phone, profile, others: [lan])
        #expect(Self.types(verdict) == [.wirelessDevice: .high, .unauthorizedLink: .high, .dualHomed: .critical])
        #expect(verdict.severity == .critical)
        #expect(verdict.violations.first { $0.type == .dualHomed }!.reason.en.contains("eth0"))
        #expect(Self.judge(lan, profile, others: [phone]).decision == .allow, "the LAN link itself stays up")
        // Not yet on the LAN (eth0 has no address): the second network alone is not 一机两用.
        let idle = Self.link("eth0", kind: .wired, evidence: .carrier, ifindex: 2)
        #expect(Self.types(Self.judge(phone, profile, others: [idle]))[.dualHomed] == nil)
        // A second LAN card with a LAN address is not another network.
        let second = Self.link("eth1", kind: .wired, evidence: .address, ifindex: 3, address: "10.0.0.6")
        #expect(Self.types(Self.judge(second, profile, others: [lan])) == [.unauthorizedLink: .high])
        // An allowed card that also takes an outside address is dual-homed on its own.
        var both = lan
        both.addresses.append(LinkAddress(family: .ipv4, address: "192.0.2.2", prefixLength: 24))
        #expect(Self.types(Self.judge(both, profile)) == [.unauthorizedLink: .high, .dualHomed: .critical])
        // A stale copy of the judged link in allLinks does not count.
        let verdictWithStale = LinkPolicy.judge(phone, profile: profile, allLinks: [Self.link("usb0", ifindex: 7, address: "10.0.0.9")])
        #expect(Self.types(verdictWithStale)[.dualHomed] == nil)
    }

    @Test func dualHomedWithoutPrefixes() {
        // No prefixes: the allowed interfaces are the LAN, and their addresses are not checked.
        let profile = Self.profile(.classifiedLAN, allow: ["eth0"])
        let lan = Self.link("eth0", kind: .wired, evidence: .defaultRoute, ifindex: 2, address: "172.16.0.5", gateway: "172.16.0.1")
        #expect(Self.judge(lan, profile).decision == .allow)
        let other = Self.link("eth1", kind: .wired, evidence: .address, ifindex: 3)
        #expect(Self.types(Self.judge(other, profile, others: [lan])) == [.unauthorizedLink: .high, .dualHomed: .critical])
    }

    @Test func internalNetworkOnlyForbidsDualHoming() {
        let profile = Self.profile(.internal, classified: false, allow: ["eth0"], prefixes: ["10.0.0.0/8"])
        let lan = Self.link("eth0", kind: .wired, evidence: .defaultRoute, ifindex: 2, address: "10.0.0.5", gateway: "10.0.0.1")
        let phone = Self.link("usb0", kind: .tethering, evidence: .defaultRoute, ifindex: 7)
        #expect(Self.types(Self.judge(phone, profile, others: [lan])) == [.dualHomed: .critical])
        #expect(Self.judge(phone, profile).decision == .allow, "alone, the phone is this computer's network")
        #expect(Self.judge(phone, Self.profile(.internal, classified: false), others: [lan]).decision == .allow,
                "no LAN described: nothing to compare with")
        #expect(Self.judge(phone, Self.profile(.internet, classified: false, allow: ["eth0"], prefixes: ["10.0.0.0/8"]),
                           others: [lan]).decision == .allow)
    }

    @Test func auditModeRecordsOnly() {
        let link = Self.link(kind: .virtual, evidence: .defaultRoute)
        let audited = LinkPolicy.decide(link, profile: .unregistered, allLinks: [link], mode: .audit)
        #expect(audited.decision == .cut && audited.audited && !audited.enforcesCut)
        let enforced = LinkPolicy.decide(link, profile: .unregistered, allLinks: [link], mode: .enforce)
        #expect(enforced.enforcesCut && enforced.severity == .critical)
    }

    @Test func profileFromComputer() {
        let secret = Computer(assetNumber: "PC-1", level: .secret, network: .classifiedLAN)
        #expect(NetworkProfile(computer: secret).classified)
        #expect(NetworkProfile(computer: secret).network == .classifiedLAN)
        let office = Computer(assetNumber: "PC-2", level: .internal, network: .internet)
        #expect(!NetworkProfile(computer: office).classified)
        #expect(NetworkProfile.unregistered.network == .standalone && NetworkProfile.unregistered.classified)
        // An internet computer that is not classified may have Wi-Fi; a classified one may not.
        let wifi = Self.link("wlan0", kind: .wireless, evidence: .defaultRoute)
        #expect(Self.judge(wifi, NetworkProfile(computer: office)).decision == .allow)
        #expect(Self.types(Self.judge(wifi, Self.profile(.internet, classified: true))) == [.wirelessDevice: .critical])
    }

    @Test func reasonsAreBilingualAndEscaped() {
        var link = Self.link("evil\u{1B}[2J", kind: .tethering, evidence: .defaultRoute)
        link.usb = LinkUSBIdentity(syspath: "/sys/devices/x/1-1", vendorID: "04e8", productID: "6863",
                                   manufacturer: "SAMSUNG", product: "Galaxy\nfake line")
        let verdict = Self.judge(link, Self.profile(.standalone))
        #expect(verdict.violations.count == 2)
        for violation in verdict.violations {
            #expect(!violation.reason.zh.isEmpty && !violation.reason.en.isEmpty)
            #expect(!violation.reason.en.contains("\u{1B}") && !violation.reason.en.contains("\n"))
            #expect(violation.reason.en.contains("04e8:6863"))
        }
        let unauthorized = verdict.violations.first { $0.type == .unauthorizedLink }!
        #expect(unauthorized.reason.en.contains("default route via 192.0.2.1"))
        #expect(unauthorized.reason.zh.contains("默认路由"))
        for type in LinkViolationType.allCases {
            #expect(!type.names.zh.isEmpty && !type.names.en.isEmpty)
            #expect(LinkViolationType(parsing: type.rawValue.uppercased()) == type)
        }
        #expect(LinkViolationType(parsing: "违规外联") == .unauthorizedLink)
        #expect(LinkViolationType(parsing: "一机两用") == .dualHomed)
    }

    @Test func verdictAndProfileAreCodable() throws {
        let profile = Self.profile(.classifiedLAN, allow: ["eth0", "00:11:22:33:44:55", "enp*"], prefixes: ["10.0.0.0/8", "2001:db8::/32"])
        let data = try JSONEncoder().encode(profile)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"10.0.0.0\\/8\"") || text.contains("\"10.0.0.0/8\""))
        #expect(try JSONDecoder().decode(NetworkProfile.self, from: data) == profile)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(IPPrefix.self, from: Data("\"10.0.0.0/33\"".utf8))
        }
        let link = Self.link(kind: .tethering, evidence: .defaultRoute)
        let verdict = Self.judge(link, profile)
        #expect(try JSONDecoder().decode(LinkVerdict.self, from: JSONEncoder().encode(verdict)) == verdict)
        #expect(try JSONDecoder().decode(LinkObservation.self, from: JSONEncoder().encode(link)) == link)
    }
}
