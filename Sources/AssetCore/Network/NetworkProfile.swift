/// A mistake in a network profile, with a message that says what is expected.
public enum NetworkProfileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Not a CIDR prefix (`10.0.0.0/8`, `2001:db8::/32`) or a bare address.
    case badPrefix(String)
    /// Empty, or a name the kernel would refuse (longer than 15 bytes, with `/`, `:` or spaces).
    case badInterface(String)

    public var message: Bilingual {
        switch self {
        case .badPrefix(let text):
            Bilingual(zh: "“\(SafeText.escape(text))”不是网段：应写作 10.0.0.0/8 或 2001:db8::/32 的形式",
                      en: "'\(SafeText.escape(text))' is not a prefix: write it as 10.0.0.0/8 or 2001:db8::/32")
        case .badInterface(let text):
            Bilingual(zh: "“\(SafeText.escape(text))”不是网卡名称或 MAC 地址：应写作 eth0、enp3s0* 或 00:11:22:33:44:55",
                      en: "'\(SafeText.escape(text))' is not an interface name or MAC: write eth0, enp3s0* or 00:11:22:33:44:55")
        }
    }

    public var description: String { message.en }

    /// The same mistake as the ledger's error type, for the service and mediactl.
    public var ledgerError: LedgerError { LedgerError(.validation, zh: message.zh, en: message.en) }
}

/// One entry of a computer's allowed interfaces: by name (a trailing `*` matches any suffix), or
/// by MAC address. Written and stored as the text the officer typed.
public enum InterfaceMatch: Sendable, Hashable, Codable, CustomStringConvertible {
    case name(String)
    /// Lower case, colon-separated.
    case mac(String)

    /// A MAC (`00:11:22:33:44:55`, `00-11-22-33-44-55`, any case) or else an interface name.
    public init(parsing text: String) throws(NetworkProfileError) {
        let trimmed = text.trimmingWhitespace()
        if let mac = Self.normalisedMAC(trimmed) { self = .mac(mac); return }
        let pattern = trimmed.hasSuffix("*") ? String(trimmed.dropLast()) : trimmed
        guard !trimmed.isEmpty, trimmed != "*", pattern.utf8.count <= 15,
              pattern.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0 != "/" && $0 != ":" && $0 != "*" && $0.value != 0x7F })
        else { throw .badInterface(text) }
        self = .name(trimmed)
    }

    /// Whether this entry names `link`. A MAC entry is compared with the link's permanent
    /// (factory) address when the kernel reports one, so a USB adapter that copies an allowed
    /// card's current MAC is still not that card.
    public func matches(_ link: LinkObservation) -> Bool {
        switch self {
        case .name(let pattern):
            if pattern.hasSuffix("*") { return link.name.hasPrefix(pattern.dropLast()) }
            return link.name == pattern
        case .mac(let mac):
            guard let seen = (link.permanentMAC ?? link.mac).flatMap(Self.normalisedMAC) else { return false }
            return seen == mac
        }
    }

    public var description: String {
        switch self {
        case .name(let name): name
        case .mac(let mac): mac
        }
    }

    /// Six hex bytes separated by `:` or `-`, as lower-case colon text; nil for anything else.
    public static func normalisedMAC(_ text: String) -> String? {
        let parts = text.split(whereSeparator: { $0 == ":" || $0 == "-" }).map(String.init)
        guard parts.count == 6, text.utf8.count == 17,
              parts.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isHexDigit) && UInt8($0, radix: 16) != nil })
        else { return nil }
        return parts.map { $0.lowercased() }.joined(separator: ":")
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(parsing: text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// What the link rules need to know about this computer: the network it is registered on, whether
/// it is classified, which interfaces it may use and which address ranges its LAN has.
public struct NetworkProfile: Sendable, Hashable, Codable {
    public var network: NetworkType
    /// A state-secret computer (绝密, 机密, 秘密): radios and tethering are forbidden on it whatever
    /// its network.
    public var classified: Bool
    /// Interfaces that are part of the computer's permitted network (by name or MAC). On a
    /// standalone computer these are exempt from the link rules; on a classified-LAN computer they
    /// are the LAN interfaces.
    public var allowedInterfaces: [InterfaceMatch]
    /// The classified LAN's prefixes. Empty means the profile names no ranges: then the allowed
    /// interfaces define the LAN, and their addresses are not checked.
    public var lanPrefixes: [IPPrefix]

    public init(network: NetworkType, classified: Bool = true, allowedInterfaces: [InterfaceMatch] = [],
                lanPrefixes: [IPPrefix] = []) {
        self.network = network
        self.classified = classified
        self.allowedInterfaces = allowedInterfaces
        self.lanPrefixes = lanPrefixes
    }

    /// The profile of a registered computer: its network type and level from the ledger, the rest
    /// from the guard's configuration.
    public init(computer: Computer, allowedInterfaces: [InterfaceMatch] = [], lanPrefixes: [IPPrefix] = []) {
        self.init(network: computer.network, classified: computer.level.isStateSecret,
                  allowedInterfaces: allowedInterfaces, lanPrefixes: lanPrefixes)
    }

    /// For a computer that is not in the ledger: the strictest profile (air-gapped and classified),
    /// as the USB rules block every storage device on an unregistered computer. Fail closed.
    public static let unregistered = NetworkProfile(network: .standalone, classified: true)

    /// Whether radios and tethering are forbidden: on classified computers, and on air-gapped and
    /// classified-LAN ones whatever their registered level.
    public var forbidsRadios: Bool {
        classified || network == .standalone || network == .classifiedLAN
    }

    public func allows(_ link: LinkObservation) -> Bool {
        allowedInterfaces.contains { $0.matches(link) }
    }

    /// Whether an address on `link` is on the classified LAN: inside one of its prefixes, or, when
    /// the profile names none, carried by an allowed interface.
    public func isOnLAN(_ address: IPAddress, link: LinkObservation) -> Bool {
        if lanPrefixes.isEmpty { return allows(link) }
        return lanPrefixes.contains { $0.contains(address) }
    }
}
