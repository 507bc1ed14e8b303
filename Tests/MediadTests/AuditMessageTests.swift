import AssetCore
#if canImport(Glibc)
import Glibc
#endif
@testable import MediadCore
import Testing

/// The kernel audit records' text: untrusted values (serials above all) quoted when plain and hex
/// when not, so that no device can end a field, forge one, or close the kernel's `msg='…'`; and the
/// netlink framing the kernel reads. Expected strings are written by hand from the audit format.
@Suite struct AuditMessageTests {
    static let exe = "/usr/sbin/mediad"

    static func stick(port: String = "1-2", serial: String?) -> USBDeviceObservation {
        USBDeviceObservation(syspath: "/sys/devices/pci0000:00/0000:00:14.0/usb1/\(port)", port: port, vendorID: "0781",
                             productID: "5567", serial: serial, deviceClass: 0)
    }

    static let unregistered = Violation(type: .unregisteredMedium, severity: .high,
                                        reason: Bilingual(zh: "未登记存储介质", en: "unregistered storage medium"))

    // -- encoding a value --------------------------------------------------------------------

    @Test func plainValuesAreQuoted() {
        #expect(AuditMessage.encoded("4C530001230101104353") == "\"4C530001230101104353\"")
        #expect(AuditMessage.encoded("") == "\"\"")
        // An escaped serial as the ledger keeps it is printable ASCII: quoted as it is.
        #expect(AuditMessage.encoded("AB\\x01\\xFFCD") == "\"AB\\x01\\xFFCD\"")
    }

    @Test(arguments: [
        ("A B", "412042"),                 // a space would end the field
        ("x\"y", "782279"),                // a double quote would end the quoting
        ("it's", "69742773"),              // a single quote would end the kernel's msg='…'
        ("a\u{01}b", "610162"),            // a control character
        ("a\u{7F}", "617F"),               // DEL
        ("密", "E5AF86"),                   // non-ASCII: its UTF-8 bytes
    ])
    func valuesThatNeedItAreHex(value: String, hex: String) {
        #expect(AuditMessage.encoded(value) == hex)
    }

    @Test func aLongValueIsCutBeforeEncoding() {
        #expect(AuditMessage.encoded(String(repeating: "S", count: 1_000)) == "\"" + String(repeating: "S", count: 256) + "\"")
        #expect(AuditMessage.encoded(String(repeating: " ", count: 1_000)) == String(repeating: "20", count: 256))
    }

    @Test func wordsKeepOnlyTheirAlphabet() {
        var message = AuditMessage(op: "device-attach")
        message.word("decision", "allow res=success")
        message.word("violations", "")
        #expect(message.text == "op=device-attach decision=allow_res_success violations=?")
    }

    // -- a hostile serial in a whole record ---------------------------------------------------

    @Test func aHostileSerialForgesNoFieldAndCannotCloseTheMessage() {
        let serial = "AA00 \"BB'11 res=success"
        let verdict = Verdict(decision: .block, violations: [Self.unregistered])
        let text = AuditMessage.verdict(Self.stick(serial: serial), verdict, kind: .attach).rendered(executable: Self.exe)
        #expect(text == "op=device-attach decision=block device=\"1-2\" vendor=\"0781\" product=\"5567\" "
                + "serial=4141303020224242273131207265733D73756363657373 medium=? violations=unregistered-medium "
                + "exe=\"/usr/sbin/mediad\" hostname=? addr=? terminal=? res=failed")
        #expect(!text.contains("'"))
        #expect(text.split(separator: " ").filter { $0.hasPrefix("res=") }.count == 1)
    }

    @Test func aNewlineOrNulInASerialStaysInsideItsField() {
        let text = AuditMessage.verdict(Self.stick(serial: "A\nB\u{0}C"), Verdict(decision: .block), kind: .attach)
            .rendered(executable: Self.exe)
        #expect(text.contains(" serial=410A420043 "))
        #expect(!text.utf8.contains(0) && !text.contains("\n"))
    }

    // -- the records ---------------------------------------------------------------------------

    @Test func anAllowedRegisteredStick() {
        let medium = Medium(number: "U-2026-0001", kind: .usbStick, level: .secret, holder: "P001")
        let text = AuditMessage.verdict(Self.stick(port: "1-1", serial: "4C530001230101104353"),
                                        Verdict(decision: .allow, medium: medium), kind: .attach).rendered(executable: Self.exe)
        #expect(text == "op=device-attach decision=allow device=\"1-1\" vendor=\"0781\" product=\"5567\" "
                + "serial=\"4C530001230101104353\" medium=\"U-2026-0001\" violations=none "
                + "exe=\"/usr/sbin/mediad\" hostname=? addr=? terminal=? res=success")
    }

    @Test func auditModeLetsTheDeviceInAndSaysSo() {
        let verdict = Verdict(decision: .block, violations: [Self.unregistered], audited: true)
        let message = AuditMessage.verdict(Self.stick(serial: nil), verdict, kind: .recheck)
        #expect(message.text == "op=device-recheck decision=audit device=\"1-2\" vendor=\"0781\" product=\"5567\" "
                + "serial=? medium=? violations=unregistered-medium")
        #expect(message.succeeded)
    }

    @Test func aCompositeDeviceNamesItsBlockedInterfaces() {
        let verdict = Verdict(decision: .allow, interfaces: [
            InterfaceDecision(number: 0, syspath: "/x:1.0", decision: .allow, reason: Bilingual(zh: "键盘", en: "keyboard")),
            InterfaceDecision(number: 1, syspath: "/x:1.1", decision: .block, reason: Bilingual(zh: "存储", en: "storage")),
        ], violations: [Self.unregistered])
        let message = AuditMessage.verdict(Self.stick(serial: "K1"), verdict, kind: .attach)
        #expect(message.text.hasSuffix(" violations=unregistered-medium blocked_interfaces=1"))
        #expect(message.succeeded)
    }

    @Test func aVerdictTheLedgerCouldNotTakeSaysWhy() {
        let message = AuditMessage.unrecorded(Self.stick(serial: "S1"), kind: .attach, reason: "disk full")
        #expect(message.text == "op=device-attach decision=block device=\"1-2\" vendor=\"0781\" product=\"5567\" "
                + "serial=\"S1\" medium=? violations=none reason=6469736B2066756C6C")
        #expect(!message.succeeded)
    }

    @Test func anAllowOnceNamesWhoAndWhy() {
        let overridden = Verdict(decision: .block, violations: [Self.unregistered])
        let message = AuditMessage.allowOnce(Self.stick(serial: "S1"), overriding: overridden, by: Actor(uid: 1000, name: "alice"),
                                             until: Timestamp(secondsSinceEpoch: 0), reason: "vendor's installer, ticket 7")
        #expect(message.text.hasPrefix("op=device-allow-once decision=allow device=\"1-2\" vendor=\"0781\" product=\"5567\" "
                                       + "serial=\"S1\" medium=? violations=unregistered-medium by_uid=1000 by=\"alice\" until="))
        // The reason is a person's free text: hex.
        #expect(message.text.hasSuffix(" reason=76656E646F72277320696E7374616C6C65722C207469636B65742037"))
        #expect(message.succeeded)
    }

    @Test func startAndStop() {
        var config = GuardConfig()
        config.mode = .audit
        config.lockdown = false
        #expect(AuditMessage.start(version: "1.2.3", config: config).rendered(executable: Self.exe)
                == "op=start version=\"1.2.3\" guard_mode=audit lockdown=no exe=\"/usr/sbin/mediad\" hostname=? addr=? terminal=? res=success")
        let failed = AuditMessage.start(version: "1.2.3", config: nil, failure: "cannot read the configuration file /etc/x")
        #expect(failed.text == "op=start version=\"1.2.3\" reason=63616E6E6F74207265616420746865"
                + "20636F6E66696775726174696F6E2066696C65202F6574632F78")
        #expect(!failed.succeeded)
        let request = StopRequest(signal: "SIGTERM", pid: 4242, uid: 1000, user: "alice", command: "kill me")
        #expect(AuditMessage.stop(reason: "SIGTERM", request: request).text
                == "op=stop reason=\"SIGTERM\" sender_pid=4242 sender_uid=1000 sender_comm=6B696C6C206D65 violations=guard-stopped")
        #expect(AuditMessage.stop(reason: "event stream ended", request: nil).text == "op=stop reason=6576656E742073747265616D20656E646564")
    }

    @Test func aLinkCutIsAFailure() {
        let link = LinkObservation(ifindex: 7, name: "usb0", kind: .wired, up: true,
                                   usb: LinkUSBIdentity(syspath: "/sys/x", vendorID: "04e8", productID: "6863", serial: "R58M"))
        let verdict = LinkVerdict(decision: .cut, violations: [LinkViolation(type: .unauthorizedLink, severity: .high,
                                                                            reason: Bilingual(zh: "违规外联", en: "link"))],
                                  evidence: .defaultRoute)
        let message = AuditMessage.link(link, verdict)
        #expect(message.text == "op=link decision=cut link=\"usb0\" kind=wired evidence=default-route vendor=\"04e8\" "
                + "product=\"6863\" serial=\"R58M\" violations=unauthorized-link")
        #expect(!message.succeeded)
    }

    @Test func theOptionTurnsItOff() throws {
        #expect(GuardConfig().kernelAudit)
        #expect(try !GuardConfig.parse("kernel-audit = no\n").kernelAudit)
        #expect(try GuardConfig.parse("kernel-audit = yes\n").kernelAudit)
        #expect(throws: LedgerError.self) { try GuardConfig.parse("kernel-audit = maybe\n") }
    }

    // -- the netlink framing -----------------------------------------------------------------------

    @Test func theRequestIsOneUserDeviceMessageWithItsNul() {
        let bytes = AuditSocket.request("op=x", sequence: 9)
        // length 16 + 5 (text and NUL) = 21, padded to 24; type 1137 (0x471); flags REQUEST|ACK; seq 9; port 0.
        #expect(bytes == [21, 0, 0, 0, 0x71, 0x04, 0x05, 0x00, 9, 0, 0, 0, 0, 0, 0, 0,
                          UInt8(ascii: "o"), UInt8(ascii: "p"), UInt8(ascii: "="), UInt8(ascii: "x"), 0, 0, 0, 0])
    }

    @Test func theKernelsAnswerIsRead() {
        func answer(error: Int32, sequence: UInt32) -> [UInt8] {
            var bytes: [UInt8] = [36, 0, 0, 0, 2, 0, 0, 0]   // length 16 + 4 + 16, NLMSG_ERROR
            withUnsafeBytes(of: sequence.littleEndian) { bytes += $0 }
            bytes += [0, 0, 0, 0]
            withUnsafeBytes(of: error.littleEndian) { bytes += $0 }
            return bytes + [UInt8](repeating: 0, count: 16)   // the request's header, capped
        }
        #expect(AuditSocket.error(in: answer(error: 0, sequence: 3)[...], sequence: 3) == 0)
        #expect(AuditSocket.error(in: answer(error: -ECONNREFUSED, sequence: 3)[...], sequence: 3) == ECONNREFUSED)
        #expect(AuditSocket.error(in: answer(error: 0, sequence: 2)[...], sequence: 3) == nil)
        #expect(AuditSocket.error(in: [1, 2, 3][...], sequence: 3) == nil)
        // A length that overruns the datagram is not believed.
        var lying = answer(error: 0, sequence: 3)
        lying[0] = 200
        #expect(AuditSocket.error(in: lying[...], sequence: 3) == nil)
    }

    @Test func whatMeansNoAuditForThisProcess() {
        #expect(AuditDelivery.meansUnavailable(ECONNREFUSED))
        #expect(AuditDelivery.meansUnavailable(EPERM))
        #expect(AuditDelivery.meansUnavailable(EPROTONOSUPPORT))
        #expect(!AuditDelivery.meansUnavailable(ENOBUFS))
        #expect(!AuditDelivery.meansUnavailable(EINTR))
    }
}
