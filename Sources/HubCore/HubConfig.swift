import AssetCore

/// mediahub.conf: `key = value` lines, `#` comments, every mistake reported with its line (a hub
/// that guesses at its configuration might serve the wrong unit).
public struct HubConfig: Sendable, Hashable {
    /// The unit's name, written into every payload; computers of another unit refuse them.
    public var unit = ""
    /// How the computers reach the hub (shown to administrators sent there from a computer).
    public var name: String?
    /// libpq keyword form: `host=/run/postgresql port=5432 user=mediahub dbname=mediahub`.
    public var database = "host=/run/postgresql port=5432 user=mediahub dbname=mediahub"
    /// The unit's Ed25519 signing key (made at first start, root or mediahub only).
    public var key = "/var/lib/mediahub/unit.key"
    /// The working copy of the ledger (a cache, rebuilt from PostgreSQL when it is behind).
    public var state = "/var/lib/mediahub"
    public var socket = "/run/mediahub/mediahub.sock"
    public var socketGroup = "mediad"
    /// The couriers' HTTPS endpoint.
    public var listen = "0.0.0.0"
    public var port = 8443
    /// A connection to `port` that has not finished its TLS handshake and asked within this is closed.
    public var firstRequestSeconds = 10
    /// Connections one address may hold to `port` at once (a courier holds one or two).
    public var connectionsPerAddress = 64
    public var certificate = "/etc/mediahub/tls/cert.pem"
    public var certificateKey = "/etc/mediahub/tls/key.pem"
    /// A computer not heard from for longer than this is on the officer's outstanding list.
    public var silentAfterDays = 7
    /// The same for a standalone computer, heard from only when a person brings its records bundle.
    public var standaloneAfterDays = 30
    /// Both periods, as the unit's views read them.
    var periods: UnitView.Periods { UnitView.Periods(silent: silentAfterDays, standalone: standaloneAfterDays) }
    /// How long an enrolment code stays good.
    public var enrolmentCodeHours = 24
    public var roles = RoleMap()

    public init() {}

    public static let defaultPath = "/etc/mediad/mediahub.conf"

    public static func parse(_ text: String) throws(LedgerError) -> HubConfig {
        var config = HubConfig()
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = index + 1
            let content = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init)?
                .trimmingWhitespace() ?? ""
            if content.isEmpty { continue }
            let parts = content.split(separator: "=", maxSplits: 1).map { $0.trimmingWhitespace() }
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { throw bad(line, "expected key = value") }
            let (key, value) = (parts[0].lowercased(), parts[1])
            switch key {
            case "unit": config.unit = value
            case "name": config.name = value
            case "database": config.database = value
            case "key": config.key = value
            case "state": config.state = value
            case "socket": config.socket = value
            case "socket-group": config.socketGroup = value
            case "listen": config.listen = value
            case "port": config.port = try number(value, line, in: 1...65535)
            case "first-request-seconds": config.firstRequestSeconds = try number(value, line, in: 1...300)
            case "connections-per-address": config.connectionsPerAddress = try number(value, line, in: 1...65536)
            case "certificate": config.certificate = value
            case "certificate-key": config.certificateKey = value
            case "silent-after-days": config.silentAfterDays = try number(value, line, in: 1...3650)
            case "standalone-after-days": config.standaloneAfterDays = try number(value, line, in: 1...3650)
            case "enrolment-code-hours": config.enrolmentCodeHours = try number(value, line, in: 1...720)
            case "admin-groups": config.roles.admin = try groups(value, line)
            case "officer-groups": config.roles.officer = try groups(value, line)
            case "auditor-groups": config.roles.auditor = try groups(value, line)
            default: throw bad(line, "unknown setting '\(key)'")
            }
        }
        guard !config.unit.isEmpty else {
            throw LedgerError(.usage, zh: "mediahub.conf 缺少 unit = 单位名称", en: "mediahub.conf names no unit: add unit = NAME")
        }
        return config
    }

    private static func number(_ value: String, _ line: Int, in range: ClosedRange<Int>) throws(LedgerError) -> Int {
        guard let number = Int(value), range.contains(number) else {
            throw bad(line, "expected a whole number from \(range.lowerBound) to \(range.upperBound), not '\(value)'")
        }
        return number
    }

    private static func groups(_ value: String, _ line: Int) throws(LedgerError) -> [String] {
        let list = Parse.list(value)
        guard !list.isEmpty else { throw bad(line, "expected group names or gids, comma-separated") }
        return list
    }

    private static func bad(_ line: Int, _ message: String) -> LedgerError {
        LedgerError(.usage, zh: "mediahub.conf 第 \(line) 行：\(message)", en: "mediahub.conf line \(line): \(message)")
    }
}
