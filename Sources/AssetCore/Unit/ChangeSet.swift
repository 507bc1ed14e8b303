/// One value of a ledger row as SQLite holds it. JSON numbers without a fraction come back as
/// integers, which SQLite's column affinity stores the same way.
public enum LedgerValue: Sendable, Hashable, Codable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)

    /// Text is tried first: most of a row is text, and every type tried in vain costs a thrown
    /// error, which made decoding a large snapshot's rows take most of applying it. A JSON string
    /// never decodes as a number nor a number as a string, so the order decides nothing else.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let text = try? container.decode(String.self) { self = .text(text) }
        else if let integer = try? container.decode(Int64.self) { self = .integer(integer) }
        else { self = .real(try container.decode(Double.self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .integer(let value): try container.encode(value)
        case .real(let value): try container.encode(value)
        case .text(let value): try container.encode(value)
        }
    }
}

/// A ledger row as it is after a change, or its removal (`row == nil`). The hub mirrors every table
/// of its working ledger this way; computers accept only the `ReplicatedTable`s.
public struct LedgerRowChange: Sendable, Hashable, Codable {
    public var table: String
    /// The row's primary key as text (an asset number, a medium's number, a person's id).
    public var key: String
    public var row: [String: LedgerValue]?

    public init(table: String, key: String, row: [String: LedgerValue]?) {
        self.table = table
        self.key = key
        self.row = row
    }
}

/// The unit ledger's rows that changed between two versions (a change set), or all of them at one
/// version (a snapshot, `from == 0`, for a computer just enrolled or too far behind). Signed by the
/// unit key; a computer applies it only when `from` is the version it holds (a snapshot: any older).
public struct ChangeSet: Sendable, Hashable, Codable {
    public var unit: String
    public var from: Int64
    public var to: Int64
    public var at: Timestamp
    public var rows: [LedgerRowChange]

    public init(unit: String, from: Int64, to: Int64, at: Timestamp, rows: [LedgerRowChange]) {
        self.unit = unit
        self.from = from
        self.to = to
        self.at = at
        self.rows = rows
    }
}

/// The ledger tables a computer needs to judge every unit medium it may meet: who may hold what,
/// which computers exist (bindings name them), the media, their key-area approvals and the
/// peripherals. Movements and the admin trail stay at the hub. Order matters: a row's references
/// come before it.
public enum ReplicatedTable: String, Sendable, Hashable, Codable, CaseIterable {
    case person
    case computer
    case medium
    case keyAreaApproval = "key_area_approval"
    case peripheral

    public var primaryKey: String {
        switch self {
        case .person: "id"
        case .computer: "asset_number"
        case .medium, .keyAreaApproval, .peripheral: "number"
        }
    }

    /// Columns that describe this computer only and are never taken from the hub.
    public var localColumns: Set<String> {
        self == .computer ? ["is_this_host"] : []
    }
}
