/// What kind of office device a peripheral is. 001 puts fax machines, copiers, computers and
/// recorders each under one named person (专人管理); on a classified computer the ones that matter
/// are those that put its data on paper or take pictures in its room.
public enum PeripheralKind: String, Sendable, Hashable, Codable, CaseIterable {
    case printer
    case scanner
    case camera

    public var names: Bilingual {
        switch self {
        case .printer: Bilingual(zh: "打印机", en: "printer")
        case .scanner: Bilingual(zh: "扫描仪", en: "scanner")
        case .camera: Bilingual(zh: "摄像头", en: "camera")
        }
    }

    public func name(_ language: Language) -> String { names.text(language) }

    public init?(parsing text: String) {
        let key = text.trimmingWhitespace().lowercased()
        if let value = PeripheralKind(rawValue: key) { self = value; return }
        let aliases: [String: PeripheralKind] = ["打印机": .printer, "扫描仪": .scanner, "摄像头": .camera,
                                                 "webcam": .camera, "相机": .camera]
        guard let value = aliases[key] else { return nil }
        self = value
    }

    public static var acceptedNames: String {
        allCases.map { "\($0.rawValue) (\($0.name(.zh)))" }.joined(separator: ", ")
    }
}

/// A registered peripheral of one computer: known by its USB identity, held by one person.
public struct Peripheral: Sendable, Hashable, Codable {
    /// The unit's number for it (统一编号), like a medium's.
    public var number: String
    public var kind: PeripheralKind
    /// USB idVendor and idProduct, four lower-case hex digits.
    public var vendorID: String
    public var productID: String
    /// nil when the device reports none: then every device of that vendor and product is this one,
    /// which `peripheral register` warns about.
    public var serial: String?
    public var model: String?
    /// The computer it belongs to.
    public var computer: String
    /// Person id of the one who answers for it (专人管理).
    public var holder: String
    public var location: String?
    public var registeredAt: Timestamp
    /// False once removed from the computer (its row stays, for the record).
    public var active: Bool

    public init(number: String, kind: PeripheralKind, vendorID: String, productID: String, serial: String? = nil,
                model: String? = nil, computer: String, holder: String, location: String? = nil,
                registeredAt: Timestamp, active: Bool = true) {
        self.number = number
        self.kind = kind
        self.vendorID = vendorID
        self.productID = productID
        self.serial = serial
        self.model = model
        self.computer = computer
        self.holder = holder
        self.location = location
        self.registeredAt = registeredAt
        self.active = active
    }
}

/// `peripheral register` as an administrator asks for it.
public struct PeripheralRegistration: Sendable, Hashable, Codable {
    public var number: String?
    public var kind: PeripheralKind
    public var vendorID: String
    public var productID: String
    public var serial: String?
    public var model: String?
    /// nil: this computer.
    public var computer: String?
    public var holder: String
    public var location: String?

    public init(number: String? = nil, kind: PeripheralKind, vendorID: String, productID: String, serial: String? = nil,
                model: String? = nil, computer: String? = nil, holder: String, location: String? = nil) {
        self.number = number
        self.kind = kind
        self.vendorID = vendorID
        self.productID = productID
        self.serial = serial
        self.model = model
        self.computer = computer
        self.holder = holder
        self.location = location
    }
}
