import PostgresNIO

/// Where the unit ledger's PostgreSQL is and who the hub is there. Written the way an administrator
/// already writes it for `psql` (libpq's `key=value` form), so the hub's configuration names the
/// server exactly as the database's own tools do.
public struct HubDatabaseSettings: Sendable, Hashable {
    /// A Unix socket directory when it starts with "/" (PostgreSQL's convention: the socket file is
    /// `DIR/.s.PGSQL.PORT`), else a host name or address reached over TCP.
    public var host: String
    public var port: Int
    public var user: String
    public var database: String
    public var password: String?
    /// Whether TCP connections are encrypted; ignored on a Unix socket, which never leaves the machine.
    public var sslMode: SSLMode

    /// libpq's `sslmode` values that make sense here. The default, `prefer`, is libpq's: encrypt when
    /// the server offers it, without checking its certificate (as `psql` does out of the box).
    public enum SSLMode: String, Sendable, Hashable, CaseIterable {
        case disable
        case prefer
        case require
        case verifyFull = "verify-full"
    }

    /// Debian's socket directory: a hub beside its database needs no host at all.
    public static let defaultHost = "/var/run/postgresql"

    public init(host: String, port: Int = 5432, user: String, database: String, password: String? = nil,
                sslMode: SSLMode = .prefer) {
        self.host = host
        self.port = port
        self.user = user
        self.database = database
        self.password = password
        self.sslMode = sslMode
    }

    /// Parses `host=/var/run/postgresql port=5432 user=mediahub dbname=mediahub` (libpq's keyword
    /// form: values may be single-quoted, with `\'` and `\\` inside). A keyword this hub does not know
    /// is refused rather than ignored, so a misspelt `dbname` never silently connects elsewhere.
    public init(parsing text: String) throws(HubStoreError) {
        let pairs = try Self.pairs(text)
        let known: Set<String> = ["host", "port", "user", "dbname", "password", "sslmode"]
        let unknown = pairs.map(\.key).filter { !known.contains($0) }
        guard unknown.isEmpty else { throw HubStoreError.unknownSettings(unknown) }
        var values: [String: String] = [:]
        for pair in pairs { values[pair.key] = pair.value }
        guard let user = values["user"], !user.isEmpty else {
            throw HubStoreError.badSettings("no user= (the PostgreSQL role the hub connects as)")
        }
        var port = 5432
        if let text = values["port"] {
            guard let number = Int(text), (1...65_535).contains(number) else {
                throw HubStoreError.badSettings("port=\(text) is not a port number")
            }
            port = number
        }
        var sslMode = SSLMode.prefer
        if let text = values["sslmode"] {
            guard let mode = SSLMode(rawValue: text) else {
                let allowed = SSLMode.allCases.map(\.rawValue).joined(separator: ", ")
                throw HubStoreError.badSettings("sslmode=\(text) is not one of \(allowed)")
            }
            sslMode = mode
        }
        let host = values["host"].flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultHost
        let database = values["dbname"].flatMap { $0.isEmpty ? nil : $0 } ?? user
        self.init(host: host, port: port, user: user, database: database, password: values["password"], sslMode: sslMode)
    }

    /// Splits libpq's keyword form into pairs, in order, keeping repeats (the last one wins, as in libpq).
    private static func pairs(_ text: String) throws(HubStoreError) -> [(key: String, value: String)] {
        var result: [(key: String, value: String)] = []
        var rest = Substring(text)
        while true {
            rest = rest.drop(while: \.isWhitespace)
            guard !rest.isEmpty else { return result }
            let key = rest.prefix(while: { $0 != "=" && !$0.isWhitespace })
            rest = rest.dropFirst(key.count).drop(while: \.isWhitespace)
            guard !key.isEmpty, rest.first == "=" else {
                throw HubStoreError.badSettings("expected keyword=value near “\(rest.isEmpty ? key : rest.prefix(20))”")
            }
            rest = rest.dropFirst().drop(while: \.isWhitespace)
            var value = ""
            if rest.first == "'" {
                rest = rest.dropFirst()
                var closed = false
                while let character = rest.first {
                    rest = rest.dropFirst()
                    if character == "\\", let next = rest.first {
                        value.append(next)
                        rest = rest.dropFirst()
                    } else if character == "'" {
                        closed = true
                        break
                    } else {
                        value.append(character)
                    }
                }
                guard closed else { throw HubStoreError.badSettings("the quoted value of \(key) is not closed") }
            } else {
                while let character = rest.first, !character.isWhitespace {
                    rest = rest.dropFirst()
                    if character == "\\", let next = rest.first {
                        value.append(next)
                        rest = rest.dropFirst()
                    } else {
                        value.append(character)
                    }
                }
            }
            result.append((String(key), value))
        }
    }

    /// Whether the server is reached through a Unix socket.
    public var isSocket: Bool { host.hasPrefix("/") }

    /// The server as an administrator would look for it: the socket file, or host:port.
    public var endpoint: String {
        isSocket ? "\(host.hasSuffix("/") ? String(host.dropLast()) : host)/.s.PGSQL.\(port)" : "\(host):\(port)"
    }

    /// The text `init(parsing:)` reads, without the password, for logs and messages.
    public var redacted: String {
        "host=\(host) port=\(port) user=\(user) dbname=\(database)" + (isSocket ? "" : " sslmode=\(sslMode.rawValue)")
    }

    /// The TLS configuration and whether it is required; nil when the connection is never encrypted.
    private var tls: (configuration: TLSConfiguration, required: Bool)? {
        guard !isSocket else { return nil }
        var unchecked = TLSConfiguration.makeClientConfiguration()
        unchecked.certificateVerification = .none
        switch sslMode {
        case .disable: return nil
        case .prefer: return (unchecked, false)
        case .require: return (unchecked, true)
        case .verifyFull: return (.makeClientConfiguration(), true)
        }
    }

    var clientConfiguration: PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        if isSocket {
            configuration = .init(unixSocketPath: endpoint, username: user, password: password, database: database)
        } else {
            let mode: PostgresClient.Configuration.TLS = switch tls {
            case nil: .disable
            case let (tls, required)?: required ? .require(tls) : .prefer(tls)
            }
            configuration = .init(host: host, port: port, username: user, password: password, database: database, tls: mode)
        }
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }

    /// The same server for one connection of its own (`HubDatabase.probe`), which fails at once with
    /// the reason where the pool would retry for a minute.
    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        var configuration: PostgresConnection.Configuration
        if isSocket {
            configuration = .init(unixSocketPath: endpoint, username: user, password: password, database: database)
        } else {
            let mode: PostgresConnection.Configuration.TLS = switch tls {
            case nil: .disable
            case let (tls, required)?: required ? .require(try NIOSSLContext(configuration: tls))
                                                : .prefer(try NIOSSLContext(configuration: tls))
            }
            configuration = .init(host: host, port: port, username: user, password: password, database: database, tls: mode)
        }
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }
}
