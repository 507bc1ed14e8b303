// mediad-bench: the in-process benchmarks of BENCHMARKS.md (sections 2 and 4), on the real AssetCore
// code paths. Ledgers are filled with SQL in one transaction (fast); what is timed is what mediad
// and mediactl run.
//
//   mediad-bench decision --dir DIR [--media 1000,100000,1000000] [--samples 2000] [--runs 5]
//   mediad-bench ledger --db FILE --rows N          a ledger with N media and N violations
//       [--violations V] [--violation-mix every-30s|year] [--events E]
//                                                   V violations (default N): every 30 s from 2026-01-01, all
//                                                   unregistered-medium (section 4), or spread over 2026 with
//                                                   several types, severities, outcomes and statuses (year);
//                                                   and E guard events spread over 2026 (default 0; section 7)
//   mediad-bench reports --db FILE [--runs 5]       listings streamed by InventoryService.report
//
// Results are one JSON object on stdout.

import AssetCore
import Foundation
import GRDB

// MARK: - small helpers

func now() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return .nan }
    let rank = Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1
    return sorted[min(max(rank, 0), sorted.count - 1)]
}

func median(_ values: [Double]) -> Double {
    let s = values.sorted()
    guard !s.isEmpty else { return .nan }
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

func spread(_ values: [Double]) -> [String: Any] {
    ["median": median(values), "min": values.min() ?? .nan, "max": values.max() ?? .nan, "runs": values.count,
     "values": values]
}

func emit(_ object: Any) {
    let data = try! JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
    FileHandle.standardOutput.write(data + Data("\n".utf8))
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("mediad-bench: \(message)\n".utf8))
    exit(64)
}

struct Arguments {
    var values: [String: String] = [:]
    let command: String

    init(_ argv: [String]) {
        guard argv.count >= 2 else { fail("usage: mediad-bench decision|ledger|reports [--option value]...") }
        command = argv[1]
        var index = 2
        while index < argv.count {
            let key = argv[index]
            guard key.hasPrefix("--"), index + 1 < argv.count else { fail("bad argument \(key)") }
            values[String(key.dropFirst(2))] = argv[index + 1]
            index += 2
        }
    }

    func string(_ key: String, _ fallback: String? = nil) -> String {
        guard let value = values[key] ?? fallback else { fail("--\(key) is required") }
        return value
    }

    func int(_ key: String, _ fallback: Int) -> Int { values[key].flatMap { Int($0) } ?? fallback }
}

let vendor = "0781", product = "5567"
func serial(_ i: Int) -> String { "BENCH" + String(i).leftPadded(to: 9) }

extension String {
    func leftPadded(to width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}

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

// MARK: - section 2: decision latency

/// What the daemon does per device once it has read sysfs. Timed: `GuardRecorder.judge` of a lone
/// device (one write transaction: the facts, the policy, the event and its violation), which is the
/// path of a single plug-in; the anatomy of a decision (facts, policy and record called one by one,
/// as before group commit) is timed on the same devices for the split; and the cost per device when
/// a burst is judged 32 at a time. Devices alternate between registered (allowed) and unregistered
/// (blocked, with a violation row).
func decisionBench(_ args: Arguments) throws {
    let dir = args.string("dir")
    let sizes = args.string("media", "1000,100000,1000000").split(separator: ",").compactMap { Int($0) }
    let samples = args.int("samples", 2000)
    let runs = args.int("runs", 5)
    let warmup = 200
    let group = 32
    var results: [String: Any] = [:]
    for size in sizes {
        let path = dir + "/decision-\(size).db"
        let built = now()
        try makeLedger(path: path, media: size, violations: 0)
        let buildSeconds = Double(now() - built) / 1e9
        let store = try LedgerStore(path: path)
        let recorder = GuardRecorder(store: store)
        let config = GuardConfig()
        var rng = SystemRandomNumberGenerator()
        var p50s: [Double] = [], p99s: [Double] = [], maxes: [Double] = [], grouped: [Double] = []
        var parts: [String: [Double]] = ["facts": [], "policy": [], "record": []]
        var allowedCount = 0, blockedCount = 0
        for _ in 0..<runs {
            var devices: [USBDeviceObservation] = []
            for n in 0..<(warmup + samples) {
                let registered = n % 2 == 0
                let s = registered ? serial(Int.random(in: 0..<size, using: &rng)) : "UNREG" + String(n).leftPadded(to: 9)
                let port = "1-\(n % 12 + 1)"
                let syspath = "/sys/devices/pci0000:00/0000:00:14.0/usb1/\(port)"
                devices.append(USBDeviceObservation(
                    syspath: syspath, port: port, vendorID: vendor, productID: product, serial: s,
                    manufacturer: "SanDisk", product: "Cruzer Blade", bcdDevice: "0100", deviceClass: 0,
                    interfaces: [USBInterfaceInfo(number: 0, syspath: syspath + "/\(port):1.0", interfaceClass: 8, subclass: 6, protocolCode: 0x50)],
                    connectType: "hotplug"))
            }
            var totals: [Double] = []
            var f: [Double] = [], p: [Double] = [], r: [Double] = []
            for (n, device) in devices.enumerated() {
                let t0 = now()
                let judged = try recorder.judge([(device, .attach)], at: WallClock.system.now(), config: config)
                let t1 = now()
                // The anatomy, on the same device: each step in its own call.
                let clock = WallClock.system.now()
                let a0 = now()
                let facts = try recorder.facts(for: device, today: clock.localDay)
                let a1 = now()
                let verdict = Policy.decide(device, facts: facts, config: config)
                let a2 = now()
                try recorder.record(device, verdict: verdict, kind: .attach, facts: facts, at: clock, config: config)
                let a3 = now()
                guard n >= warmup else { continue }
                if judged.first?.verdict.decision == .allow { allowedCount += 1 } else { blockedCount += 1 }
                totals.append(Double(t1 - t0) / 1e6)
                f.append(Double(a1 - a0) / 1e6)
                p.append(Double(a2 - a1) / 1e6)
                r.append(Double(a3 - a2) / 1e6)
            }
            // A burst: the same devices judged `group` at a time; cost per device of each group.
            var perDevice: [Double] = []
            var start = warmup
            while start + group <= devices.count {
                let slice = devices[start..<start + group].map { (device: $0, kind: GuardEventKind.attach) }
                let t0 = now()
                _ = try recorder.judge(slice, at: WallClock.system.now(), config: config)
                perDevice.append(Double(now() - t0) / 1e6 / Double(group))
                start += group
            }
            totals.sort()
            p50s.append(percentile(totals, 50))
            p99s.append(percentile(totals, 99))
            maxes.append(totals.last ?? .nan)
            grouped.append(percentile(perDevice.sorted(), 50))
            parts["facts"]!.append(percentile(f.sorted(), 50))
            parts["policy"]!.append(percentile(p.sorted(), 50))
            parts["record"]!.append(percentile(r.sorted(), 50))
        }
        results[String(size)] = ["p50_ms": spread(p50s), "p99_ms": spread(p99s), "max_ms": spread(maxes),
                                 "samples_per_run": samples, "allowed": allowedCount, "blocked": blockedCount,
                                 "ledger_build_seconds": buildSeconds,
                                 "p50_parts_ms": parts.mapValues { median($0) },
                                 "group_size": group, "group_per_device_ms": spread(grouped)]
        FileHandle.standardError.write(Data("decision \(size): p50 \(median(p50s)) ms, p99 \(median(p99s)) ms\n".utf8))
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
    emit(results)
}

// MARK: - section 4: reports

/// What `mediactl --db LEDGER media list` and `violations list` run: `InventoryService.report`,
/// streaming from the ledger through a `ReportOutput` whose blocks go to /dev/null with write(2), as
/// mediactl's go to its standard output.
func reportsBench(_ args: Arguments) throws {
    let path = args.string("db")
    let runs = args.int("runs", 5)
    let service = InventoryService(store: try LedgerStore(path: path))
    let root = Caller(actor: Actor(uid: 0, name: "root"), roles: Set(Role.allCases))
    let sink = open("/dev/null", O_WRONLY)
    guard sink >= 0 else { fail("cannot open /dev/null") }
    let reports: [(name: String, listing: Listing, format: ReportFormat)] = [
        ("media-csv", .media(MediaFilter()), .csv),
        ("media-table", .media(MediaFilter()), .table),
        ("violations-csv", .violations(ViolationFilter()), .csv),
        ("violations-table", .violations(ViolationFilter()), .table),
    ]
    let rowCounts = try DatabaseQueue(path: path).read { db in
        [try Int.fetchOne(db, sql: "SELECT count(*) FROM medium") ?? 0, try Int.fetchOne(db, sql: "SELECT count(*) FROM violation") ?? 0]
    }
    var results: [String: Any] = [:]
    for report in reports {
        // One untimed run counts the lines (and warms the page cache); the timed runs only write.
        var lines = 0, bytes = 0
        var counting = ReportOutput { block in
            bytes += block.count
            for byte in block where byte == 0x0A { lines += 1 }
        }
        try service.report(report.listing, format: report.format, language: .en, caller: root, to: &counting)
        var first: [Double] = [], last: [Double] = []
        for _ in 0..<runs {
            var firstBlock: UInt64? = nil
            let t0 = now()
            var output = ReportOutput { block in
                if firstBlock == nil { firstBlock = now() }
                _ = write(sink, block.baseAddress, block.count)
            }
            try service.report(report.listing, format: report.format, language: .en, caller: root, to: &output)
            let t1 = now()
            first.append(Double((firstBlock ?? t1) - t0) / 1e9)
            last.append(Double(t1 - t0) / 1e9)
        }
        results[report.name] = ["rows": rowCounts[report.name.hasPrefix("media") ? 0 : 1], "lines": lines, "bytes": bytes,
                                "first_byte_s": spread(first), "last_byte_s": spread(last)]
        FileHandle.standardError.write(Data("\(report.name): \(lines) lines, first byte \(median(first)) s, last byte \(median(last)) s\n".utf8))
    }
    close(sink)
    emit(results)
}

// MARK: - main

let arguments = Arguments(CommandLine.arguments)
do {
    switch arguments.command {
    case "decision": try decisionBench(arguments)
    case "ledger":
        let rows = arguments.int("rows", 1_000_000)
        let violations = arguments.int("violations", rows), events = arguments.int("events", 0)
        guard let mix = ViolationMix(rawValue: arguments.string("violation-mix", ViolationMix.every30s.rawValue)) else {
            fail("--violation-mix takes every-30s or year")
        }
        let t = now()
        try makeLedger(path: arguments.string("db"), media: rows, violations: violations, violationMix: mix, events: events)
        emit(["rows": rows, "violations": violations, "events": events, "violation_mix": mix.rawValue,
              "seconds": Double(now() - t) / 1e9])
    case "reports": try reportsBench(arguments)
    default: fail("unknown command \(arguments.command)")
    }
} catch {
    fail("\(error)")
}
