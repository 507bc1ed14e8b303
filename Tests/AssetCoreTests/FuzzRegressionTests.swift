@testable import AssetCore
import Foundation
import Testing

/// What the fuzz harnesses (`Sources/mediad-fuzz`, `make fuzz`) found, each input as found (or
/// cut down to what matters) and the clear answer it gets now. The inputs found are also in the
/// corpus (`fuzz/corpus/<target>/crash-*`), which the smoke in `make test` replays.
@Suite struct FuzzRegressionTests {
    static let batchHead = #"{"computer":"PC-001","head":1,"ledgerVersion":7,"records":[{"at":"2026-11-22T09:30:00Z","content":"{}","hash":"h","localID":1,"#

    /// event-batch: a record naming `previous` twice. JSONDecoder keeps the first, the scanner kept
    /// the last, so the hub's chain check and anything reading the stored batch with JSONDecoder saw
    /// two different records. The scanner now gives up on a repeated member: one reading, JSONDecoder's.
    @Test func aRepeatedMemberIsReadAsJSONDecoderReadsIt() throws {
        let text = Self.batchHead + #""previous":"first","previous":"second","seq":1,"table":"t"}],"sentAt":"2026-11-22T09:30:00Z","unit":"u"}"#
        let body = Data(text.utf8)
        #expect(EventBatch.scan(body) == nil, "the scanner leaves a repeated member to JSONDecoder")
        let key = try SigningKey(rawRepresentation: Data(repeating: 0x22, count: 32))
        let payload = SignedPayload(kind: .eventBatch, signer: key.publicText, body: body,
                                    signature: try key.privateKey.signature(for: SignedPayload.signedBytes(.eventBatch, body)))
        let opened = try payload.open(EventBatch.self, as: .eventBatch, trusting: key.publicText)
        #expect(opened == (try JSONDecoder().decode(EventBatch.self, from: body)))
        #expect(opened.records.first?.previous == "first")
    }

    /// The same at the batch's own level (`unit` twice) and for `records` twice.
    @Test(arguments: [
        #"{"unit":"a","unit":"b","computer":"c","sentAt":"2026-11-22T09:30:00Z","head":1,"ledgerVersion":0,"records":[]}"#,
        #"{"unit":"a","computer":"c","sentAt":"2026-11-22T09:30:00Z","head":1,"ledgerVersion":0,"records":[],"records":[]}"#,
    ])
    func aRepeatedBatchMemberIsLeftToJSONDecoder(text: String) {
        #expect(EventBatch.scan(Data(text.utf8)) == nil)
    }

    /// The input the smoke found, its hashes shortened; as found it replays from the corpus in `make test`.
    @Test func theInputFoundReadsOneWay() throws {
        let body = Data(#"{"computer":"PC-001","head":2,"ledgerVersion":7,"records":[{"at":"2026-11-22T09:30:00Z","content":"{}","hash":"6578f0eb","localID":1,"previous":"0000b279","localID":1,"previous":"0000","seq":1,"table":"guard_event"}],"sentAt":"2026-11-22T09:30:00Z","unit":"unit-1"}"#.utf8)
        #expect(EventBatch.scan(body) == nil)
        #expect((try JSONDecoder().decode(EventBatch.self, from: body)).records.first?.previous == "0000b279")
    }
}

/// event-batch: nesting deeper than any batch has, in a member the scanner skips. Each level was a
/// frame of the scanner's recursion, and 200,000 of them overflowed the stack (a crash of the hub
/// on one computer's batch). Past `JSONScanner.maxDepth` the scanner gives up and JSONDecoder
/// answers: here with its own refusal, nested too deep.
@Suite struct FuzzDepthTests {
    static func batch(nesting levels: Int) -> Data {
        Data((#"{"unit":"u","computer":"c","sentAt":"2026-11-22T09:30:00Z","head":1,"ledgerVersion":0,"records":[],"x":"#
              + String(repeating: "[", count: levels) + String(repeating: "]", count: levels) + "}").utf8)
    }

    @Test func deepNestingIsRefusedNotACrash() throws {
        let body = Self.batch(nesting: 200_000)
        #expect(EventBatch.scan(body) == nil)
        let key = try SigningKey(rawRepresentation: Data(repeating: 0x22, count: 32))
        let payload = SignedPayload(kind: .eventBatch, signer: key.publicText, body: body,
                                    signature: try key.privateKey.signature(for: SignedPayload.signedBytes(.eventBatch, body)))
        #expect(throws: UnitError.self) { try payload.open(EventBatch.self, as: .eventBatch, trusting: key.publicText) }
    }

    @Test func nestingWithinTheLimitIsStillScanned() throws {
        let scanned = try #require(EventBatch.scan(Self.batch(nesting: JSONScanner.maxDepth - 1)))
        #expect(scanned.unit == "u")
        #expect(EventBatch.scan(Self.batch(nesting: JSONScanner.maxDepth)) == nil)
    }
}

/// event-batch: numbers JSONDecoder refuses, which the scanner read (found by the harness's oracle,
/// the scanner held to reading what JSONDecoder reads): a leading zero in a member it reads, and a
/// skipped member's "number" that is only a run of `+-.0123456789eE`. The hub took such a batch,
/// and any reader with JSONDecoder (`bundle show`, a records bundle's summary) refused it. Now the
/// scanner holds numbers to JSON's grammar and gives up otherwise; JSONDecoder's answer is the answer.
@Suite struct FuzzNumberTests {
    static func batch(head: String = "1", extra: String) -> String {
        #"{"unit":"u","computer":"c","sentAt":"2026-11-22T09:30:00Z","head":"# + head + #","ledgerVersion":0,"records":[],"x":"# + extra + "}"
    }

    @Test(arguments: [batch(head: "01", extra: "0"), batch(head: "-01", extra: "0"), batch(extra: "+-e"), batch(extra: ".5"), batch(extra: "+1")])
    func aNumberJSONDecoderRefusesIsRefused(text: String) {
        #expect(EventBatch.scan(Data(text.utf8)) == nil)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(EventBatch.self, from: Data(text.utf8)) }
    }

    /// Outside JSON's grammar, though JSONDecoder does not look closely at a member it skips: the
    /// scanner leaves them to it, so both readings are JSONDecoder's.
    @Test(arguments: [batch(extra: "01"), batch(extra: "1."), batch(extra: "1e"), batch(extra: "-"), batch(extra: "1e+"), batch(extra: "--1")])
    func anOddNumberIsLeftToJSONDecoder(text: String) {
        #expect(EventBatch.scan(Data(text.utf8)) == nil)
    }

    @Test(arguments: [batch(head: "-0", extra: "0"), batch(extra: "-0.5e-3"), batch(extra: "12.25E+2"), batch(extra: "[1, -2.5, 3e7]")])
    func aNumberJSONAllowsIsStillScanned(text: String) throws {
        let scanned = try #require(EventBatch.scan(Data(text.utf8)))
        #expect(scanned == (try JSONDecoder().decode(EventBatch.self, from: Data(text.utf8))))
    }
}
