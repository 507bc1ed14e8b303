import Foundation

extension GuardEvent {
    /// The event a computer delivered, read back from its record's content (the chained columns as
    /// one JSON object, `RecordChain.chainedColumns["device_event"]`). `computer` is the computer
    /// that delivered it, which the hub trusts over what the row says. Nil when the content is not
    /// such an object or names a kind this version does not know (a newer computer's record).
    public init?(recordContent: String, computer: String) {
        guard let fields = try? LedgerCapture.decode(recordContent) else { return nil }
        func text(_ key: String) -> String? {
            switch fields[key] {
            case .text(let value)?: value
            case .integer(let value)?: String(value)
            default: nil
            }
        }
        func flag(_ key: String) -> Bool {
            if case .integer(let value)? = fields[key] { value != 0 } else { false }
        }
        guard let at = text("at").flatMap(Timestamp.init(parsing:)), let kind = text("kind").flatMap(GuardEventKind.init(rawValue:)) else {
            return nil
        }
        self.init(at: at, kind: kind)
        if case .integer(let id)? = fields["id"] { self.id = id }
        self.computer = computer
        syspath = text("syspath")
        port = text("port")
        vendorID = text("vendor_id")
        productID = text("product_id")
        serial = text("serial")
        device = text("device")
        decision = text("decision").flatMap(Decision.init(rawValue:))
        audited = flag("audited")
        mediumNumber = text("medium_number")
        holder = text("holder")
        stores = flag("stores")
        observation = text("observation").flatMap { try? JSONDecoder().decode(USBDeviceObservation.self, from: Data($0.utf8)) }
        note = text("note")
    }
}
