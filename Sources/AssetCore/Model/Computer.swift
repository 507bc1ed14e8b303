/// The kind of network a computer sits on; it decides which links are violations.
public enum NetworkType: String, Sendable, Codable, CaseIterable {
    /// 单机: air-gapped; any link to anything is a violation.
    case standalone
    /// 涉密网: a classified LAN; only its own interfaces and prefixes are allowed.
    case classifiedLAN = "classified-lan"
    /// 内网: an internal (non-classified) office network.
    case `internal`
    /// 互联网: connected to the internet; must not process classified information.
    case internet

    public var names: Bilingual {
        switch self {
        case .standalone: Bilingual(zh: "单机", en: "standalone")
        case .classifiedLAN: Bilingual(zh: "涉密网", en: "classified-lan")
        case .internal: Bilingual(zh: "内网", en: "internal")
        case .internet: Bilingual(zh: "互联网", en: "internet")
        }
    }

    public func name(_ language: Language) -> String { names.text(language) }

    public init?(parsing text: String) {
        let key = text.trimmingWhitespace().lowercased().replacingOccurrences(of: "_", with: "-")
        if let value = NetworkType(rawValue: key) { self = value; return }
        let aliases: [String: NetworkType] = ["单机": .standalone, "air-gapped": .standalone,
                                              "涉密网": .classifiedLAN, "lan": .classifiedLAN,
                                              "内网": .internal, "互联网": .internet, "外网": .internet]
        guard let value = aliases[key] else { return nil }
        self = value
    }

    public static var acceptedNames: String {
        allCases.map { "\($0.rawValue) (\($0.name(.zh)))" }.joined(separator: ", ")
    }
}

/// A computer in the 涉密计算机备案表: this host (the one mediad guards) or another one that media
/// may be bound to.
public struct Computer: Sendable, Hashable, Codable {
    public var assetNumber: String
    public var name: String?
    public var level: Level
    public var network: NetworkType
    /// Person id of the responsible person.
    public var holder: String?
    public var location: String?
    /// Whether the location is a key area (保密要害部位).
    public var keyArea: Bool
    public var diskSerials: [String]
    public var macAddresses: [String]
    /// On a classified-LAN computer: the interfaces (names or MAC addresses) that may carry the LAN.
    public var allowedInterfaces: [String] = []
    /// On a classified-LAN computer: the LAN's prefixes (CIDR); addresses and routes elsewhere are violations.
    public var lanPrefixes: [String] = []
    /// The unit (单位) the computer belongs to, as the officer's forms are headed.
    public var unit: String? = nil
    /// True for the computer this ledger's daemon guards; exactly one row may carry it.
    public var isThisHost: Bool
    /// In service, under repair, retired or destroyed (`computer move`).
    public var state: ComputerState = .inService
    /// How the repair under way keeps the secrets, while the state is under repair.
    public var repairMode: RepairMode? = nil

    public init(assetNumber: String, name: String? = nil, level: Level, network: NetworkType,
                holder: String? = nil, location: String? = nil, keyArea: Bool = false,
                diskSerials: [String] = [], macAddresses: [String] = [], isThisHost: Bool = false) {
        self.assetNumber = assetNumber
        self.name = name
        self.level = level
        self.network = network
        self.holder = holder
        self.location = location
        self.keyArea = keyArea
        self.diskSerials = diskSerials
        self.macAddresses = macAddresses
        self.isThisHost = isThisHost
    }
}

extension Computer {
    /// 物理隔离 (000 §5.1.1): a classified computer (秘密 or above) is never online. It is refused on
    /// the internet, and on an internal network unless its LAN prefixes are registered: without them
    /// the network guard cannot tell that LAN from anything else. Returns why this record breaks the
    /// rule, in words an administrator can act on, or nil when it keeps it.
    ///
    /// One home for the rule: `host set` and `computer add` refuse such a record, and mediad reports
    /// one that an older ledger already holds.
    public var isolationProblem: Bilingual? {
        guard level.isStateSecret else { return nil }
        let asset = SafeText.escape(assetNumber)
        switch network {
        case .internet:
            return Bilingual(
                zh: "涉密计算机严禁接入互联网（物理隔离）：\(asset) 为\(level.name(.zh))级，不能登记为“互联网”；"
                    + "请登记为单机（--network standalone）或涉密网（--network classified-lan）；"
                    + "确需接入互联网的计算机不得处理涉密信息，其密级只能是内部或非密",
                en: "a classified computer must never be on the internet (物理隔离, physical isolation): \(asset) is "
                    + "\(level.name(.en)) and cannot be registered with network internet; register it as "
                    + "--network standalone or --network classified-lan; a computer that must reach the internet "
                    + "may not process classified information, so its level can only be internal or unclassified")
        case .internal where lanPrefixes.isEmpty:
            return Bilingual(
                zh: "涉密计算机须物理隔离：\(asset) 为\(level.name(.zh))级，登记为内网时须用 --lan-prefix 给出该局域网的地址段"
                    + "（如 10.8.0.0/16），否则网络监控无法区分该局域网与其他网络；"
                    + "或登记为单机（--network standalone）或涉密网（--network classified-lan）",
                en: "physical isolation (物理隔离): \(asset) is \(level.name(.en)) on an internal network, which needs "
                    + "the LAN's prefixes (--lan-prefix, e.g. 10.8.0.0/16): without them the network guard cannot "
                    + "tell that LAN from anything else; give them, or register it as --network standalone or "
                    + "--network classified-lan")
        case .standalone, .classifiedLAN, .internal:
            return nil
        }
    }
}
