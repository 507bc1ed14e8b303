import Foundation
import GRDB

/// Registering and changing media.
extension InventoryService {
    func register(_ registration: MediumRegistration, _ context: Context) throws(LedgerError) -> Response {
        try store.write { db in
            let medium = try Self.insert(db, registration, state: .inService, context: context, kind: .register)
            return .medium(MediumDetail(medium: medium, holder: try Ledger.person(db, id: medium.holder), borrower: nil,
                                        movements: try Ledger.movements(db, number: medium.number)))
        }
    }

    /// Validates a registration and writes the medium, its first movement and its trail row. Shared by
    /// `register` and `import` so both apply the same rules.
    static func insert(_ db: Database, _ r: MediumRegistration, state: MediumState, borrower: String? = nil,
                       dueDate: Day? = nil, context: Context, kind: MovementKind) throws -> Medium {
        let historical: Set<MediumState> = [.destroyed, .lost, .handedBack, .pendingDestruction]
        _ = try requireHolder(db, r.holder.trimmingWhitespace(), for: r.level, allowDeparted: historical.contains(state))
        try requireComputers(db, r.boundComputers)
        let identity = try validatedIdentity(db, r)
        let number: String
        if let given = r.number.cleaned {
            guard isValidKey(given) else {
                throw LedgerError.invalid(Bilingual(zh: "统一编号", en: "unified number"), given,
                                          expected: Bilingual(zh: "1–64 个字符，不含空格", en: "1 to 64 characters without spaces"))
            }
            if try Ledger.medium(db, number: given) != nil {
                throw LedgerError(.conflict, zh: "统一编号 \(given) 已被占用", en: "the unified number \(given) is already taken")
            }
            number = given
        } else {
            number = try nextNumber(db, kind: r.kind, year: context.today.year)
        }
        if state == .loaned || state == .carriedOut {
            guard let borrower else {
                throw LedgerError(.validation, zh: "状态为\(state.name(.zh))的介质需要借用人",
                                  en: "a medium that is \(state.name(.en)) needs a borrower")
            }
            _ = try requireHolder(db, borrower, for: r.level)
        }
        var medium = Medium(number: number, kind: r.kind, level: r.level, holder: r.holder.trimmingWhitespace(),
                            state: state, identity: identity)
        medium.secrecyTerm = r.secrecyTerm.cleaned
        medium.user = r.user.cleaned
        medium.department = r.department.cleaned
        medium.purpose = r.purpose.cleaned
        medium.place = r.place.cleaned
        medium.inServiceDate = r.inServiceDate ?? context.today
        medium.brand = r.brand.cleaned
        medium.model = r.model.cleaned
        medium.boundComputers = r.boundComputers
        medium.notes = r.notes.cleaned
        medium.borrower = borrower
        medium.dueDate = dueDate
        try Ledger.insert(db, medium: medium, registeredAt: context.now)
        var movement = context.movement(kind, number)
        movement.toState = state
        movement.toLevel = r.level
        movement.person = medium.holder
        movement.note = medium.notes
        try Ledger.insert(db, movement: movement)
        try AuditTrail.append(db, context.trail(kind.rawValue, "medium", number, new: canonical(medium)))
        return medium
    }

    /// Normalises the USB identity and refuses one that is weak or already registered.
    static func validatedIdentity(_ db: Database, _ r: MediumRegistration) throws -> HardwareIdentity? {
        let vendor = r.vendorID.cleaned, product = r.productID.cleaned
        let serial = r.serial.map { $0.trimmingWhitespace() }
        guard vendor != nil || product != nil || serial != nil else {
            if Medium.requiresIdentity(r.kind) {
                throw LedgerError(.usage,
                    zh: "\(r.kind.name(.zh))需要硬件标识：--vendor、--product 和 --serial（可在 lsusb 或 mediactl 的设备列表中查到）",
                    en: "a \(r.kind.rawValue) needs its hardware identity: --vendor, --product and --serial (lsusb shows them)")
            }
            return nil
        }
        guard let vendorText = vendor, let productText = product, let serial else {
            throw LedgerError(.usage, zh: "硬件标识需同时给出 --vendor、--product 和 --serial",
                              en: "a hardware identity needs all of --vendor, --product and --serial")
        }
        guard let vendorID = HardwareIdentity.normaliseUSBID(vendorText) else {
            throw LedgerError.invalid(Bilingual(zh: "厂商ID", en: "vendor id"), vendorText,
                                      expected: Bilingual(zh: "4 位十六进制数，如 0781", en: "four hex digits, such as 0781"))
        }
        guard let productID = HardwareIdentity.normaliseUSBID(productText) else {
            throw LedgerError.invalid(Bilingual(zh: "产品ID", en: "product id"), productText,
                                      expected: Bilingual(zh: "4 位十六进制数，如 5567", en: "four hex digits, such as 5567"))
        }
        if let weakness = HardwareIdentity.weakness(ofSerial: serial) {
            guard r.allowWeakSerial else {
                throw LedgerError(.validation,
                    zh: "序列号 “\(SafeText.escape(serial))” 无法区分设备：\(weakness.zh)；若确需登记，加 --allow-weak-serial 并用 --note 说明",
                    en: "the serial '\(SafeText.escape(serial))' cannot tell devices apart: \(weakness.en); to register it anyway add --allow-weak-serial and explain with --note")
            }
            guard r.notes.cleaned != nil else {
                throw LedgerError(.usage, zh: "--allow-weak-serial 需要用 --note 说明原因",
                                  en: "--allow-weak-serial needs a --note saying why")
            }
        }
        if let existing = try Ledger.medium(db, vendorID: vendorID, productID: productID, serial: serial) {
            throw LedgerError(.conflict,
                zh: "该硬件标识（\(vendorID):\(productID) 序列号 \(SafeText.escape(serial))）已登记为介质 \(existing.number)",
                en: "this hardware identity (\(vendorID):\(productID) serial \(SafeText.escape(serial))) is already registered as medium \(existing.number)")
        }
        return HardwareIdentity(vendorID: vendorID, productID: productID, serial: serial,
                                capacityBytes: r.capacityBytes, filesystemUUIDs: r.filesystemUUIDs)
    }

    /// `U-2026-0001`: the next free number of the kind's prefix in the given year.
    static func nextNumber(_ db: Database, kind: MediumKind, year: Int) throws -> String {
        let prefix = "\(kind.numberPrefix)-\(year)-"
        return nextNumber(prefix: prefix, taken: try Ledger.numbers(db, in: .medium, prefix: prefix))
    }

    /// `PREFIX0001`: one past the highest number already taken with this prefix, four digits at least.
    /// Media and peripherals are numbered alike.
    static func nextNumber(prefix: String, taken: [String]) -> String {
        let highest = taken.compactMap { Int($0.dropFirst(prefix.count)) }.max() ?? 0
        let next = String(highest + 1)
        return prefix + String(repeating: "0", count: max(0, 4 - next.count)) + next
    }

    func update(_ number: String, _ changes: MediumChanges, _ context: Context) throws(LedgerError) -> Response {
        guard !changes.isEmpty else {
            throw LedgerError(.usage, zh: "没有要修改的内容；见 `mediactl media update --help`",
                              en: "nothing to change; see `mediactl media update --help`")
        }
        return try store.write { db in
            guard let before = try Ledger.medium(db, number: number) else { throw LedgerError.mediumNotFound(number) }
            guard before.state != .destroyed else { throw LedgerError.mediumDestroyed(number) }
            var after = before
            if let level = changes.level, level != before.level {
                guard level > before.level else {
                    throw LedgerError(.validation,
                        zh: "不得降低密级：介质 \(number) 为\(before.level.name(.zh))级；降密须用 `mediactl media reclassify` 并注明审批人和理由",
                        en: "levels are never lowered by update (不得降低密级): medium \(number) is \(before.level.name(.en)); lowering is a reclassification: `mediactl media reclassify` with --approver and --reason")
                }
                after.level = level
            }
            if let holder = changes.holder { after.holder = holder.trimmingWhitespace() }
            let transfer = after.holder != before.holder
            if transfer && changes.approver.cleaned == nil {
                throw LedgerError(.usage,
                    zh: "更换责任人即移交（移交），需要填写审批人（--approver）",
                    en: "a change of holder is a transfer (移交) and needs an approver (--approver)")
            }
            if transfer || after.level != before.level {
                _ = try Self.requireHolder(db, after.holder, for: after.level)
            }
            if let bound = changes.boundComputers {
                try Self.requireComputers(db, bound)
                after.boundComputers = bound
            }
            func set(_ value: String?, _ keyPath: WritableKeyPath<Medium, String?>) {
                if let value { after[keyPath: keyPath] = Optional(value).cleaned }
            }
            set(changes.secrecyTerm, \.secrecyTerm)
            set(changes.user, \.user)
            set(changes.department, \.department)
            set(changes.purpose, \.purpose)
            set(changes.place, \.place)
            set(changes.brand, \.brand)
            set(changes.model, \.model)
            set(changes.notes, \.notes)
            if let day = changes.inServiceDate { after.inServiceDate = day }
            if let capacity = changes.capacityBytes { after.identity?.capacityBytes = capacity }
            if let uuids = changes.filesystemUUIDs { after.identity?.filesystemUUIDs = uuids }
            try Ledger.update(db, medium: after)
            let changed = try Self.recordDifferences(db, context, action: "update", entity: "medium", key: number,
                                                     old: Self.fields(before), new: Self.fields(after))
            if after.level > before.level {
                var movement = context.movement(.reclassify, number)
                movement.fromLevel = before.level
                movement.toLevel = after.level
                movement.reason = "raised by update"
                try Ledger.insert(db, movement: movement)
            }
            if transfer {
                var movement = context.movement(.transfer, number)
                movement.person = after.holder
                movement.approver = changes.approver.cleaned
                movement.handler = context.caller.actor.name
                movement.note = Self.transferNote(from: before.holder, to: after.holder)
                try Ledger.insert(db, movement: movement)
                try Self.closeHandbacks(db, after, by: .transfer, context)
            }
            if changed == 0 {
                return .done(Bilingual(zh: "介质 \(number) 无变化", en: "medium \(number) unchanged"))
            }
            return .media([after])
        }
    }

    func reclassify(_ change: Reclassification, _ context: Context) throws(LedgerError) -> Response {
        guard Optional(change.approver).cleaned != nil else {
            throw LedgerError.missing(Bilingual(zh: "审批人（--approver）", en: "an approver (--approver)"),
                                      for: MovementKind.reclassify.names)
        }
        guard Optional(change.reason).cleaned != nil else {
            throw LedgerError.missing(Bilingual(zh: "理由（--reason）", en: "a reason (--reason)"), for: MovementKind.reclassify.names)
        }
        return try store.write { db in
            guard var medium = try Ledger.medium(db, number: change.number) else { throw LedgerError.mediumNotFound(change.number) }
            guard medium.state != .destroyed else {
                throw Lifecycle.illegal(.reclassify, current: .destroyed, number: change.number)
            }
            guard change.level != medium.level else {
                throw LedgerError(.validation, zh: "介质 \(change.number) 已是\(medium.level.name(.zh))级",
                                  en: "medium \(change.number) is already \(medium.level.name(.en))")
            }
            if change.level > medium.level { _ = try Self.requireHolder(db, medium.holder, for: change.level) }
            let before = medium.level
            medium.level = change.level
            try Ledger.update(db, medium: medium)
            var movement = context.movement(.reclassify, change.number)
            movement.fromLevel = before
            movement.toLevel = change.level
            movement.approver = change.approver.trimmingWhitespace()
            movement.reason = change.reason.trimmingWhitespace()
            try Ledger.insert(db, movement: movement)
            try AuditTrail.append(db, context.trail("reclassify", "medium", change.number, field: "level",
                                                    old: before.rawValue, new: change.level.rawValue))
            return .media([medium])
        }
    }

    /// A transfer's movement row has no column for the previous holder: its note says `P001 → P002`.
    static func transferNote(from: String, to: String) -> String { "\(from) → \(to)" }

    static func fields(_ m: Medium) -> [(String, String?)] {
        [("kind", m.kind.rawValue), ("level", m.level.rawValue), ("secrecy_term", m.secrecyTerm), ("holder", m.holder),
         ("user", m.user), ("department", m.department), ("purpose", m.purpose), ("place", m.place),
         ("in_service_date", m.inServiceDate?.description), ("brand", m.brand), ("model", m.model),
         ("vendor_id", m.identity?.vendorID), ("product_id", m.identity?.productID), ("serial", m.identity?.serial),
         ("capacity_bytes", m.identity?.capacityBytes.map(String.init)),
         ("filesystem_uuids", m.identity?.filesystemUUIDs.joined(separator: ";")),
         ("bound_computers", m.boundComputers.joined(separator: ";")), ("state", m.state.rawValue),
         ("borrower", m.borrower), ("due_date", m.dueDate?.description), ("notes", m.notes)]
    }

    /// Stable JSON of a whole record, for trail rows that describe a record rather than one field.
    static func canonical<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: encoder.encode(value), as: UTF8.self)) ?? "{}"
    }
}
