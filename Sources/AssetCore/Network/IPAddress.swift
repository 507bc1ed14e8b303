/// The address family of an IP address, named as `ip` names it.
public enum AddressFamily: String, Sendable, Hashable, Codable, CaseIterable {
    case ipv4
    case ipv6

    /// Bytes in an address of this family.
    public var byteCount: Int { self == .ipv4 ? 4 : 16 }
}

/// An IPv4 or IPv6 address as bytes, with a strict parser and the canonical text form.
///
/// Pure Swift rather than `inet_pton`, so the policy in AssetCore can read prefixes and addresses
/// without touching the C library, and so every case is a unit test.
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    public let family: AddressFamily
    /// 4 or 16 bytes, network order.
    public let bytes: [UInt8]

    /// nil unless `bytes` has exactly the length of `family`.
    public init?(family: AddressFamily, bytes: [UInt8]) {
        guard bytes.count == family.byteCount else { return nil }
        self.family = family
        self.bytes = bytes
    }

    /// `192.0.2.1`, `2001:db8::1`, `::ffff:192.0.2.1`. No zone (`%eth0`), no leading zeros in an
    /// IPv4 part (`010` is octal to some tools and decimal to others), no surrounding spaces.
    public init?(parsing text: String) {
        if text.contains(":") {
            guard let bytes = Self.parseIPv6(Substring(text)) else { return nil }
            self.init(family: .ipv6, bytes: bytes)
        } else {
            guard let bytes = Self.parseIPv4(Substring(text)) else { return nil }
            self.init(family: .ipv4, bytes: bytes)
        }
    }

    /// Dotted quad for IPv4; RFC 5952 for IPv6 (lower case, the longest run of two or more zero
    /// groups shortened to `::`, the first such run on a tie).
    public var description: String {
        if family == .ipv4 { return bytes.map { String($0) }.joined(separator: ".") }
        let groups = stride(from: 0, to: 16, by: 2).map { UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]) }
        var best = (start: -1, length: 0)
        var index = 0
        while index < 8 {
            guard groups[index] == 0 else { index += 1; continue }
            var end = index
            while end < 8 && groups[end] == 0 { end += 1 }
            if end - index > best.length { best = (index, end - index) }
            index = end
        }
        let hex = groups.map { String($0, radix: 16) }
        guard best.length >= 2 else { return hex.joined(separator: ":") }
        let head = hex[..<best.start].joined(separator: ":")
        let tail = hex[(best.start + best.length)...].joined(separator: ":")
        return head + "::" + tail
    }

    /// `127.0.0.0/8` or `::1`: never leaves the computer.
    public var isLoopback: Bool {
        family == .ipv4 ? bytes[0] == 127 : bytes == [UInt8](repeating: 0, count: 15) + [1]
    }

    /// `fe80::/10`: the kernel gives one to every IPv6 link that comes up, so it says nothing about
    /// anyone having configured the link.
    public var isIPv6LinkLocal: Bool {
        family == .ipv6 && bytes[0] == 0xFE && bytes[1] & 0xC0 == 0x80
    }

    static func parseIPv4(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                  part.count == 1 || part.first != "0", let value = UInt8(part) else { return nil }
            bytes.append(value)
        }
        return bytes
    }

    static func parseIPv6(_ text: Substring) -> [UInt8]? {
        guard text.utf8.count <= 45 else { return nil }
        let halves = text.components(separatedByDoubleColon: ())
        guard halves.count <= 2 else { return nil }
        guard let head = groups(halves[0], allowIPv4Tail: halves.count == 1) else { return nil }
        if halves.count == 1 {
            return head.count == 16 ? head : nil
        }
        guard let tail = groups(halves[1], allowIPv4Tail: true) else { return nil }
        // "::" stands for at least one zero group.
        guard head.count + tail.count <= 14 else { return nil }
        return head + [UInt8](repeating: 0, count: 16 - head.count - tail.count) + tail
    }

    /// Colon-separated hex groups (1–4 digits each), the last of which may be a dotted IPv4 address.
    private static func groups(_ text: Substring, allowIPv4Tail: Bool) -> [UInt8]? {
        if text.isEmpty { return [] }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        var bytes: [UInt8] = []
        for (index, part) in parts.enumerated() {
            if index == parts.count - 1, allowIPv4Tail, part.contains(".") {
                guard let v4 = parseIPv4(part) else { return nil }
                bytes += v4
                continue
            }
            guard (1...4).contains(part.count), part.allSatisfy(\.isHexDigit), let value = UInt16(part, radix: 16) else { return nil }
            bytes += [UInt8(value >> 8), UInt8(value & 0xFF)]
        }
        return bytes
    }
}

extension Substring {
    /// Splits at `::` (at most meaningful once in an IPv6 address; more is reported as 3+ parts).
    fileprivate func components(separatedByDoubleColon: Void) -> [Substring] {
        var parts: [Substring] = []
        var start = startIndex
        var index = startIndex
        while index < endIndex {
            let next = self.index(after: index)
            if self[index] == ":", next < endIndex, self[next] == ":" {
                parts.append(self[start..<index])
                start = self.index(after: next)
                index = start
                // ":::" is malformed: the third colon starts an empty group, caught by the parser.
                continue
            }
            index = next
        }
        parts.append(self[start..<endIndex])
        return parts
    }
}

/// A network prefix (CIDR), e.g. `10.0.0.0/8` or `2001:db8::/32`: how a classified LAN's address
/// ranges are written in its profile.
public struct IPPrefix: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The network address, host bits cleared.
    public let network: IPAddress
    public let length: Int

    /// Clears the host bits, so `10.1.2.3/8` and `10.0.0.0/8` are the same prefix.
    public init?(address: IPAddress, length: Int) {
        guard (0...address.family.byteCount * 8).contains(length) else { return nil }
        self.network = IPAddress(family: address.family, bytes: Self.mask(address.bytes, length))!
        self.length = length
    }

    /// `A/N`, or a bare address meaning one host (/32, /128). Throws with a message a clerk can act on.
    public init(parsing text: String) throws(NetworkProfileError) {
        let trimmed = text.trimmingWhitespace()
        let parts = trimmed.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(parsing: String(parts[0])) else { throw .badPrefix(text) }
        var length = address.family.byteCount * 8
        if parts.count == 2 {
            guard !parts[1].isEmpty, parts[1].count <= 3, parts[1].utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                  let value = Int(parts[1]),
                  value >= 0, value <= length else { throw .badPrefix(text) }
            length = value
        }
        self.init(address: address, length: length)!
    }

    /// Whether `address` lies inside. An address of the other family never does (an
    /// IPv4-mapped IPv6 address is not the IPv4 address, as far as routing goes).
    public func contains(_ address: IPAddress) -> Bool {
        address.family == network.family && Self.mask(address.bytes, length) == network.bytes
    }

    public var description: String { "\(network)/\(length)" }

    static func mask(_ bytes: [UInt8], _ length: Int) -> [UInt8] {
        bytes.enumerated().map { index, byte in
            let bits = max(0, min(8, length - index * 8))
            return bits == 8 ? byte : byte & ~(UInt8(0xFF) >> bits)
        }
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
