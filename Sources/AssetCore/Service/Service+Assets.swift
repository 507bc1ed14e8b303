import GRDB

/// The computer as an asset: its hardware baseline, its lifecycle and its peripherals.
extension InventoryService {
    func inventory(_ present: HardwareInventory) throws(LedgerError) -> InventoryView {
        try store.read { db in
            let host = try Ledger.thisHost(db)
            let baseline = try host.flatMap { try HardwareRows.latestBaseline(db, computer: $0.assetNumber) }
            let changes = baseline.map { HardwareComparison.changes(baseline: $0.inventory, present: present) } ?? []
            return InventoryView(computer: host, present: present, baseline: baseline, changes: changes)
        }
    }

    /// Records the inventory as this computer's approved configuration: a baseline row, a trail row
    /// with the whole inventory (the hash chain vouches for it), the register's disk serials and MAC
    /// addresses taken from it, and every open difference closed (an approved repair or upgrade).
    func baseline(_ request: BaselineRequest, _ context: Context) throws(LedgerError) -> Response {
        guard let approver = Optional(request.approver).cleaned else {
            throw LedgerError(.usage, zh: "硬件基线须由领导审批：请用 --approver 写明审批人",
                              en: "a hardware baseline is approved by a leader: name them with --approver")
        }
        return try store.write { db in
            guard var host = try Ledger.thisHost(db) else { throw LedgerError.hostNotSet }
            if host.state == .destroyed || host.state == .retired {
                throw LedgerError(.validation,
                    zh: "本机 \(host.assetNumber) 已\(host.state.name(.zh))，不能再登记硬件基线",
                    en: "this computer \(host.assetNumber) is \(host.state.name(.en)); it takes no new hardware baseline")
            }
            var baseline = HardwareBaseline(computer: host.assetNumber, at: context.now, approver: approver,
                                            actor: context.caller.actor, inventory: request.inventory, note: request.note.cleaned)
            baseline.id = try HardwareRows.insert(db, baseline: baseline)
            try AuditTrail.append(db, context.trail("computer-baseline", "computer", host.assetNumber, field: "baseline",
                                                    new: "approved by \(approver): " + HardwareRows.encode(request.inventory)))
            let closed = try HardwareRows.closeAll(db, computer: host.assetNumber)
            let before = Self.fields(host)
            let serials = request.inventory.disks.compactMap(\.serial)
            let macs = request.inventory.networkCards.compactMap(\.mac)
            if !serials.isEmpty { host.diskSerials = serials }
            if !macs.isEmpty { host.macAddresses = macs }
            try Ledger.save(db, computer: host)
            _ = try Self.recordDifferences(db, context, action: "computer-baseline", entity: "computer", key: host.assetNumber,
                                           old: before, new: Self.fields(host))
            return .baseline(baseline, closed: closed)
        }
    }

    func computerMove(_ move: ComputerMove, _ context: Context) throws(LedgerError) -> Response {
        guard let approver = Optional(move.approver).cleaned else {
            throw LedgerError(.usage, zh: "计算机的状态变更须经审批：请用 --approver 写明审批人",
                              en: "a computer's move needs an approver: name them with --approver")
        }
        return try store.write { db in
            let asset = move.assetNumber.trimmingWhitespace()
            guard var computer = try Ledger.computer(db, assetNumber: asset) else { throw LedgerError.computerNotFound(asset) }
            if let problem = ComputerLifecycle.problem(from: computer.state, move) { throw LedgerError(.validation, problem) }
            var movement = ComputerMovement(assetNumber: asset, at: context.now, from: computer.state, to: move.to,
                                            approver: approver, actor: context.caller.actor)
            movement.repairMode = move.repairMode
            movement.handler = move.handler.cleaned
            movement.note = move.note.cleaned
            try HardwareRows.insert(db, movement: movement)
            try HardwareRows.setState(db, computer: asset, state: move.to, repairMode: move.repairMode)
            try AuditTrail.append(db, context.trail("computer-move", "computer", asset, field: "state",
                                                    old: computer.state.rawValue,
                                                    new: move.to.rawValue + (move.repairMode.map { " (\($0.rawValue))" } ?? "")
                                                        + ", approved by \(approver)"))
            computer.state = move.to
            computer.repairMode = move.repairMode
            return .computer(computer)
        }
    }

    func computerHistory(_ asset: String) throws(LedgerError) -> ComputerHistory {
        try store.read { db in
            let key = asset.trimmingWhitespace()
            guard let computer = try Ledger.computer(db, assetNumber: key) else { throw LedgerError.computerNotFound(key) }
            return ComputerHistory(computer: computer, movements: try HardwareRows.movements(db, computer: key),
                                   baselines: try HardwareRows.baselines(db, computer: key))
        }
    }

    func peripheralRegister(_ r: PeripheralRegistration, _ context: Context) throws(LedgerError) -> Response {
        guard let vendor = HardwareIdentity.normaliseUSBID(r.vendorID), let product = HardwareIdentity.normaliseUSBID(r.productID) else {
            throw LedgerError.invalid(Bilingual(zh: "USB 厂商或产品编号", en: "USB vendor or product id"), "\(r.vendorID):\(r.productID)",
                                      expected: Bilingual(zh: "1–4 位十六进制数，如 04b8", en: "1 to 4 hex digits, e.g. 04b8"))
        }
        let serial = Optional(r.serial ?? "").cleaned
        return try store.write { db in
            let computer: Computer
            if let asset = r.computer.cleaned {
                guard let found = try Ledger.computer(db, assetNumber: asset) else { throw LedgerError.computerNotFound(asset) }
                computer = found
            } else {
                guard let host = try Ledger.thisHost(db) else { throw LedgerError.hostNotSet }
                computer = host
            }
            if computer.state == .destroyed || computer.state == .retired {
                throw LedgerError(.validation, zh: "计算机 \(computer.assetNumber) 已\(computer.state.name(.zh))，不能再登记外设",
                                  en: "computer \(computer.assetNumber) is \(computer.state.name(.en)); it takes no new peripherals")
            }
            let holder = try Self.requireHolder(db, r.holder.trimmingWhitespace(), for: computer.level)
            if let existing = try HardwareRows.peripheral(db, vendorID: vendor, productID: product, serial: serial),
               existing.serial == serial {
                throw LedgerError(.conflict,
                    zh: "该设备（\(vendor):\(product) 序列号 \(SafeText.escape(serial ?? "无"))）已登记为外设 \(existing.number)（计算机 \(existing.computer)）",
                    en: "this device (\(vendor):\(product) serial \(SafeText.escape(serial ?? "none"))) is already registered as peripheral \(existing.number) (computer \(existing.computer))")
            }
            if let serial, let medium = try Ledger.medium(db, vendorID: vendor, productID: product, serial: serial) {
                throw LedgerError(.conflict, zh: "该硬件标识已登记为介质 \(medium.number)，不能同时登记为外设",
                                  en: "this hardware identity is registered as medium \(medium.number); it cannot be a peripheral too")
            }
            let number: String
            if let given = r.number.cleaned {
                guard Self.isValidKey(given) else {
                    throw LedgerError.invalid(Bilingual(zh: "外设编号", en: "peripheral number"), given,
                                              expected: Bilingual(zh: "1–64 个字符，不含空格", en: "1 to 64 characters without spaces"))
                }
                if try HardwareRows.peripheral(db, number: given) != nil {
                    throw LedgerError(.conflict, zh: "外设编号 \(given) 已被占用", en: "the peripheral number \(given) is already taken")
                }
                number = given
            } else {
                let prefix = "\(Self.peripheralPrefix(r.kind))-\(context.today.year)-"
                number = Self.nextNumber(prefix: prefix, taken: try Ledger.numbers(db, in: .peripheral, prefix: prefix))
            }
            let peripheral = Peripheral(number: number, kind: r.kind, vendorID: vendor, productID: product, serial: serial,
                                        model: r.model.cleaned, computer: computer.assetNumber, holder: holder.id,
                                        location: r.location.cleaned ?? computer.location, registeredAt: context.now)
            try HardwareRows.insert(db, peripheral: peripheral)
            try AuditTrail.append(db, context.trail("peripheral-register", "peripheral", number,
                                                    new: "\(r.kind.rawValue) \(vendor):\(product) serial \(serial ?? "none") on \(computer.assetNumber), held by \(holder.id)"))
            return .peripherals([peripheral])
        }
    }

    static func peripheralPrefix(_ kind: PeripheralKind) -> String {
        switch kind {
        case .printer: "PR"
        case .scanner: "SC"
        case .camera: "CA"
        }
    }

    func peripheralRemove(_ number: String, reason: String, _ context: Context) throws(LedgerError) -> Response {
        guard let why = Optional(reason).cleaned else {
            throw LedgerError(.usage, zh: "撤销外设登记须写明原因（--reason）", en: "removing a peripheral needs a reason (--reason)")
        }
        return try store.write { db in
            let key = number.trimmingWhitespace()
            guard var peripheral = try HardwareRows.peripheral(db, number: key) else {
                throw LedgerError(.notFound, zh: "没有编号为 \(SafeText.escape(key)) 的外设（mediactl peripheral list）",
                                  en: "no peripheral is numbered \(SafeText.escape(key)) (mediactl peripheral list)")
            }
            guard peripheral.active else {
                throw LedgerError(.conflict, zh: "外设 \(key) 已撤销登记", en: "peripheral \(key) was removed already")
            }
            try db.execute(sql: "UPDATE peripheral SET active = 0 WHERE number = ?", arguments: [key])
            try AuditTrail.append(db, context.trail("peripheral-remove", "peripheral", key, field: "active", old: "1", new: "0: \(why)"))
            peripheral.active = false
            return .peripherals([peripheral])
        }
    }
}
