/// A computer's approved configuration: the inventory as it was when a named leader approved it
/// (`mediactl computer baseline --approver`). The newest one is what the guard compares with.
public struct HardwareBaseline: Sendable, Hashable, Codable {
    public var id: Int64?
    public var computer: String
    public var at: Timestamp
    public var approver: String
    public var actor: Actor
    public var inventory: HardwareInventory
    public var note: String?

    public init(computer: String, at: Timestamp, approver: String, actor: Actor, inventory: HardwareInventory,
                note: String? = nil) {
        self.computer = computer
        self.at = at
        self.approver = approver
        self.actor = actor
        self.inventory = inventory
        self.note = note
    }
}

/// `computer baseline` as an administrator asks for it: the inventory is read by whoever serves the
/// request (mediad, or mediactl on the ledger file), never typed.
public struct BaselineRequest: Sendable, Hashable, Codable {
    public var inventory: HardwareInventory
    public var approver: String
    public var note: String?

    public init(inventory: HardwareInventory, approver: String, note: String? = nil) {
        self.inventory = inventory
        self.approver = approver
        self.note = note
    }
}

/// What `computer inventory` shows: the machine now beside its registration.
public struct InventoryView: Sendable, Hashable, Codable {
    public var computer: Computer?
    public var present: HardwareInventory
    public var baseline: HardwareBaseline?
    /// Present against the baseline; empty without a baseline.
    public var changes: [HardwareChange]

    public init(computer: Computer?, present: HardwareInventory, baseline: HardwareBaseline?, changes: [HardwareChange]) {
        self.computer = computer
        self.present = present
        self.baseline = baseline
        self.changes = changes
    }
}

/// One difference the guard has just recorded, with the stored event and violation.
public struct RecordedHardwareChange: Sendable {
    public var change: HardwareChange
    public var event: GuardEvent
    public var violation: Violation?
}

/// What one comparison of the hardware with the baseline recorded.
public struct HardwareCheckResult: Sendable {
    /// Nothing to compare with: this computer is not registered, or has no approved baseline.
    public var noBaseline: Bool
    public var recorded: [RecordedHardwareChange]
    /// Differences recorded earlier that are gone (a disk put back): the events saying so.
    public var restored: [GuardEvent]
    /// Every difference present now, new or already recorded.
    public var open: [HardwareChange]
}
