@testable import AssetCore
import Foundation
import Testing

/// The computer as an asset through the service and the guard's recorder: baseline, differences
/// recorded once, closed by a new baseline; moves; peripherals.
@Suite struct ComputerAssetTests {
    func setUp() throws -> (Fixture, GuardRecorder) {
        let f = try Fixture()
        try f.person("P001", "张三", .core)
        var settings = HostSettings()
        settings.assetNumber = "PC-001"
        settings.level = .secret
        settings.network = .standalone
        try f.run(.hostSet(settings))
        return (f, GuardRecorder(store: f.store))
    }

    static let base = HardwareComparisonTests.base

    @Test func noBaselineNoComparison() throws {
        let (_, recorder) = try setUp()
        let result = try recorder.recordHardware(Self.base, at: Fixture.now, trigger: "start")
        #expect(result.noBaseline)
        #expect(result.recorded.isEmpty)
    }

    @Test func aBaselineFillsTheRegisterAndIsInTheTrail() throws {
        let (f, _) = try setUp()
        let saved = try f.answer(.computerBaseline(BaselineRequest(inventory: Self.base, approver: "王五")), \.baseline)
        #expect(saved.baseline.approver == "王五")
        let host = try f.answer(.hostShow, \.computer)
        #expect(host.diskSerials == ["S6PNNX0T123456", "20083E800123"])
        #expect(host.macAddresses == ["8c:16:45:00:00:01"])
        let trail = try f.answer(.auditLog(entity: "computer", key: "PC-001"), \.trail)
        #expect(trail.contains { $0.action == "computer-baseline" && $0.newValue?.contains("S6PNNX0T123456") == true })
        #expect(try f.answer(.auditVerify, \.verification).intact)
        let missing = try #require(ledgerError { try f.run(.computerBaseline(BaselineRequest(inventory: Self.base, approver: " "))) })
        #expect(missing.message.en.contains("--approver"))
    }

    @Test func aDifferenceIsRecordedOnceUntilANewBaselineClosesIt() throws {
        let (f, recorder) = try setUp()
        try f.run(.computerBaseline(BaselineRequest(inventory: Self.base, approver: "王五")))
        var swapped = Self.base
        swapped.disks[0].serial = "S6PNNX0T999999"
        swapped.disks[0].wwn = nil
        let first = try recorder.recordHardware(swapped, at: Fixture.now, trigger: "start")
        #expect(first.recorded.map(\.change.kind) == [.diskReplaced])
        #expect(first.recorded.first?.violation?.severity == .critical)
        // Seen again at the next start: nothing new.
        #expect(try recorder.recordHardware(swapped, at: Fixture.now, trigger: "start").recorded.isEmpty)
        let violations = try f.answer(.violationsList(ViolationFilter()), \.violations).filter { $0.type == .hardwareChanged }
        #expect(violations.count == 1)
        #expect(violations.first?.reason.en.contains("S6PNNX0T999999") == true)
        #expect(violations.first?.outcome == .logged)
        let events = try f.answer(.events(since: nil, limit: 10), \.events).filter { $0.kind == .hardwareChanged }
        #expect(events.count == 1 && events.first?.note?.contains("S6PNNX0T123456") == true)
        // The repair is approved: a new baseline closes the difference.
        let approved = try f.answer(.computerBaseline(BaselineRequest(inventory: swapped, approver: "王五")), \.baseline)
        #expect(approved.closed == 1)
        #expect(try recorder.recordHardware(swapped, at: Fixture.now, trigger: "start").open.isEmpty)
    }

    @Test func aDiskPutBackIsSaidAndARemovalReplacedIsNot() throws {
        let (f, recorder) = try setUp()
        try f.run(.computerBaseline(BaselineRequest(inventory: Self.base, approver: "王五")))
        var removed = Self.base
        removed.disks.remove(at: 0)
        #expect(try recorder.recordHardware(removed, at: Fixture.now, trigger: "remove").recorded.map(\.change.kind) == [.diskRemoved])
        let back = try recorder.recordHardware(Self.base, at: Fixture.now, trigger: "add")
        #expect(back.recorded.isEmpty && back.restored.count == 1)
        // Removed, then another disk in its place: the replacement is recorded, no "back" event.
        _ = try recorder.recordHardware(removed, at: Fixture.now, trigger: "remove")
        var replaced = Self.base
        replaced.disks[0].serial = "OTHER000001"
        replaced.disks[0].wwn = nil
        let swap = try recorder.recordHardware(replaced, at: Fixture.now, trigger: "add")
        #expect(swap.recorded.map(\.change.kind) == [.diskReplaced])
        #expect(swap.restored.isEmpty)
    }

    @Test func aComputerMovesOnlyAlongTheTable() throws {
        let (f, _) = try setUp()
        let noMode = try #require(ledgerError { try f.run(.computerMove(ComputerMove(assetNumber: "PC-001", to: .underRepair, approver: "王五"))) })
        #expect(noMode.message.en.contains("--repair-mode"))
        let watched = try #require(ledgerError {
            try f.run(.computerMove(ComputerMove(assetNumber: "PC-001", to: .underRepair, approver: "王五", repairMode: .watched)))
        })
        #expect(watched.message.en.contains("--handler"))
        let repair = try f.answer(.computerMove(ComputerMove(assetNumber: "PC-001", to: .underRepair, approver: "王五",
                                                             repairMode: .diskRemoved)), \.computer)
        #expect(repair.state == .underRepair && repair.repairMode == .diskRemoved)
        let skip = try #require(ledgerError { try f.run(.computerMove(ComputerMove(assetNumber: "PC-001", to: .destroyed, approver: "王五"))) })
        #expect(skip.message.en.contains("cannot become destroyed"))
        try f.run(.computerMove(ComputerMove(assetNumber: "PC-001", to: .inService, approver: "王五")))
        try f.run(.computerMove(ComputerMove(assetNumber: "PC-001", to: .retired, approver: "王五")))
        try f.run(.computerMove(ComputerMove(assetNumber: "PC-001", to: .destroyed, approver: "李局长", note: "shredded")))
        let history = try f.answer(.computerHistory(assetNumber: "PC-001"), \.computerHistory)
        #expect(history.movements.map(\.to) == [.underRepair, .inService, .retired, .destroyed])
        #expect(history.movements.last?.approver == "李局长")
        #expect(history.computer.state == .destroyed)
        let unknown = try #require(ledgerError { try f.run(.computerMove(ComputerMove(assetNumber: "PC-404", to: .retired, approver: "x"))) })
        #expect(unknown.kind == .notFound)
    }

    @Test func peripheralsAreRegisteredOncePerDevice() throws {
        let (f, _) = try setUp()
        let printer = PeripheralRegistration(kind: .printer, vendorID: "4b8", productID: "0x0005", serial: "L4160X123", holder: "P001")
        let saved = try #require(try f.answer(.peripheralRegister(printer), \.peripherals).first)
        #expect(saved.number == "PR-2026-0001")
        #expect(saved.vendorID == "04b8" && saved.productID == "0005" && saved.computer == "PC-001")
        let again = try #require(ledgerError { try f.run(.peripheralRegister(printer)) })
        #expect(again.kind == .conflict)
        let nobody = try #require(ledgerError {
            try f.run(.peripheralRegister(PeripheralRegistration(kind: .scanner, vendorID: "04a9", productID: "1909", holder: "P404")))
        })
        #expect(nobody.kind == .notFound)
        try f.run(.peripheralRemove(number: "PR-2026-0001", reason: "broken"))
        #expect(try f.answer(.peripheralList(computer: nil, includeRemoved: false), \.peripherals).isEmpty)
        #expect(try f.answer(.peripheralList(computer: "PC-001", includeRemoved: true), \.peripherals).count == 1)
    }

    func report(_ f: Fixture, _ request: OfficerReportRequest) throws -> [String: Any] {
        var bytes: [UInt8] = []
        var output = ReportOutput { block in bytes += block }
        try f.service.report(.officer(request), format: .json, language: .en, caller: f.admin, to: &output)
        return try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    /// 涉密计算机台账: the model, disk serials and MACs proven by the baseline, the state, who approved
    /// the baseline, and the peripherals; the audit report counts and lists the hardware changes.
    @Test func theRegisterAndTheAuditCarryTheHardware() throws {
        let (f, recorder) = try setUp()
        try f.run(.computerBaseline(BaselineRequest(inventory: Self.base, approver: "王五")))
        try f.run(.peripheralRegister(PeripheralRegistration(kind: .printer, vendorID: "04b8", productID: "0005", serial: "L4160X123",
                                                             model: "EPSON L4160", holder: "P001")))
        var added = Self.base
        added.disks.append(FixedDisk(name: "sdb", serial: "WD-WCC4N0000001", bus: .sata))
        _ = try recorder.recordHardware(added, at: Fixture.now, trigger: "add /sys/block/sdb")
        let register = try report(f, OfficerReportRequest(kind: .computers))
        let row = try #require((register["rows"] as? [[String: Any]])?.first)
        #expect(row["model"] as? String == "LENOVO 20L7S0Q300")
        #expect(row["disk_serials"] as? String == "S6PNNX0T123456; 20083E800123")
        #expect(row["macs"] as? String == "8c:16:45:00:00:01")
        #expect(row["state"] as? String == "in service")
        #expect((row["baseline"] as? String)?.hasSuffix("approved by 王五") == true)
        let tables = try #require(register["tables"] as? [String: Any])
        let peripherals = try #require(tables["peripherals"] as? [[String: Any]])
        #expect(peripherals.map { $0["number"] as? String } == ["PR-2026-0001"])
        #expect(peripherals.first?["identity"] as? String == "04b8:0005 L4160X123")
        let audit = try report(f, OfficerReportRequest(kind: .audit, period: try ReportPeriod.quarter("2026Q4")))
        #expect((audit["totals"] as? [String: Int])?["hardware_changes"] == 1)
        let hardware = try #require((audit["tables"] as? [String: Any])?["hardware"] as? [[String: Any]])
        #expect(hardware.count == 1)
        #expect((hardware.first?["note"] as? String)?.contains("fixed disk added") == true)
    }
}
