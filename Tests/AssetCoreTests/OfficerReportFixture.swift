@testable import AssetCore
import Foundation
import GRDB
import Testing

/// A year of a small unit's ledger, written the way it happens (each operation at its own time),
/// with the figures every officer's report must show counted by hand in `Expected`.
///
/// Times are UTC in the ledger. Two violations sit on the edges of +08:00 days: V2 is 2026-09-30
/// 17:00 UTC (1 October in Beijing), V7 is 2026-12-31 16:30 UTC (2027 in Beijing). So the year
/// 2026 and Q4 hold different violations in +08:00 and in UTC, and a report that ignored the zone
/// would miscount.
struct OfficerLedger {
    let fixture: Fixture
    let numbers: [String: String]

    static let now = Timestamp(parsing: "2026-11-22T10:00:00Z")!
    static let beijing = ZoneChoice.fixed(seconds: 8 * 3600)

    init() throws {
        fixture = try Fixture()
        let store = fixture.store
        let admin = fixture.admin
        func at(_ time: String, _ request: Request) throws -> Response {
            try InventoryService(store: store, clock: .fixed(Timestamp(parsing: time)!)).handle(request, caller: admin)
        }
        var host = HostSettings()
        host.assetNumber = "PC-001"; host.name = "机要室终端"; host.level = .secret; host.network = .standalone
        host.location = "301室"; host.unit = "某某局"
        _ = try at("2026-01-02T01:00:00Z", .hostSet(host))
        _ = try at("2026-01-02T01:00:00Z", .computerAdd(Computer(assetNumber: "PC-002", name: "档案室", level: .confidential, network: .standalone,
                                                                   location: "302室")))
        _ = try at("2026-01-02T01:00:00Z", .personAdd(Person(id: "P001", name: "张三", department: "办公室", clearance: .important)))
        _ = try at("2026-01-02T01:00:00Z", .personAdd(Person(id: "P002", name: "李四", department: "技术处", clearance: .important)))
        _ = try at("2026-01-02T01:00:00Z", .personAdd(Person(id: "P003", name: "王五", department: "技术处", clearance: .important)))
        var numbers: [String: String] = [:]
        func register(_ name: String, _ time: String, kind: MediumKind = .usbStick, level: Level, holder: String, serial: String) throws {
            var r = MediumRegistration(kind: kind, level: level, holder: holder)
            r.vendorID = "0781"; r.productID = "5567"; r.serial = serial; r.capacityBytes = 16_000_000_000
            let detail = try #require(try at(time, .mediaRegister(r)).medium)
            numbers[name] = detail.medium.number
        }
        try register("M1", "2026-01-10T02:00:00Z", level: .secret, holder: "P001", serial: "AA0000000001")
        try register("M2", "2026-02-01T02:00:00Z", level: .confidential, holder: "P002", serial: "AA0000000002")
        try register("M3", "2026-03-01T02:00:00Z", kind: .usbDisk, level: .secret, holder: "P002", serial: "AA0000000003")
        try register("M4", "2026-04-01T02:00:00Z", level: .secret, holder: "P003", serial: "AA0000000004")
        try register("M5", "2026-04-02T02:00:00Z", level: .confidential, holder: "P001", serial: "AA0000000005")
        try register("M6", "2026-04-03T02:00:00Z", level: .secret, holder: "P001", serial: "AA0000000006")
        func move(_ kind: MovementKind, _ name: String, _ time: String, _ fill: (inout LifecycleRequest) -> Void) throws {
            var request = LifecycleRequest(kind: kind, number: numbers[name]!)
            fill(&request)
            _ = try at(time, .mediaMove(request))
        }
        // M2 lent to 张三 on 1 May, due 15 May, never returned: overdue.
        try move(.loan, "M2", "2026-05-01T02:00:00Z") { $0.person = "P001"; $0.approver = "处长"; $0.dueDate = Day(parsing: "2026-05-15") }
        // M3 lowered to 秘密 (降密) in June, then retired and destroyed in July.
        _ = try at("2026-06-01T02:00:00Z", .mediaReclassify(Reclassification(number: numbers["M3"]!, level: .confidential,
                                                                             approver: "定密责任人", reason: "内容降密")))
        try move(.retire, "M3", "2026-07-01T02:00:00Z") { $0.approver = "处长"; $0.reason = "损坏" }
        try move(.destroy, "M3", "2026-07-02T02:00:00Z") { $0.approver = "钱七"; $0.witness = "赵六"; $0.method = "物理粉碎" }
        // M4 declassified to 内部 (解密) in August; its holder 王五 leaves on 30 September without handing it back.
        _ = try at("2026-08-01T02:00:00Z", .mediaReclassify(Reclassification(number: numbers["M4"]!, level: .internal,
                                                                             approver: "定密责任人", reason: "解密")))
        _ = try at("2026-09-30T02:00:00Z", .personDepart(Departure(id: "P003", day: Day(parsing: "2026-09-30")!,
                                                                   declassificationEnds: Day(parsing: "2027-03-31"),
                                                                   pendingHandback: true, note: "调离，介质待清退")))
        // M5 sent for repair on 1 September (82 days before now); M6 reported lost on 1 October.
        try move(.repair, "M5", "2026-09-01T02:00:00Z") { $0.approver = "处长"; $0.repairUnit = "保密维修点" }
        try move(.lost, "M6", "2026-10-01T02:00:00Z") { $0.person = "P001"; $0.note = "出差途中遗失" }
        self.numbers = numbers

        try store.write { db in
            func violation(_ time: String, _ type: ViolationType, _ severity: Severity, _ outcome: ViolationOutcome,
                           medium: String? = nil, person: String? = nil) throws {
                var v = ViolationRecord(at: Timestamp(parsing: time)!, type: type, severity: severity, outcome: outcome,
                                        reason: Bilingual(zh: "原因", en: "reason"))
                v.computer = "PC-001"
                v.mediumNumber = medium.map { numbers[$0]! }
                v.person = person
                _ = try GuardRows.insert(db, violation: v)
            }
            try violation("2026-02-10T03:00:00Z", .unregisteredMedium, .high, .blocked)                              // V1
            try violation("2026-09-30T17:00:00Z", .unregisteredMedium, .high, .blocked)                              // V2
            try violation("2026-10-05T02:00:00Z", .unregisteredMedium, .high, .blocked)                              // V3
            try violation("2026-10-20T06:00:00Z", .levelAboveComputer, .critical, .blocked, medium: "M1", person: "P001")  // V4
            try violation("2026-11-03T01:00:00Z", .unregisteredMedium, .high, .blocked)                              // V5
            try violation("2026-11-15T08:00:00Z", .guardGap, .high, .logged)                                         // V6
            try violation("2026-12-31T16:30:00Z", .unregisteredStorageCapable, .high, .blocked, person: "P002")      // V7

            func event(_ time: String, _ kind: GuardEventKind, _ decision: Decision? = nil, serial: String? = nil, medium: String? = nil) throws {
                var e = GuardEvent(at: Timestamp(parsing: time)!, kind: kind)
                e.computer = "PC-001"
                e.decision = decision
                if let serial { e.vendorID = "0781"; e.productID = "5567"; e.serial = serial; e.device = "SanDisk Cruzer" }
                e.mediumNumber = medium.map { numbers[$0]! }
                _ = try GuardRows.insert(db, event: e)
            }
            try event("2026-10-01T00:00:00Z", .guardStart)
            try event("2026-10-02T01:00:00Z", .attach, .allow, serial: "AA0000000001", medium: "M1")
            try event("2026-10-02T02:00:00Z", .detach, serial: "AA0000000001")
            try event("2026-10-10T01:00:00Z", .attach, .allow, serial: "AA0000000001", medium: "M1")
            try event("2026-10-10T02:00:00Z", .detach, serial: "AA0000000001")
            try event("2026-10-11T03:00:00Z", .attach, .block, serial: "ZZ9999")
            try event("2026-10-31T09:00:00Z", .guardStop)
            try event("2026-11-01T00:00:00Z", .guardStart)
            try event("2026-11-01T01:00:00Z", .attach, .allow, serial: "AA0000000001", medium: "M1")
            try event("2026-11-01T02:00:00Z", .detach, serial: "AA0000000001")
            try event("2026-11-12T03:00:00Z", .attach, .block, serial: "ZZ9999")
            try event("2026-11-15T08:00:00Z", .guardGap)
            try event("2026-11-20T05:00:00Z", .link, .block)
            // Outside Q4 in any zone: must not be counted in the audit.
            try event("2026-06-01T00:00:00Z", .attach, .allow, serial: "AA0000000001", medium: "M1")
        }
        // The officer 保密员甲 handles V3 and V4 the day after each (one trail row each, in Q4).
        let officer = Caller(actor: Actor(uid: 1001, name: "保密员甲"), roles: [.officer])
        let ids = try store.read { db in try Int64.fetchAll(db, sql: "SELECT id FROM violation WHERE at IN (?, ?) ORDER BY id",
                                                             arguments: ["2026-10-05T02:00:00Z", "2026-10-20T06:00:00Z"]) }
        for (id, time) in zip(ids, ["2026-10-06T02:00:00Z", "2026-10-21T02:00:00Z"]) {
            _ = try InventoryService(store: store, clock: .fixed(Timestamp(parsing: time)!))
                .handle(.violationAck(id: id, note: "已批评教育"), caller: officer)
        }
    }

    /// The report as printed, read from the ledger at `now`.
    func print(_ request: OfficerReportRequest, _ format: ReportFormat, _ language: Language = .zh) throws -> String {
        let service = InventoryService(store: fixture.store, clock: .fixed(Self.now))
        var bytes: [UInt8] = []
        var output = ReportOutput { block in bytes += block }
        try service.report(.officer(request), format: format, language: language, caller: fixture.admin, to: &output)
        return String(decoding: bytes, as: UTF8.self)
    }

    func json(_ request: OfficerReportRequest, _ language: Language = .zh) throws -> [String: Any] {
        let text = try print(request, .json, language)
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not a JSON object: \(text)")
    }
}
