@testable import AssetCore
import Testing

@Suite struct LevelTests {
    @Test(arguments: [
        ("绝密", Level.topSecret), ("top-secret", .topSecret), ("TOP SECRET", .topSecret), ("Top_Secret", .topSecret),
        ("机密", .secret), ("secret", .secret), ("SECRET", .secret),
        ("秘密", .confidential), ("Confidential", .confidential),
        ("内部", .internal), ("internal", .internal), ("工作秘密", .internal),
        ("非密", .unclassified), ("unclassified", .unclassified), ("公开", .unclassified), (" 机密 ", .secret),
    ])
    func parsesChineseAndEnglish(text: String, level: Level) {
        #expect(Level(parsing: text) == level)
    }

    @Test(arguments: ["", "secrets", "机", "top", "5", "绝密级x"])
    func refusesUnknownNames(text: String) {
        #expect(Level(parsing: text) == nil)
        let error = ledgerError { _ = try Parse.level(text) }
        #expect(error?.kind == .validation)
        #expect(error?.text(.en).contains("机密/secret") == true)
    }

    @Test func ordersFromTopSecretDown() {
        let ordered: [Level] = [.unclassified, .internal, .confidential, .secret, .topSecret]
        #expect(Level.allCases.sorted() == ordered)
        for (lower, higher) in zip(ordered, ordered.dropFirst()) {
            #expect(lower < higher)
            #expect(!(higher < lower))
        }
        #expect(Level.confidential.isStateSecret && !Level.internal.isStateSecret)
    }

    @Test func namesInBothLanguages() {
        #expect(Level.secret.name(.zh) == "机密")
        #expect(Level.secret.name(.en) == "secret")
        #expect(Level.topSecret.name(.zh) == "绝密")
        #expect(Language.fromLocale("zh_CN.UTF-8") == .zh)
        #expect(Language.fromLocale("en_US.UTF-8") == .en)
        #expect(Language.fromLocale(nil) == .en)
    }

    @Test func clearanceBoundsTheLevelAPersonMayHold() {
        #expect(Clearance.core.highestLevel == .topSecret)
        #expect(Clearance.important.highestLevel == .secret)
        #expect(Clearance.general.highestLevel == .confidential)
        #expect(Clearance.none.highestLevel == .internal)
    }
}

@Suite struct ValueParsingTests {
    @Test func daysAreCalendarDays() {
        #expect(Day(parsing: "2026-12-01")?.description == "2026-12-01")
        #expect(Day(parsing: "2026/2/3")?.description == "2026-02-03")
        #expect(Day(parsing: "2026-02-29") == nil)
        #expect(Day(parsing: "2024-02-29") != nil)
        #expect(Day(parsing: "2026-13-01") == nil)
        #expect(Day(parsing: "12/01/2026") == nil)
    }

    @Test func timestampsRoundTrip() {
        let t = Timestamp(parsing: "2026-11-22T09:30:05Z")!
        #expect(t.description == "2026-11-22T09:30:05Z")
        #expect(Timestamp(parsing: "1970-01-01")?.secondsSinceEpoch == 0)
        #expect(Timestamp(parsing: "2026-11-22")! < t)
    }

    @Test func capacitiesAsPeopleTypeThem() {
        #expect(Capacity.parse("15376318464") == 15_376_318_464)
        #expect(Capacity.parse("16GB") == 16_000_000_000)
        #expect(Capacity.parse("1 GiB") == 1_073_741_824)
        #expect(Capacity.parse("lots") == nil)
        #expect(Capacity.describe(15_376_318_464) == "15.4 GB")
    }

    @Test func usbIDsAreNormalised() {
        #expect(HardwareIdentity.normaliseUSBID("0x781") == "0781")
        #expect(HardwareIdentity.normaliseUSBID("0781") == "0781")
        #expect(HardwareIdentity.normaliseUSBID("ABCD") == "abcd")
        #expect(HardwareIdentity.normaliseUSBID("12345") == nil)
        #expect(HardwareIdentity.normaliseUSBID("zz") == nil)
    }

    @Test(arguments: ["", "   ", "0000000000", "0123456789ABCDEF", "000000000001", "001", "AAAAAAAA"])
    func weakSerialsAreRecognised(serial: String) {
        #expect(HardwareIdentity.weakness(ofSerial: serial) != nil)
    }

    @Test(arguments: ["4C530001230101104353", "AA00BB11CC22", "2004113330E8"])
    func realSerialsAreNotWeak(serial: String) {
        #expect(HardwareIdentity.weakness(ofSerial: serial) == nil)
    }

    @Test func hostileTextIsEscapedForDisplay() {
        #expect(SafeText.escape("ab\u{1B}[2Jcd\n") == "ab\\x1B[2Jcd\\x0A")
        #expect(SafeText.escape(bytes: [0x41, 0x42, 0x01, 0xFF, 0x43]) == "AB\\x01\\xFFC")
        #expect(SafeText.escape(bytes: Array("张三".utf8)) == "张三")
        #expect(SafeText.escape("a\\b") == "a\\\\b")
    }
}
