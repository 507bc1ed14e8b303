import AssetCore
import Testing

/// The allow-once rules the daemon applies (AssetCore/Guard/AllowOnceRule.swift).
@Suite struct AllowOnceRuleTests {
    static let sticks = [
        PresentIdentitiesTests.stick("1-1", serial: "SERIAL0001"),
        PresentIdentitiesTests.stick("1-2", serial: "SERIAL0002"),
        PresentIdentitiesTests.stick("1-3", serial: "SERIAL0002"),
    ]

    @Test func minutesAndAReasonAreRequired() throws {
        #expect(try AllowOnce(device: "1-1", minutes: 30, reason: "  会议材料，经李四批准 ").validatedReason() == "会议材料，经李四批准")
        #expect(throws: LedgerError.self) { try AllowOnce(device: "1-1", minutes: 0, reason: "x").validatedReason() }
        #expect(throws: LedgerError.self) { try AllowOnce(device: "1-1", minutes: 7 * 24 * 60 + 1, reason: "x").validatedReason() }
        let blank = #expect(throws: LedgerError.self) { try AllowOnce(device: "1-1", minutes: 5, reason: "  ").validatedReason() }
        #expect(blank?.kind == .usage)
    }

    @Test func theDeviceIsNamedByPortPathOrSerialAndOnlyOnce() throws {
        #expect(try AllowOnce(device: "1-1", minutes: 5, reason: "x").match(in: Self.sticks).port == "1-1")
        #expect(try AllowOnce(device: "SERIAL0001", minutes: 5, reason: "x").match(in: Self.sticks).port == "1-1")
        #expect(try AllowOnce(device: Self.sticks[1].syspath, minutes: 5, reason: "x").match(in: Self.sticks).port == "1-2")
        let none = #expect(throws: LedgerError.self) { try AllowOnce(device: "9-9", minutes: 5, reason: "x").match(in: Self.sticks) }
        #expect(none?.kind == .notFound)
        let twice = #expect(throws: LedgerError.self) { try AllowOnce(device: "SERIAL0002", minutes: 5, reason: "x").match(in: Self.sticks) }
        #expect(twice?.kind == .validation)
        #expect(twice?.message.en.contains("several devices") == true)
    }
}
