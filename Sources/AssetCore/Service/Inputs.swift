/// Everything `media register` can record. Text fields are as typed; the service validates and
/// normalises them (USB ids, serial strength, holder, bindings).
public struct MediumRegistration: Sendable, Hashable, Codable {
    public var number: String?
    public var kind: MediumKind
    public var level: Level
    public var holder: String
    public var secrecyTerm: String?
    public var user: String?
    public var department: String?
    public var purpose: String?
    public var place: String?
    public var inServiceDate: Day?
    public var brand: String?
    public var model: String?
    public var vendorID: String?
    public var productID: String?
    public var serial: String?
    public var capacityBytes: UInt64?
    public var filesystemUUIDs: [String] = []
    public var boundComputers: [String] = []
    public var notes: String?
    /// Accept a serial that cannot tell devices apart; needs a note saying why.
    public var allowWeakSerial = false

    public init(kind: MediumKind, level: Level, holder: String) {
        self.kind = kind
        self.level = level
        self.holder = holder
    }
}

/// A change to a medium's record. nil leaves a field as it is; an empty string clears it.
public struct MediumChanges: Sendable, Hashable, Codable {
    public var level: Level?
    public var holder: String?
    /// Who approved a change of holder (移交); required when the holder changes.
    public var approver: String?
    public var secrecyTerm: String?
    public var user: String?
    public var department: String?
    public var purpose: String?
    public var place: String?
    public var inServiceDate: Day?
    public var brand: String?
    public var model: String?
    public var boundComputers: [String]?
    public var notes: String?
    public var capacityBytes: UInt64?
    public var filesystemUUIDs: [String]?

    public init() {}

    /// Nothing to change: an approver alone changes nothing.
    public var isEmpty: Bool {
        var fields = self
        fields.approver = nil
        return fields == MediumChanges()
    }
}

/// `host set`: every field optional so a clerk can change one thing; the first time, asset number,
/// level and network are required.
public struct HostSettings: Sendable, Hashable, Codable {
    public var assetNumber: String?
    public var name: String?
    public var level: Level?
    public var network: NetworkType?
    public var holder: String?
    public var location: String?
    public var keyArea: Bool?
    public var diskSerials: [String]?
    public var macAddresses: [String]?
    public var allowedInterfaces: [String]?
    public var lanPrefixes: [String]?
    /// The unit (单位), for the reports' headings.
    public var unit: String?

    public init() {}
}

/// `person depart`: the day a person leaves, the end of their 脱密期, and, when media are still out,
/// whether to record the departure anyway (each medium then opens a `handback-outstanding` violation).
public struct Departure: Sendable, Hashable, Codable {
    public var id: String
    public var day: Day
    public var declassificationEnds: Day?
    /// Record the departure although media are still out (清退 pending); needs a note saying why.
    public var pendingHandback: Bool
    public var note: String?

    public init(id: String, day: Day, declassificationEnds: Day? = nil, pendingHandback: Bool = false, note: String? = nil) {
        self.id = id
        self.day = day
        self.declassificationEnds = declassificationEnds
        self.pendingHandback = pendingHandback
        self.note = note
    }
}

public struct Reclassification: Sendable, Hashable, Codable {
    public var number: String
    public var level: Level
    public var approver: String
    public var reason: String

    public init(number: String, level: Level, approver: String, reason: String) {
        self.number = number
        self.level = level
        self.approver = approver
        self.reason = reason
    }
}
