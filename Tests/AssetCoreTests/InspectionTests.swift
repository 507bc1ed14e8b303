@testable import AssetCore
import Testing

/// 保密检查 (M19), from the regulation rather than the code: the guard must run, enforce and lock
/// the ports; the computer's record names its level, network and holder; no link may break the
/// network profile; a usable device must have been allowed; the admin trail must verify; the guard
/// must not have been down since the last inspection; violations are handled within 30 days; loans
/// come back on time; people who leave hand their media back; media are checked every six months;
/// and the clock must not be turned back. Each expectation below is written by hand.
@Suite struct InspectionTests {
    /// 2026-11-30 10:00:00 UTC.
    static let now = Timestamp(parsing: "2026-11-30T10:00:00Z")!

    static let stick = PresentDevice(port: "1-1", vendorID: "0781", productID: "5567", serial: "AA00BB11",
                                     authorized: true, decision: .allow, audited: false)

    /// A computer in good order: every item passes.
    static func healthy() -> InspectionFacts {
        InspectionFacts(
            now: now,
            live: LiveFacts(mode: .enforce, lockdown: true, linkWatch: true, links: [], devices: [stick]),
            host: Computer(assetNumber: "PC-001", level: .secret, network: .standalone, holder: "P001", isThisHost: true),
            trail: TrailVerification(rowCount: 12, problems: []),
            lastInspection: Timestamp(parsing: "2026-11-01T09:00:00Z")!, gapsSinceLastInspection: [],
            oldestOpenViolation: (id: 7, at: Timestamp(parsing: "2026-11-20T08:00:00Z")!),
            loans: [OutstandingLoan(number: "GP-2026-001", person: "李四 P002", due: Day(parsing: "2026-12-05")!)],
            heldByDeparted: [], lastFinishedCheck: Timestamp(parsing: "2026-06-15T07:00:00Z")!,
            newestRecord: Timestamp(parsing: "2026-11-30T09:59:00Z")!)
    }

    static func item(_ facts: InspectionFacts, _ id: InspectionCheck) -> InspectionItem {
        Inspection.judge(facts).first { $0.id == id }!
    }

    static func statuses(_ facts: InspectionFacts) -> [String: InspectionStatus] {
        Dictionary(uniqueKeysWithValues: Inspection.judge(facts).map { ($0.id.rawValue, $0.status) })
    }

    @Test func aHealthyComputerPassesEveryItemInOrder() {
        let items = Inspection.judge(Self.healthy())
        #expect(items.map(\.id.rawValue) == ["guard", "host", "links", "devices", "trail", "gaps", "violations", "loans",
                                             "departed", "media-check", "clock"])
        #expect(items.allSatisfy { $0.status == .pass && $0.action == nil })
        #expect(Inspection.result(items) == .pass)
        #expect(Self.item(Self.healthy(), .host).reason.zh == "PC-001：机密，单机，责任人 P001")
    }

    @Test func withoutTheDaemonTheGuardItemsFailAndSaySo() {
        var facts = Self.healthy()
        facts.live = nil
        let items = Inspection.judge(facts)
        #expect(items.filter { $0.status == .fail }.map(\.id.rawValue) == ["guard", "links", "devices"])
        for id in [InspectionCheck.guardRunning, .links, .devices] {
            #expect(Self.item(facts, id).reason.en == "mediad is not running / not reachable, so this cannot be checked")
            #expect(Self.item(facts, id).reason.zh == "mediad 未运行或无法连接，无法检查")
        }
        #expect(Inspection.result(items) == .fail)
    }

    @Test func auditModeOrNoLockdownFailsTheGuardItem() {
        var facts = Self.healthy()
        facts.live?.mode = .audit
        #expect(Self.item(facts, .guardRunning).status == .fail)
        #expect(Self.item(facts, .guardRunning).reason.en == "mediad runs, but it runs in audit mode (records, blocks nothing)")
        facts.live?.lockdown = false
        #expect(Self.item(facts, .guardRunning).reason.zh == "mediad 在运行，但处于审计模式（只记录不阻断），未锁定端口（新设备在裁决前即可使用）")
        #expect(Self.statuses(facts).filter { $0.value != .pass }.keys.sorted() == ["guard"])
    }

    @Test func aRootHubOpenedBehindTheGuardsBackFailsTheGuardItem() {
        var facts = Self.healthy()
        facts.live?.openRootHubs = ["usb2"]
        #expect(Self.item(facts, .guardRunning).status == .fail)
        #expect(Self.item(facts, .guardRunning).reason.en
                == "mediad runs, but root hub usb2 has authorized_default other than 0 (the lockdown was undone)")
    }

    @Test func aDeviceTheGuardNeverDecidedCountsByItsSysfsState() {
        var facts = Self.healthy()
        let unknown = PresentDevice(port: "2-1", vendorID: "090c", productID: "1000", serial: nil, authorized: false,
                                    decision: nil, audited: false)
        facts.live?.devices.append(unknown)
        #expect(Self.item(facts, .devices).status == .warn)
        #expect(Self.item(facts, .devices).reason.en == "blocked devices still plugged in: 2-1 (090c:1000)")
        facts.live?.devices[1].authorized = true
        #expect(Self.item(facts, .devices).status == .fail)
        // Unreadable: not allowed, so it may be usable, and it fails; an allowed one only warns.
        facts.live?.devices[1].authorized = nil
        #expect(Self.item(facts, .devices).status == .fail)
        #expect(Self.item(facts, .devices).reason.en
                == "usable without a stored allow verdict (authorized behind the guard's back?): 2-1 (090c:1000) [authorized?]")
        facts.live?.devices[1].decision = .allow
        #expect(Self.item(facts, .devices).status == .warn)
        #expect(Self.item(facts, .devices).reason.en == "authorization could not be confirmed: 2-1 (090c:1000)")
        facts.live?.devicesListed = false
        #expect(Self.item(facts, .devices).status == .fail)
        #expect(Self.item(facts, .devices).reason.en == "the USB devices in sysfs could not be listed, so this cannot be checked")
    }

    @Test func aHostRecordWithoutHolderOrOnTheInternetFails() {
        var facts = Self.healthy()
        facts.host = nil
        #expect(Self.item(facts, .host).status == .fail)
        #expect(Self.item(facts, .host).reason.en == "this computer is not registered")
        facts.host = Computer(assetNumber: "PC-001", level: .secret, network: .standalone, isThisHost: true)
        #expect(Self.item(facts, .host).reason.en == "PC-001 has no holder on record")
        facts.host = Computer(assetNumber: "PC-001", level: .secret, network: .internet, holder: "P001", isThisHost: true)
        #expect(Self.item(facts, .host).status == .fail)
    }

    @Test func aLinkUnderACutVerdictFailsTheLinksItem() {
        var facts = Self.healthy()
        let wifi = LinkObservation(ifindex: 3, name: "wlan0", kind: .wireless)
        let eth = LinkObservation(ifindex: 2, name: "eth0", kind: .wired)
        facts.live?.links = [LinkState(link: eth, verdict: LinkVerdict(decision: .allow, evidence: .carrier)),
                             LinkState(link: wifi, verdict: LinkVerdict(decision: .cut, evidence: .appeared))]
        #expect(Self.item(facts, .links).status == .fail)
        #expect(Self.item(facts, .links).reason.en == "links break the network profile: wlan0")
        facts.live?.links.removeLast()
        #expect(Self.item(facts, .links).reason.en == "1 interfaces, none breaks the profile")
        facts.live?.linkWatch = false
        #expect(Self.item(facts, .links).status == .fail)
    }

    @Test func aUsableDeviceWithoutAnAllowVerdictFails() {
        var facts = Self.healthy()
        var behindTheBack = Self.stick
        behindTheBack.port = "1-2"
        behindTheBack.decision = .block
        facts.live?.devices.append(behindTheBack)
        #expect(Self.item(facts, .devices).status == .fail)
        #expect(Self.item(facts, .devices).reason.en
                == "usable without a stored allow verdict (authorized behind the guard's back?): 1-2 (0781:5567 AA00BB11)")
        #expect(Inspection.result(Inspection.judge(facts)) == .fail)
    }

    @Test func aBlockedDeviceStillPluggedInIsAWarningNotAFailure() {
        var facts = Self.healthy()
        var blocked = Self.stick
        blocked.port = "1-3"
        blocked.serial = nil
        blocked.authorized = false
        blocked.decision = .block
        facts.live?.devices.append(blocked)
        #expect(Self.item(facts, .devices).status == .warn)
        #expect(Self.item(facts, .devices).reason.en == "blocked devices still plugged in: 1-3 (0781:5567)")
        #expect(Self.item(facts, .devices).reason.zh == "被阻断的设备仍插着：1-3 (0781:5567)")
        #expect(Inspection.result(Inspection.judge(facts)) == .warn)
    }

    @Test func anAlteredTrailFails() {
        var facts = Self.healthy()
        facts.trail = TrailVerification(rowCount: 12, problems: [
            .init(kind: .altered, rowID: 4, message: Bilingual(zh: "第 4 行被改动", en: "row 4 altered")),
        ])
        #expect(Self.item(facts, .trail).status == .fail)
        #expect(Self.item(facts, .trail).reason.en == "the admin trail was altered: 1 problems (#4)")
    }

    @Test func aGapSinceTheLastInspectionFails() {
        var facts = Self.healthy()
        facts.gapsSinceLastInspection = [Timestamp(parsing: "2026-11-10T03:00:00Z")!]
        #expect(Self.item(facts, .gaps).status == .fail)
        #expect(Self.item(facts, .gaps).reason.en
                == "1 guard gaps since the last inspection (2026-11-01T09:00:00Z), the last at 2026-11-10T03:00:00Z")
    }

    @Test func aViolationOpenForMoreThanThirtyDaysFails() {
        var facts = Self.healthy()
        // 30 days and 2 hours before now: over 30 days.
        facts.oldestOpenViolation = (id: 3, at: Timestamp(parsing: "2026-10-31T08:00:00Z")!)
        #expect(Self.item(facts, .violations).status == .fail)
        #expect(Self.item(facts, .violations).reason.en == "violation #3 open for 30 days, since 2026-10-31T08:00:00Z")
        // 31 days and 2 hours.
        facts.oldestOpenViolation = (id: 3, at: Timestamp(parsing: "2026-10-30T08:00:00Z")!)
        #expect(Self.item(facts, .violations).status == .fail)
        // Exactly 29 days 22 hours: within.
        facts.oldestOpenViolation = (id: 3, at: Timestamp(parsing: "2026-10-31T12:00:00Z")!)
        #expect(Self.item(facts, .violations).status == .pass)
    }

    @Test func anOverdueLoanAndMediaHeldByPeopleWhoLeftFail() {
        var facts = Self.healthy()
        facts.loans.append(OutstandingLoan(number: "GP-2026-002", person: "王五 P003", due: Day(parsing: "2026-11-29")!))
        #expect(Self.item(facts, .loans).status == .fail)
        #expect(Self.item(facts, .loans).reason.en == "1 media overdue: GP-2026-002 (王五 P003, 2026-11-29)")
        facts.heldByDeparted = [HeldByDeparted(number: "GP-2026-009", person: "赵六 P004", departedOn: Day(parsing: "2026-10-01")!)]
        #expect(Self.item(facts, .departed).status == .fail)
        #expect(Self.item(facts, .departed).reason.zh == "1 件介质仍由离岗人员持有：GP-2026-009 (赵六 P004, 2026-10-01)")
    }

    @Test func theLastMediaCheckMustBeWithinSixMonths() {
        var facts = Self.healthy()
        facts.lastFinishedCheck = nil
        #expect(Self.item(facts, .mediaCheck).status == .warn)
        #expect(Self.item(facts, .mediaCheck).reason.en == "no check on record")
        // Six months before 2026-11-30 is 2026-05-30: that day is still within, the day before is not.
        facts.lastFinishedCheck = Timestamp(parsing: "2026-05-30T12:00:00Z")!
        #expect(Self.item(facts, .mediaCheck).status == .pass)
        facts.lastFinishedCheck = Timestamp(parsing: "2026-05-29T12:00:00Z")!
        #expect(Self.item(facts, .mediaCheck).status == .fail)
        #expect(Inspection.monthsBefore(Day(parsing: "2026-08-31")!, 6) == Day(parsing: "2026-02-28")!)
    }

    @Test func aClockBehindTheLedgerFails() {
        var facts = Self.healthy()
        facts.newestRecord = Timestamp(parsing: "2026-12-01T00:00:00Z")!
        #expect(Self.item(facts, .clock).status == .fail)
        #expect(Self.item(facts, .clock).reason.en
                == "the clock reads 2026-11-30T10:00:00Z, before the ledger's newest record at 2026-12-01T00:00:00Z")
        facts.newestRecord = Self.now
        #expect(Self.item(facts, .clock).status == .pass)
    }
}
