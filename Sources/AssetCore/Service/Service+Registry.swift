import GRDB

/// People and computers: the registers media refer to.
extension InventoryService {
    func personAdd(_ input: Person, _ context: Context) throws(LedgerError) -> Response {
        var person = input
        person.id = input.id.trimmingWhitespace()
        person.name = input.name.trimmingWhitespace()
        person.department = input.department.cleaned
        guard Self.isValidKey(person.id) else {
            throw LedgerError.invalid(Bilingual(zh: "人员编号", en: "person id"), input.id,
                                      expected: Bilingual(zh: "1–64 个字符，不含空格", en: "1 to 64 characters without spaces"))
        }
        guard !person.name.isEmpty else {
            throw LedgerError(.usage, zh: "登记人员需要姓名（--name）", en: "a person needs a name (--name)")
        }
        return try store.write { db in
            if let existing = try Ledger.person(db, id: person.id) {
                throw LedgerError(.conflict, zh: "人员编号 \(person.id) 已被 \(existing.name) 使用",
                                  en: "person id \(person.id) is already used by \(existing.name)")
            }
            try Ledger.insert(db, person: person)
            try AuditTrail.append(db, context.trail("person-add", "person", person.id, new: Self.canonical(person)))
            return .people([person])
        }
    }

    func hostShow() throws(LedgerError) -> Response {
        guard let host = try store.read(Ledger.thisHost) else { throw LedgerError.hostNotSet }
        return .computer(host)
    }

    func hostSet(_ settings: HostSettings, _ context: Context) throws(LedgerError) -> Response {
        try store.write { db in
            let current = try Ledger.thisHost(db)
            var host: Computer
            if let current {
                if let asset = settings.assetNumber.cleaned, asset != current.assetNumber {
                    throw LedgerError(.conflict,
                        zh: "本机已登记为 \(current.assetNumber)，资产编号不能用 host set 修改",
                        en: "this computer is registered as \(current.assetNumber); host set cannot change its asset number")
                }
                host = current
            } else {
                guard let asset = settings.assetNumber.cleaned, let level = settings.level, let network = settings.network else {
                    throw LedgerError(.usage, zh: "首次登记本机需要 --asset-no、--level 和 --network",
                                      en: "registering this computer the first time needs --asset-no, --level and --network")
                }
                guard Self.isValidKey(asset) else {
                    throw LedgerError.invalid(Bilingual(zh: "资产编号", en: "asset number"), asset,
                                              expected: Bilingual(zh: "1–64 个字符，不含空格", en: "1 to 64 characters without spaces"))
                }
                host = try Ledger.computer(db, assetNumber: asset)
                    ?? Computer(assetNumber: asset, level: level, network: network)
                host.isThisHost = true
            }
            let before = current.map(Self.fields) ?? []
            Self.apply(settings, to: &host)
            try Self.validateNetwork(host)
            try Self.requireIsolation(host)
            if let holder = host.holder { _ = try Self.requireHolder(db, holder, for: .unclassified) }
            try Ledger.save(db, computer: host)
            if current == nil {
                try AuditTrail.append(db, context.trail("host-set", "computer", host.assetNumber, new: Self.canonical(host)))
            } else {
                _ = try Self.recordDifferences(db, context, action: "host-set", entity: "computer", key: host.assetNumber,
                                               old: before, new: Self.fields(host))
            }
            return .computer(host)
        }
    }

    /// Changes the fields given of a registered computer's record, under the same rules as `host set`
    /// (isolation, the LAN's prefixes, a known holder); its asset number stays.
    func computerSet(_ asset: String, _ settings: HostSettings, _ context: Context) throws(LedgerError) -> Response {
        try store.write { db in
            let key = asset.trimmingWhitespace()
            guard var computer = try Ledger.computer(db, assetNumber: key) else { throw LedgerError.computerNotFound(key) }
            if let renamed = settings.assetNumber.cleaned, renamed != computer.assetNumber {
                throw LedgerError(.conflict, zh: "资产编号不能修改：\(computer.assetNumber) 的记录仍用此编号",
                                  en: "an asset number cannot be changed: the record of \(computer.assetNumber) keeps it")
            }
            let before = Self.fields(computer)
            Self.apply(settings, to: &computer)
            try Self.validateNetwork(computer)
            try Self.requireIsolation(computer)
            if let holder = computer.holder { _ = try Self.requireHolder(db, holder, for: .unclassified) }
            try Ledger.save(db, computer: computer)
            _ = try Self.recordDifferences(db, context, action: "computer-set", entity: "computer", key: computer.assetNumber,
                                           old: before, new: Self.fields(computer))
            return .computer(computer)
        }
    }

    func computerAdd(_ input: Computer, _ context: Context) throws(LedgerError) -> Response {
        var computer = input
        computer.assetNumber = input.assetNumber.trimmingWhitespace()
        computer.isThisHost = false
        guard Self.isValidKey(computer.assetNumber) else {
            throw LedgerError.invalid(Bilingual(zh: "资产编号", en: "asset number"), input.assetNumber,
                                      expected: Bilingual(zh: "1–64 个字符，不含空格", en: "1 to 64 characters without spaces"))
        }
        try Self.validateNetwork(computer)
        try Self.requireIsolation(computer)
        return try store.write { db in
            if try Ledger.computer(db, assetNumber: computer.assetNumber) != nil {
                throw LedgerError(.conflict, zh: "资产编号 \(computer.assetNumber) 已登记",
                                  en: "a computer with asset number \(computer.assetNumber) is already registered")
            }
            if let holder = computer.holder { _ = try Self.requireHolder(db, holder, for: .unclassified) }
            try Ledger.save(db, computer: computer)
            try AuditTrail.append(db, context.trail("computer-add", "computer", computer.assetNumber, new: Self.canonical(computer)))
            return .computer(computer)
        }
    }

    static func apply(_ settings: HostSettings, to host: inout Computer) {
        if let name = settings.name { host.name = Optional(name).cleaned }
        if let level = settings.level { host.level = level }
        if let network = settings.network { host.network = network }
        if let holder = settings.holder { host.holder = Optional(holder).cleaned }
        if let location = settings.location { host.location = Optional(location).cleaned }
        if let keyArea = settings.keyArea { host.keyArea = keyArea }
        if let disks = settings.diskSerials { host.diskSerials = disks }
        if let macs = settings.macAddresses { host.macAddresses = macs.map { $0.lowercased() } }
        if let interfaces = settings.allowedInterfaces { host.allowedInterfaces = interfaces }
        if let prefixes = settings.lanPrefixes { host.lanPrefixes = prefixes }
        if let unit = settings.unit { host.unit = Optional(unit).cleaned }
    }

    /// Allowed interfaces and LAN prefixes must parse now, not fail in the daemon later.
    static func validateNetwork(_ host: Computer) throws(LedgerError) {
        do {
            for item in host.allowedInterfaces { _ = try InterfaceMatch(parsing: item) }
            for item in host.lanPrefixes { _ = try IPPrefix(parsing: item) }
        } catch {
            throw error.ledgerError
        }
    }

    /// 物理隔离: the rule is `Computer.isolationProblem`; a record that breaks it is not saved.
    static func requireIsolation(_ computer: Computer) throws(LedgerError) {
        if let problem = computer.isolationProblem { throw LedgerError(.validation, problem) }
    }

    static func fields(_ c: Computer) -> [(String, String?)] {
        [("name", c.name), ("level", c.level.rawValue), ("network", c.network.rawValue), ("holder", c.holder),
         ("location", c.location), ("key_area", c.keyArea ? "yes" : "no"),
         ("disk_serials", c.diskSerials.joined(separator: ";")), ("mac_addresses", c.macAddresses.joined(separator: ";")),
         ("allowed_interfaces", c.allowedInterfaces.joined(separator: ";")), ("lan_prefixes", c.lanPrefixes.joined(separator: ";")),
         ("unit", c.unit)]
    }

    /// Identifiers clerks type and print on labels: no spaces or control characters, at most 64.
    static func isValidKey(_ key: String) -> Bool {
        !key.isEmpty && key.count <= 64 && !key.hasPrefix("-")
            && key.unicodeScalars.allSatisfy { !$0.properties.isWhitespace && $0.value >= 0x20 && $0.value != 0x7F }
    }
}
