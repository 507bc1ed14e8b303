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
