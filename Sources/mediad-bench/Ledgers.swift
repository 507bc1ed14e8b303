// The ledgers mediad-bench builds (sections 4 and 7 of BENCHMARKS.md): media, violations and a year
// of guard events, written with SQL in one transaction per table.

import AssetCore
import Foundation
import GRDB

// MARK: - ledgers

/// How `makeLedger` spreads its violations: `every30s` is section 4's ledger (unregistered sticks
/// every 30 s from 2026-01-01, one in four acknowledged), `year` the officer reports' (section 7).
enum ViolationMix: String {
    case every30s = "every-30s"
    case year
}

/// A fresh ledger at `path`: schema by `LedgerStore(path:)` (the real migrations), then this computer,
/// two people, `media` registered sticks and `violations` violation rows, in one transaction each;
/// with `events`, that many guard events spread over 2026 (`yearEvents`), in one more.
func makeLedger(path: String, media: Int, violations: Int, violationMix: ViolationMix = .every30s, events: Int = 0) throws {
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    _ = try LedgerStore(path: path)
    let queue = try DatabaseQueue(path: path)
    try queue.write { db in
        try db.execute(sql: """
            INSERT INTO person (id, name, department, clearance) VALUES ('P001', '张三', '办公室', 'core'), ('P002', '李四', '保密办', 'important');
            INSERT INTO computer (asset_number, name, level, network, holder, is_this_host) VALUES ('PC-001', 'bench', 'secret', 'standalone', 'P001', 1);
            """)
        let insert = try db.cachedStatement(sql: """
            INSERT INTO medium (number, kind, level, holder, place, in_service_date, brand, model, vendor_id, product_id,
                serial, capacity_bytes, filesystem_uuids, bound_computers, state, registered_at)
            VALUES (?, 'usb-stick', ?, ?, ?, '2026-01-05', 'SanDisk', 'Cruzer Blade', ?, ?, ?, 15376318464, '[]', '[]', 'in-service',
                '2026-01-05T08:00:00Z')
            """)
        let levels = ["secret", "confidential", "internal"]
        for i in 0..<media {
            try insert.execute(arguments: ["U-2026-" + String(i + 1).leftPadded(to: 7), levels[i % 3], i % 5 == 0 ? "P002" : "P001",
                                           "密码柜\(i % 40)", vendor, product, serial(i)])
        }
    }
    if violationMix == .year {
        try queue.write { db in
            try db.execute(sql: "INSERT INTO person (id, name, department, clearance) VALUES " + officerPeople.map {
                "('\($0.id)', '\($0.name)', '\($0.department)', 'general')"
            }.joined(separator: ", "))
        }
        try queue.write { db in try yearViolations(db, count: violations, media: media) }
    } else {
        try queue.write { db in try every30sViolations(db, count: violations) }
    }
    if events > 0 {
        try queue.write { db in try yearEvents(db, count: events, media: media) }
    }
    try queue.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
}

/// Section 4's violations: an unregistered stick every 30 s from 2026-01-01, one in four acknowledged.
func every30sViolations(_ db: Database, count violations: Int) throws {
    let insert = try db.cachedStatement(sql: """
        INSERT INTO violation (at, type, severity, computer, serial, device, outcome, reason_zh, reason_en, status)
        VALUES (?, 'unregistered-medium', 'high', 'PC-001', ?, 'SanDisk Cruzer Blade', 'blocked', ?, ?, ?)
        """)
    for i in 0..<violations {
        let at = Timestamp(secondsSinceEpoch: 1_767_225_600 + Int64(i) * 30)
        let s = "UNREG" + String(i).leftPadded(to: 9)
        try insert.execute(arguments: [at.description, s,
                                       "未登记的存储介质 0781:5567 SanDisk Cruzer Blade @1-\(i % 12 + 1)（序列号 \(s)）",
                                       "unregistered storage medium 0781:5567 SanDisk Cruzer Blade @1-\(i % 12 + 1) (serial \(s))",
                                       i % 4 == 0 ? "acknowledged" : "open"])
    }
}

// MARK: - a year of records (section 7)

/// 2026-01-01T00:00:00Z and the length of 2026, in seconds.
let year2026Start: Int64 = 1_767_225_600
let year2026Seconds: Int64 = 365 * 86_400

/// The `i`th of `count` instants spread evenly over 2026.
func yearInstant(_ i: Int, of count: Int) -> String {
    Timestamp(secondsSinceEpoch: year2026Start + Int64(i) * year2026Seconds / Int64(count)).description
}

/// People beyond P001 and P002 (the holders of every medium): borrowers and the people some
/// violations name, so that the by-person and by-department counts have more than two rows.
let officerPeople: [(id: String, name: String, department: String)] = (3...12).map { n in
    let departments = ["办公室", "保密办", "研发一部", "研发二部", "财务处", "综合处"]
    let names = ["王五", "赵六", "钱七", "孙八", "周九", "吴十", "郑十一", "冯十二", "陈十三", "褚十四"]
    return ("P" + String(n).leftPadded(to: 3), names[n - 3], departments[n % departments.count])
}

/// A registered stick as `makeLedger` made it: number, holder, serial.
func registeredMedium(_ m: Int) -> (number: String, holder: String, serial: String) {
    ("U-2026-" + String(m + 1).leftPadded(to: 7), m % 5 == 0 ? "P002" : "P001", serial(m))
}

/// Which registered stick the `j`th use is: four uses in five among the 200 sticks in daily use,
/// the fifth any of the ledger's media.
func usedMedium(_ j: Int, media: Int) -> Int {
    let h = (UInt64(j) &* 2_654_435_761) >> 7
    return j % 5 == 0 ? Int(h % UInt64(media)) : Int(h % UInt64(min(media, 200)))
}

/// An unregistered stick: one of 20,000 visitors' serials.
func visitorSerial(_ j: Int) -> String { "UNREG" + String(j % 20_000).leftPadded(to: 9) }

/// The observation the daemon stores with a device decision (ObservationJSON's keys and order).
func observationJSON(serial: String, port: String, syspath: String) -> String {
    #"{"syspath":"\#(syspath)","port":"\#(port)","vendorID":"\#(vendor)","productID":"\#(product)","serial":"\#(serial)","#
        + #""manufacturer":"SanDisk","product":"Cruzer Blade","bcdDevice":"0100","deviceClass":0,"interfaces":[{"number":0,"#
        + #""syspath":"\#(syspath)/\#(port):1.0","interfaceClass":8,"subclass":6,"protocolCode":80}],"connectType":"hotplug","#
        + #""blocks":[{"syspath":"/sys/block/sdb","devnode":"/dev/sdb","capacityBytes":15376318464,"removable":true,"#
        + #""filesystemType":"vfat"}]}"#
}

/// `count` guard events spread evenly over 2026, in cycles of 1,000 (at 1,000,000 a year, about three
/// cycles a day): a stop and a start of the guard, five link events (the wired LAN allowed twice, a
/// Wi-Fi link cut, two links gone), and the rest in fives of pairs: four registered sticks attached
/// (allowed: medium and holder recorded) and detached, one unregistered stick attached (blocked) and
/// detached. Every 50,000th event is a gap in the guard's watch.
func yearEvents(_ db: Database, count: Int, media: Int) throws {
    let insert = try db.cachedStatement(sql: """
        INSERT INTO device_event (at, kind, computer, syspath, port, vendor_id, product_id, serial, device, decision,
            audited, medium_number, holder, stores, observation, note)
        VALUES (?, ?, 'PC-001', ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?)
        """)
    for i in 0..<count {
        let at = yearInstant(i, of: count)
        let slot = i % 1000
        if i % 50_000 == 2 {
            try insert.execute(arguments: [at, "guard-gap", nil, nil, nil, nil, nil, nil, nil, nil, nil, 0, nil,
                                           "unguarded since \(yearInstant(max(i - 3, 0), of: count)) (last sign of life): mediad did not stop cleanly"])
            continue
        }
        switch slot {
        case 0:
            try insert.execute(arguments: [at, "guard-stop", nil, nil, nil, nil, nil, nil, nil, nil, nil, 0, nil,
                                           "stopping; SIGTERM from pid 1 (systemd), uid 0 (root)"])
            continue
        case 1:
            try insert.execute(arguments: [at, "guard-start", nil, nil, nil, nil, nil, nil, nil, nil, nil, 0, nil,
                                           "mediad \(MediadVersion.string) started: enforce mode, lockdown on, 4 present"])
            continue
        case 3, 503:
            try insert.execute(arguments: [at, "link", nil, "eno1", nil, nil, nil, "ethernet eno1 3c:ec:ef:12:34:56", "allow", nil, nil, 0, nil,
                                           "evidence lan-prefix; up, carrier on, addresses 10.20.30.41/24"])
            continue
        case 253:
            try insert.execute(arguments: [at, "link", "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-4", "wlx00c0ca123456", "0bda", "8179", "00C0CA123456",
                                           "wifi wlx00c0ca123456 00:c0:ca:12:34:56", "block", nil, nil, 0, nil,
                                           "evidence wireless; up, carrier off; cut (interface down, USB device deauthorized)"])
            continue
        case 4, 254:
            try insert.execute(arguments: [at, "link-gone", nil, slot == 4 ? "eno1" : "wlx00c0ca123456", nil, nil, nil,
                                           slot == 4 ? "ethernet eno1 3c:ec:ef:12:34:56" : "wifi wlx00c0ca123456 00:c0:ca:12:34:56",
                                           nil, nil, nil, 0, nil, "evidence none; down, carrier off"])
            continue
        default: break
        }
        // Pairs: an attach at an even index, its detach at the next; the device is the pair's.
        let pair = i / 2
        let port = "1-\(pair % 12 + 1)"
        let syspath = "/sys/devices/pci0000:00/0000:00:14.0/usb1/" + port
        let attach = i % 2 == 0
        if pair % 5 != 4 && media > 0 {
            let m = registeredMedium(usedMedium(pair, media: media))
            try insert.execute(arguments: [at, attach ? "attach" : "detach", syspath, port, vendor, product, m.serial, "SanDisk Cruzer Blade",
                                           attach ? "allow" : nil, attach ? m.number : nil, attach ? m.holder : nil, 1,
                                           attach ? observationJSON(serial: m.serial, port: port, syspath: syspath) : nil, nil])
        } else {
            let s = visitorSerial(pair)
            try insert.execute(arguments: [at, attach ? "attach" : "detach", syspath, port, vendor, product, s, "SanDisk Cruzer Blade",
                                           attach ? "block" : nil, nil, nil, 1,
                                           attach ? observationJSON(serial: s, port: port, syspath: syspath) : nil, nil])
        }
    }
}

/// `count` violations spread evenly over 2026, in cycles of 20: half unregistered sticks, the rest
/// registered media used against the rules (type, severity and outcome as the policy gives them,
/// the medium and its holder or borrower named), a phone, a Wi-Fi link, and the guard stopped or
/// found with a gap. Three in four are acknowledged (by the officer, a day later, with a note).
func yearViolations(_ db: Database, count: Int, media: Int) throws {
    let insert = try db.cachedStatement(sql: """
        INSERT INTO violation (at, type, severity, computer, medium_number, person, serial, device, outcome, reason_zh, reason_en,
            status, acknowledged_by, acknowledged_at, note)
        VALUES (?, ?, ?, 'PC-001', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """)
    // type, severity, outcome, whether a registered medium is named
    let kinds: [(ViolationType, Severity, ViolationOutcome, Bool)] = [
        (.unclassifiedOnClassified, .high, .blocked, true), (.unclassifiedOnClassified, .high, .audited, true),
        (.levelAboveComputer, .critical, .blocked, true), (.stateForbidsUse, .high, .blocked, true),
        (.boundElsewhere, .medium, .blocked, true), (.lowerLevelMedium, .medium, .logged, true),
        (.unregisteredStorageCapable, .high, .blocked, false), (.unauthorizedLink, .critical, .blocked, false),
        (.overdue, .medium, .logged, true), (.guardStopped, .medium, .logged, false),
    ]
    for i in 0..<count {
        let at = yearInstant(i, of: count)
        let cycle = i % 20
        var type = ViolationType.unregisteredMedium, severity = Severity.high, outcome = ViolationOutcome.blocked
        var medium: String?, person: String?, s: String?, device: String? = "SanDisk Cruzer Blade", detail: String
        if cycle < 10 {
            if cycle == 9 { outcome = .audited }
            s = visitorSerial(i / 2)
            detail = "0781:5567 SanDisk Cruzer Blade @1-\(i % 12 + 1) (serial \(s!))"
        } else {
            let kind = kinds[cycle - 10]
            (type, severity, outcome) = (kind.0, kind.1, kind.2)
            if kind.3 && media > 0 {
                let m = registeredMedium(usedMedium(i, media: media))
                medium = m.number
                s = m.serial
                person = type == .overdue ? officerPeople[i % officerPeople.count].id : m.holder
                detail = "\(m.number) 0781:5567 (serial \(m.serial))"
            } else {
                switch type {
                case .unregisteredStorageCapable:
                    s = "00008110" + String(i % 500).leftPadded(to: 8)
                    device = "Apple Inc. iPhone"
                    person = officerPeople[i % officerPeople.count].id
                    detail = "05ac:12a8 Apple Inc. iPhone (MTP) @1-\(i % 12 + 1)"
                case .unauthorizedLink:
                    device = "wifi wlx00c0ca123456 00:c0:ca:12:34:56"
                    detail = "wifi wlx00c0ca123456 up on a standalone computer"
                case .guardStopped:
                    device = nil
                    if i % 40 == 39 { (type, severity) = (.guardGap, .high) }
                    detail = "SIGTERM from pid \(1000 + i % 30000) (systemctl), uid 0 (root)"
                default:
                    detail = "medium without a ledger entry"
                }
            }
        }
        let names = type.names
        let acknowledged = (i + i / 20) % 4 != 0   // three in four, of every type
        try insert.execute(arguments: [at, type.rawValue, severity.rawValue, medium, person, s, device, outcome.rawValue,
                                       "\(names.zh)：\(detail)", "\(names.en): \(detail)",
                                       acknowledged ? "acknowledged" : "open", acknowledged ? "officer" : nil,
                                       acknowledged ? Timestamp(secondsSinceEpoch: year2026Start + Int64(i) * year2026Seconds / Int64(count) + 86_400).description : nil,
                                       acknowledged ? (i % 3 == 0 ? "已批评教育，介质收回" : "checked with the holder; no data copied") : nil])
    }
}
