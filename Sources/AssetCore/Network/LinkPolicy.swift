/// The rules for network links: a pure function from a link, the computer's profile and the other
/// links to a verdict. No I/O and no clock, so every case is a unit test.
///
/// - Radios (Wi-Fi, WWAN, Bluetooth, tethering) present at all on a classified, standalone or
///   classified-LAN computer: `wireless-device` (violation 7), at least high.
/// - Standalone: every link but loopback and the allowed ones is `unauthorized-link` (违规外联,
///   violation 8), graded by how far it got: appeared low, carrier medium, address high, default
///   route critical.
/// - Classified LAN: a link outside the allowed list is `unauthorized-link`, graded the same way;
///   an allowed link with an address, or a route through a gateway, outside the LAN's prefixes is
///   `unauthorized-link` (high; critical for a default route). A link that reaches another network
///   while any link is on the LAN is `dual-homed` (一机两用, violation 9), critical.
/// - Internal (内网): only the dual-homed rule, when the profile says where the LAN is (001 forbids
///   any computer to be on a LAN and a public network at once).
/// - Internet: nothing.
/// Any violation cuts the link. Loopback is always allowed.
public enum LinkPolicy {
    /// The verdict, marked `audited` in audit mode (recorded, not enforced).
    public static func decide(_ link: LinkObservation, profile: NetworkProfile, allLinks: [LinkObservation],
                              mode: GuardMode) -> LinkVerdict {
        var verdict = judge(link, profile: profile, allLinks: allLinks)
        if mode == .audit { verdict.audited = true }
        return verdict
    }

    /// `allLinks` is every link the computer has now; it may or may not contain `link` itself
    /// (the given `link` value wins over a stale copy with the same ifindex).
    public static func judge(_ link: LinkObservation, profile: NetworkProfile, allLinks: [LinkObservation]) -> LinkVerdict {
        let evidence = link.evidence
        if link.kind == .loopback { return LinkVerdict(decision: .allow, evidence: evidence) }
        var violations: [LinkViolation] = []
        if link.kind.isRadioOrTethering && profile.forbidsRadios {
            violations.append(LinkViolation(type: .wirelessDevice, severity: max(.high, evidence.severity), reason: Bilingual(
                zh: "\(profile.classified ? "涉密" : profile.network.name(.zh))计算机上出现无线或移动联网设备 \(describe(link, .zh))，\(detail(link, evidence).zh)",
                en: "radio or tethering link \(describe(link, .en)) on a \(profile.classified ? "classified" : profile.network.name(.en)) computer; it \(detail(link, evidence).en)")))
        }
        switch profile.network {
        case .standalone:
            if !profile.allows(link) {
                violations.append(LinkViolation(type: .unauthorizedLink, severity: evidence.severity, reason: Bilingual(
                    zh: "单机（物理隔离）计算机上的网络接口 \(describe(link, .zh))\(detail(link, evidence).zh)",
                    en: "network interface \(describe(link, .en)) on a standalone (air-gapped) computer \(detail(link, evidence).en)")))
            }
        case .classifiedLAN:
            if let violation = lanViolation(link, profile: profile, evidence: evidence) { violations.append(violation) }
            if let violation = dualHomed(link, profile: profile, allLinks: allLinks) { violations.append(violation) }
        case .internal:
            if !profile.lanPrefixes.isEmpty || !profile.allowedInterfaces.isEmpty,
               let violation = dualHomed(link, profile: profile, allLinks: allLinks) { violations.append(violation) }
        case .internet:
            break
        }
        return LinkVerdict(decision: violations.isEmpty ? .allow : .cut, violations: violations, evidence: evidence)
    }

    /// Classified LAN: an interface that is not a LAN interface, or a LAN interface configured
    /// to reach beyond the LAN.
    static func lanViolation(_ link: LinkObservation, profile: NetworkProfile, evidence: LinkEvidence) -> LinkViolation? {
        guard profile.allows(link) else {
            return LinkViolation(type: .unauthorizedLink, severity: evidence.severity, reason: Bilingual(
                zh: "网络接口 \(describe(link, .zh)) 不是本机登记的涉密网接口，\(detail(link, evidence).zh)",
                en: "network interface \(describe(link, .en)) is not one of this computer's LAN interfaces; it \(detail(link, evidence).en)"))
        }
        let outside = outsideLAN(link, profile: profile)
        guard !outside.isEmpty else { return nil }
        let critical = outside.contains { $0.isDefaultRoute }
        let list = outside.map(\.text)
        return LinkViolation(type: .unauthorizedLink, severity: critical ? .critical : .high, reason: Bilingual(
            zh: "涉密网接口 \(describe(link, .zh)) 配置了涉密网网段以外的\(list.map(\.zh).joined(separator: "、"))",
            en: "LAN interface \(describe(link, .en)) has \(list.map(\.en).joined(separator: ", ")) outside the LAN's prefixes"))
    }

    /// 一机两用: `link` reaches a network other than the LAN while some link is on the LAN.
    static func dualHomed(_ link: LinkObservation, profile: NetworkProfile, allLinks: [LinkObservation]) -> LinkViolation? {
        let elsewhere = outsideLAN(link, profile: profile)
        guard !elsewhere.isEmpty else { return nil }
        let links = allLinks.filter { $0.ifindex != link.ifindex } + [link]
        guard let lan = links.first(where: { candidate in
            candidate.kind != .loopback && candidate.configuredAddresses.contains { address in
                address.ip.map { profile.isOnLAN($0, link: candidate) } ?? false
            }
        }) else { return nil }
        let list = elsewhere.map(\.text)
        return LinkViolation(type: .dualHomed, severity: .critical, reason: Bilingual(
            zh: "本机经 \(describe(lan, .zh)) 接入局域网，同时经 \(describe(link, .zh)) 接入其他网络（\(list.map(\.zh).joined(separator: "、"))）",
            en: "this computer is on the LAN through \(describe(lan, .en)) and on another network through \(describe(link, .en)) (\(list.map(\.en).joined(separator: ", ")))"))
    }

    /// What on `link` leads somewhere other than the LAN: configured addresses outside it, and
    /// configured routes whose gateway is outside it (or that have none, when the link is not a
    /// LAN interface the profile vouches for).
    static func outsideLAN(_ link: LinkObservation, profile: NetworkProfile) -> [(text: Bilingual, isDefaultRoute: Bool)] {
        var found: [(text: Bilingual, isDefaultRoute: Bool)] = []
        for address in link.configuredAddresses {
            if let ip = address.ip, profile.isOnLAN(ip, link: link) { continue }
            let text = "\(SafeText.escape(address.address))/\(address.prefixLength)"
            found.append((Bilingual(zh: "地址 \(text)", en: "address \(text)"), false))
        }
        for route in link.routes where route.isConfigured {
            let onLAN: Bool = if let gateway = route.gateway.flatMap(IPAddress.init(parsing:)) {
                profile.isOnLAN(gateway, link: link)
            } else {
                profile.lanPrefixes.isEmpty ? profile.allows(link) : !route.isDefault && isInsideLAN(route, profile)
            }
            guard !onLAN else { continue }
            found.append((routeText(route), route.isDefault))
        }
        return found
    }

    /// A gateway-less route whose destination lies inside the LAN's prefixes stays on the LAN.
    private static func isInsideLAN(_ route: LinkRoute, _ profile: NetworkProfile) -> Bool {
        guard let destination = IPAddress(parsing: route.destination),
              let prefix = IPPrefix(address: destination, length: route.prefixLength) else { return false }
        return profile.lanPrefixes.contains { $0.network.family == prefix.network.family && $0.length <= prefix.length && $0.contains(destination) }
    }

    static func routeText(_ route: LinkRoute) -> Bilingual {
        let via = route.gateway.map { SafeText.escape($0) }
        if route.isDefault {
            return Bilingual(zh: "默认路由" + (via.map { "（经 \($0)）" } ?? ""), en: "a default route" + (via.map { " via \($0)" } ?? ""))
        }
        let target = "\(SafeText.escape(route.destination))/\(route.prefixLength)"
        return Bilingual(zh: "到 \(target) 的路由" + (via.map { "（经 \($0)）" } ?? ""), en: "a route to \(target)" + (via.map { " via \($0)" } ?? ""))
    }

    /// What the link has done, for a reason text: "has address 192.0.2.2/24".
    static func detail(_ link: LinkObservation, _ evidence: LinkEvidence) -> Bilingual {
        switch evidence {
        case .appeared: return Bilingual(zh: "已出现", en: "appeared")
        case .carrier: return Bilingual(zh: "已接通（有载波）", en: "has carrier")
        case .address:
            let addresses = link.configuredAddresses.map { "\(SafeText.escape($0.address))/\($0.prefixLength)" }
            if !addresses.isEmpty {
                return Bilingual(zh: "已配置地址 \(addresses.joined(separator: "、"))", en: "has address \(addresses.joined(separator: ", "))")
            }
            let routes = link.routes.filter(\.isConfigured).map(routeText)
            return Bilingual(zh: "已配置\(routes.map(\.zh).joined(separator: "、"))", en: "has \(routes.map(\.en).joined(separator: ", "))")
        case .defaultRoute:
            let route = routeText(link.routes.first(where: \.isDefault)!)
            return Bilingual(zh: "已配置\(route.zh)", en: "has \(route.en)")
        }
    }

    /// `usb0 (phone tethering, USB 04e8:6863 SAMSUNG Galaxy)`: the name is chosen by whoever made
    /// the link and the strings by the device, so both are escaped.
    static func describe(_ link: LinkObservation, _ language: Language) -> String {
        var parts = [link.kind.name(language)]
        if let usb = link.usb {
            let label = SafeText.escape([usb.manufacturer, usb.product].compactMap { $0 }.joined(separator: " "))
            parts.append("USB \(usb.vendorID):\(usb.productID)" + (label.isEmpty ? "" : " \(label)"))
        }
        let separator = language == .zh ? "，" : ", "
        let (open, close) = language == .zh ? ("（", "）") : (" (", ")")
        return SafeText.escape(link.name) + open + parts.joined(separator: separator) + close
    }
}
