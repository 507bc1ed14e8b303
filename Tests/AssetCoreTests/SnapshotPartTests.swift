@testable import AssetCore
import Foundation
import Testing

/// How the hub cuts a snapshot into signed parts: every part's body under the bound, whatever the
/// rows, the parts numbered and chained in order, nothing lost or reordered; a small snapshot stays
/// one `.snapshot` payload.
@Suite struct SnapshotSplitTests {
    let key = SigningKey()
    static let at = Timestamp(parsing: "2026-11-30T08:00:00Z")!

    /// A medium row whose JSON is exactly `bytes` long: `{"key":"M-0001","row":{"number":"M-0001",
    /// "pad":"…"},"table":"medium"}` is 68 bytes with an empty pad.
    static func row(_ index: Int, bytes: Int) -> LedgerRowChange {
        let number = String(format: "M-%04d", index)
        return LedgerRowChange(table: "medium", key: number,
                               row: ["number": .text(number), "pad": .text(String(repeating: "x", count: bytes - 68))])
    }

    func snapshot(_ rows: [LedgerRowChange]) -> ChangeSet {
        ChangeSet(unit: "某单位", from: 0, to: 7, at: Self.at, rows: rows)
    }

    @Test func aRowOfTheTablesIsAsLongAsItsJSONWrittenOut() throws {
        let written = #"{"key":"M-0001","row":{"number":"M-0001","pad":""},"table":"medium"}"#
        #expect(written.utf8.count == 68)
        #expect(try UnitCoding.encoder.encode(Self.row(1, bytes: 68)) == Data(written.utf8))
        #expect(try UnitCoding.encoder.encode(Self.row(2, bytes: 1000)).count == 1000)
    }

    /// Rows of 1,000 bytes. A whole snapshot's body is 72 bytes besides its rows:
    /// `{"at":"2026-11-30T08:00:00Z","from":0,"rows":[…],"to":7,"unit":"某单位"}` less `[…]`, and its
    /// rows take 2 (brackets) + 1,000 per row + 1 per comma. A part's header is reserved at its
    /// longest, 175 bytes: `{"at":"2026-11-30T08:00:00Z","part":100000,"parts":100000,"previous":"`
    /// 64 hex digits `","rows":…,"unit":"某单位","version":7}`. So a part has room for
    /// bound − 175 bytes of rows array: 3,921 → 3 rows (3,004; 4 would be 4,005), 9,825 → 9 rows
    /// (9,010; 10 would be 10,011), 65,361 → 65 rows (65,066; 66 would be 66,067).
    @Test(arguments: [
        // bound, rows, rows in each payload (one entry: the whole snapshot as one .snapshot)
        (4096, 1, [1]),
        (4096, 4, [4]),          // 72 + 2 + 4,000 + 3 = 4,077 ≤ 4,096: still whole
        (4096, 5, [3, 2]),       // 5,078 > 4,096: parts of 3
        (10_000, 20, [9, 9, 2]),
        (10_000, 100, [9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 1]),
        (65_536, 100, [65, 35]),
    ])
    func aSnapshotIsCutWhereTheBoundFalls(bound: Int, count: Int, expected: [Int]) throws {
        let rows = (1...count).map { Self.row($0, bytes: 1000) }
        let payloads = try SnapshotParts.sign(snapshot(rows), partBytes: bound, with: key)
        if expected.count == 1 {
            #expect(payloads.map(\.kind) == [.snapshot])
            #expect(try payloads[0].open(ChangeSet.self, as: .snapshot, trusting: key.publicText).rows == rows)
        } else {
            let parts = try payloads.map { try $0.open(SnapshotPart.self, as: .snapshotPart, trusting: key.publicText) }
            #expect(parts.map(\.rows.count) == expected)
            #expect(parts.flatMap(\.rows) == rows)
        }
        #expect(payloads.allSatisfy { $0.body.count <= bound })
    }

    /// Any rows, any bound in the range: every body under the bound, the parts numbered 1…N of N,
    /// each naming the digest of the one before, all of one unit, version and time, and together the
    /// rows in their order.
    @Test(arguments: [4096, 5000, 7919, 16_384, 100_000])
    func everyPartIsUnderTheBoundAndTheyChainInOrder(bound: Int) throws {
        var generator = SplitMix(seed: UInt64(bound))
        for count in [0, 1, 2, 3, 17, 240] {
            let rows = (0..<count).map { Self.row($0, bytes: 68 + Int(generator.next() % 1800)) }
            let payloads = try SnapshotParts.sign(snapshot(rows), partBytes: bound, with: key)
            #expect(payloads.allSatisfy { $0.body.count <= bound }, "bound \(bound), \(count) rows")
            guard payloads.count > 1 else {
                #expect(payloads.map(\.kind) == [.snapshot])
                #expect(try payloads[0].open(ChangeSet.self, as: .snapshot, trusting: key.publicText).rows == rows)
                continue
            }
            let parts = try payloads.map { try $0.open(SnapshotPart.self, as: .snapshotPart, trusting: key.publicText) }
            #expect(parts.map(\.part) == Array(1...parts.count))
            #expect(parts.allSatisfy { $0.parts == parts.count && $0.version == 7 && $0.unit == "某单位" && $0.at == Self.at })
            #expect(parts[0].previous == nil)
            for index in 1..<parts.count {
                #expect(parts[index].previous == SnapshotPart.digest(payloads[index - 1].body))
            }
            #expect(parts.flatMap(\.rows) == rows)
            #expect(parts.allSatisfy { !$0.rows.isEmpty })
        }
    }

    @Test func aBoundOutsideTheRangeIsBroughtIntoIt() throws {
        let rows = (1...10).map { Self.row($0, bytes: 1000) }
        // 100 bytes would be a part per row at best; the bound is raised to 4,096.
        let payloads = try SnapshotParts.sign(snapshot(rows), partBytes: 100, with: key)
        #expect(payloads.count == 4)
        #expect(payloads.allSatisfy { $0.body.count <= 4096 })
    }

    @Test func theDigestIsSHA256OfTheBody() {
        // SHA-256 of "abc", from FIPS 180-2's example.
        #expect(SnapshotPart.digest(Data("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}

/// A small deterministic generator, so that "any rows" are the same rows on every run.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
