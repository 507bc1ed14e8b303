import AssetCore
#if canImport(Glibc)
import Glibc
#endif
@testable import MediadCore
import Testing

/// The network guard's rules as `Guard.judgeLinks` and `mediad --observe-links` both apply them:
/// when a link is cut, when its verdict is recorded, what the record says was done.
@Suite struct LinkJudgementTests {
    static let unauthorized = LinkViolation(type: .unauthorizedLink, severity: .high,
                                            reason: Bilingual(zh: "违规外联", en: "a link that must not exist"))

    static func link(_ ifindex: Int = 7, up: Bool = false, usb: String? = nil) -> LinkObservation {
        LinkObservation(ifindex: ifindex, name: "usb0", kind: .wired, up: up,
                        usb: usb.map { LinkUSBIdentity(syspath: $0, vendorID: "04e8", productID: "6863") })
    }

    static let cut = LinkVerdict(decision: .cut, violations: [unauthorized], evidence: .address)
    static let auditedCut = LinkVerdict(decision: .cut, violations: [unauthorized], evidence: .address, audited: true)
    static let allow = LinkVerdict(decision: .allow, evidence: .address)

    /// A USB device directory whose `authorized` holds `value`.
    static func usbDevice(authorized value: String) throws -> String {
        var template = Array("/tmp/mediad-link-XXXXXX".utf8CString)
        let made = try #require(template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) })
        let path = String(cString: made)
        let file = try #require(fopen(path + "/authorized", "w"))
        fputs(value + "\n", file)
        fclose(file)
        return path
    }

    func judged(_ link: LinkObservation, _ verdict: LinkVerdict, previous: LinkVerdict? = nil) throws -> LinkJudgement {
        let all = LinkJudgement.judge([link], previous: previous.map { [link.ifindex: $0] } ?? [:],
                                      authorizer: SysfsAuthorizer()) { _ in verdict }
        return try #require(all.first)
    }

    // Each row written from the rule: cut when the verdict enforces a cut and something is still
    // open (the link up, or its USB device authorized); recorded when cut or when worse.
    @Test func aLinkThatIsUpIsCutAndRecorded() throws {
        let judgement = try judged(Self.link(up: true), Self.cut)
        #expect(judgement.mustCut)
        #expect(judgement.recorded)
        #expect(judgement.action == "cut: set usb0 down")
    }

    @Test func aLinkAlreadyDownWithNothingBehindItIsNotCutButItsFirstViolationIsRecorded() throws {
        let judgement = try judged(Self.link(up: false), Self.cut)
        #expect(!judgement.mustCut)
        #expect(judgement.recorded)
        #expect(judgement.action == nil)
    }

    @Test func aDownLinkWhoseUSBDeviceIsStillAuthorizedIsCut() throws {
        let device = try Self.usbDevice(authorized: "1")
        let judgement = try judged(Self.link(up: false, usb: device), Self.cut)
        #expect(judgement.mustCut)
        #expect(judgement.action == "cut: set usb0 down and deauthorize USB device \(device)")
    }

    @Test func aDownLinkWhoseUSBDeviceIsDeauthorizedIsLeftAlone() throws {
        let device = try Self.usbDevice(authorized: "0")
        #expect(try !judged(Self.link(up: false, usb: device), Self.cut).mustCut)
    }

    @Test func aUSBDeviceWhoseAuthorizationCannotBeReadCountsAsOpen() throws {
        #expect(try judged(Self.link(up: false, usb: "/nonexistent/usb1/1-4"), Self.cut).mustCut)
    }

    @Test func anAuditedCutIsRecordedAsWhatWouldBeDone() throws {
        let judgement = try judged(Self.link(up: true), Self.auditedCut)
        #expect(!judgement.mustCut)
        #expect(judgement.recorded)
        #expect(judgement.action == "audit: would cut usb0")
    }

    @Test func theSameVerdictAgainIsRecordedOnlyWhenItCuts() throws {
        #expect(try !judged(Self.link(up: false), Self.auditedCut, previous: Self.auditedCut).recorded)
        #expect(try judged(Self.link(up: true), Self.cut, previous: Self.cut).recorded, "a link set up again is cut again")
    }

    @Test func anAllowedLinkIsNeitherCutNorRecorded() throws {
        let judgement = try judged(Self.link(up: true), Self.allow)
        #expect(!judgement.mustCut)
        #expect(!judgement.recorded)
        #expect(judgement.action == nil)
    }

    @Test func everyLinkIsJudgedWithItsOwnPreviousVerdict() {
        let links = [Self.link(1, up: true), Self.link(2, up: true)]
        var asked: [Int] = []
        let judged = LinkJudgement.judge(links, previous: [2: Self.allow], authorizer: SysfsAuthorizer()) { link in
            asked.append(link.ifindex)
            return link.ifindex == 1 ? Self.allow : Self.cut
        }
        #expect(asked == [1, 2])
        #expect(judged.map(\.previous) == [nil, Self.allow])
        #expect(judged.map(\.mustCut) == [false, true])
    }

    @Test func theCutLatencyIsInWholeMicroseconds() {
        let start = ContinuousClock.now
        #expect(LinkJudgement.cutLatencyMicros(since: start, now: start + .microseconds(1_500)) == 1_500)
        #expect(LinkJudgement.cutLatencyMicros(since: start, now: start + .seconds(2) + .nanoseconds(3_999)) == 2_000_003)
        #expect(LinkJudgement.cutLatencyMicros(since: start, now: start) == 0)
    }
}
