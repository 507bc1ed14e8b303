import AssetCore
import Foundation

/// mediad-sync's configuration (`/etc/mediad/sync.conf`): `key = value` lines, `#` comments, in the
/// style of mediad.conf. Every mistake names its line: a courier that guesses at its hub or its
/// trust anchor would either stay silent or trust the wrong server.
public struct SyncConfig: Sendable, Hashable {
    public static let defaultPath = "/etc/mediad/sync.conf"
    /// The keys, in the order `--help` lists them.
    public static let keys = ["hub", "ca", "socket", "state", "batch", "wait", "flush"]

    /// `https://HOST:PORT` of the hub's courier endpoint, without a trailing slash.
    public var hub: String?
    /// The PEM file of the hub's certificate or CA: the only trust anchor (never the system store).
    public var ca: String?
    /// mediad's control socket.
    public var socket = "/run/mediad/mediad.sock"
    /// Where the courier keeps its token (`STATE/token`, mode 0600).
    public var state = "/var/lib/mediad-sync"
    /// Records per event batch posted to the hub.
    public var batch = 500
    /// Seconds a `GET /v1/changes` long-poll may be held by the hub (it holds at most 60). Not 0:
    /// mediad also holds the courier's `unit await-outbox`, up to `UnitCall.longestOutboxWait`.
    public var wait = 30
    /// Seconds between two asks that nobody holds (`CourierSettings.flush`): with `wait = 0`, or
    /// an older mediad's outbox. Still read and checked in every file, so that a sync.conf written
    /// for the release before keeps loading.
    public var flush = 2

    public init() {}

    public var tokenPath: String { state + "/token" }

    /// Reads and parses `path`; a missing default file is an error too (the hub must be named).
    public static func load(path: String) throws(SyncError) -> SyncConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SyncError(SyncExit.config, zh: "无法读取配置文件 \(path)（不存在或无权读取）",
                            en: "cannot read the configuration file \(path) (missing or not readable)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw SyncError(SyncExit.config, zh: "配置文件 \(path) 不是 UTF-8 文本", en: "the configuration file \(path) is not UTF-8 text")
        }
        return try parse(text, file: path)
    }

    public static func parse(_ text: String, file: String = defaultPath) throws(SyncError) -> SyncConfig {
        var config = SyncConfig()
        var seen: [String: Int] = [:]
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = index + 1
            let line = (raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
                .trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            func bad(_ zh: String, _ en: String) -> SyncError {
                SyncError(SyncExit.config, zh: "配置文件 \(file) 第 \(lineNumber) 行：\(zh)", en: "\(file) line \(lineNumber): \(en)")
            }
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw bad("应为 key = value", "expected key = value")
            }
            let (key, value) = (parts[0], parts[1])
            if let earlier = seen[key] {
                throw bad("\(key) 已在第 \(earlier) 行设置", "\(key) is already set on line \(earlier)")
            }
            seen[key] = lineNumber
            switch key {
            case "hub":
                guard let hub = normalizedHub(value) else {
                    throw bad("hub 应为 https://主机:端口，而不是 “\(value)”", "hub takes https://HOST:PORT, not '\(value)'")
                }
                config.hub = hub
            case "ca": config.ca = try path(value, key, bad)
            case "socket": config.socket = try path(value, key, bad)
            case "state": config.state = try path(value, key, bad)
            case "batch": config.batch = try number(value, key, 1...10_000, bad)
            case "wait": config.wait = try number(value, key, 0...60, bad)
            case "flush": config.flush = try number(value, key, 1...3600, bad)
            default:
                throw bad("未知的设置 “\(key)”；可用：\(keys.joined(separator: ", "))",
                          "unknown setting '\(key)'; known: \(keys.joined(separator: ", "))")
            }
        }
        return config
    }

    /// The hub and its trust anchor, which every command that talks to the hub needs.
    public func hubEndpoint(file: String) throws(SyncError) -> (hub: String, ca: String) {
        guard let hub else {
            throw SyncError(SyncExit.config, zh: "配置文件 \(file) 未设置 hub（hub = https://主机:端口）",
                            en: "\(file) does not name the hub (hub = https://HOST:PORT)")
        }
        guard let ca else {
            throw SyncError(SyncExit.config, zh: "配置文件 \(file) 未设置 ca（中心证书或其 CA 的 PEM 文件）",
                            en: "\(file) does not name the hub's certificate (ca = PATH of a PEM file)")
        }
        return (hub, ca)
    }

    /// `https://HOST[:PORT]` with nothing after it but an optional `/`; nil for anything else
    /// (plain http is refused: the ledger's contents would cross the LAN in clear).
    static func normalizedHub(_ text: String) -> String? {
        guard let components = URLComponents(string: text), components.scheme?.lowercased() == "https",
              let host = components.host, !host.isEmpty, components.user == nil, components.query == nil,
              components.fragment == nil, components.path.isEmpty || components.path == "/" else { return nil }
        let bracketed = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return "https://\(bracketed)" + (components.port.map { ":\($0)" } ?? "")
    }

    private static func path(_ value: String, _ key: String, _ bad: (String, String) -> SyncError) throws(SyncError) -> String {
        guard value.hasPrefix("/") else { throw bad("\(key) 应为绝对路径，而不是 “\(value)”", "\(key) takes an absolute path, not '\(value)'") }
        return value.count > 1 && value.hasSuffix("/") ? String(value.dropLast()) : value
    }

    private static func number(_ value: String, _ key: String, _ range: ClosedRange<Int>,
                               _ bad: (String, String) -> SyncError) throws(SyncError) -> Int {
        guard let number = Int(value), range.contains(number) else {
            throw bad("\(key) 应为 \(range.lowerBound) 到 \(range.upperBound) 的整数，而不是 “\(value)”",
                      "\(key) takes a whole number from \(range.lowerBound) to \(range.upperBound), not '\(value)'")
        }
        return number
    }
}
