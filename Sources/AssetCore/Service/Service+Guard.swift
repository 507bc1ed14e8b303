import GRDB

/// What administrators and officers do with the guard's records.
extension InventoryService {
    /// `media register --last-unregistered`: plug a new stick in, see it blocked, register it from what
    /// the guard read, without typing its serial.
    func registerLastUnregistered(_ input: MediumRegistration, _ context: Context) throws(LedgerError) -> Response {
        try store.write { db in
            guard let event = try Self.lastUnregistered(db), let device = event.observation else {
                throw LedgerError(.notFound,
                    zh: "没有发现未登记的存储设备；先插入该设备，待其被阻断后再登记",
                    en: "no unregistered storage device has been seen; plug it in, let the guard block it, then register it")
            }
            var registration = input
            registration.vendorID = device.vendorID
            registration.productID = device.productID
            registration.serial = device.serial
            if registration.capacityBytes == nil {
                registration.capacityBytes = device.capacityBytes
            }
            if registration.filesystemUUIDs.isEmpty {
                registration.filesystemUUIDs = device.blocks.compactMap(\.filesystemUUID)
            }
            if registration.brand == nil { registration.brand = device.manufacturer }
            if registration.model == nil { registration.model = device.product }
            let medium = try Self.insert(db, registration, state: .inService, context: context, kind: .register)
            return .medium(MediumDetail(medium: medium, holder: try Ledger.person(db, id: medium.holder), borrower: nil,
                                        movements: try Ledger.movements(db, number: medium.number)))
        }
    }

    /// The newest storage-capable device the guard could not match that is still not in the ledger.
    static func lastUnregistered(_ db: Database) throws -> GuardEvent? {
        let rows = try Row.fetchAll(db, sql: """
            SELECT * FROM device_event e
            WHERE e.kind IN ('attach', 'recheck') AND e.stores = 1 AND e.medium_number IS NULL
              AND e.serial IS NOT NULL AND e.serial != '' AND e.observation IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM medium m WHERE m.vendor_id = e.vendor_id AND m.product_id = e.product_id
                              AND m.serial = e.serial)
            ORDER BY e.id DESC LIMIT 1
            """)
        return try rows.first.map(GuardRows.event)
    }

    func acknowledge(_ id: Int64, note: String, _ context: Context) throws(LedgerError) -> Response {
        guard let note = Optional(note).cleaned else {
            throw LedgerError(.usage, zh: "确认违规需要用 --note 写明处置情况", en: "acknowledging a violation needs a --note saying how it was dealt with")
        }
        return try store.write { db in
            var record = try Self.violation(db, id)
            guard record.status == .open else {
                throw LedgerError(.validation,
                    zh: "违规 \(id) 已由 \(record.acknowledgedBy ?? "?") 于 \(record.acknowledgedAt?.description ?? "?") 确认",
                    en: "violation \(id) was already acknowledged by \(record.acknowledgedBy ?? "?") at \(record.acknowledgedAt?.description ?? "?")")
            }
            record.status = .acknowledged
            record.acknowledgedBy = context.caller.actor.name
            record.acknowledgedAt = context.now
            record.note = note
            try GuardRows.acknowledge(db, id: id, by: context.caller.actor.name, at: context.now, note: note)
            try AuditTrail.append(db, context.trail("violation-ack", "violation", String(id), field: "status",
                                                    old: ViolationStatus.open.rawValue, new: "acknowledged: \(note)"))
            return .violations([record])
        }
    }
}
