@testable import AssetCore
import Foundation
import Testing

/// The hub's own reader of event batches (`JSONScanner`): what it reads is what `JSONDecoder`
/// reads, and where it is unsure it says so (`nil`) rather than guess, leaving the bytes to
/// `JSONDecoder`. Expected values are written out by hand.
@Suite struct EventBatchScanTests {
    static let march = Timestamp(parsing: "2026-03-02T08:00:00Z")!

    static func record(_ seq: Int64, content: String) -> ChainedRecord {
        ChainedRecord(seq: seq, table: "device_event", localID: seq + 100, at: march, content: content,
                      previous: String(repeating: "0", count: 64), hash: String(repeating: "a", count: 64))
    }

    /// Content as mediad writes it, and as odd as a device's serial can make it.
    static let contents: [String] = [
        #"{"id":1,"kind":"attach","serial":"4C530001","decision":"allow"}"#,
        #"{"serial":"quote\" backslash\\ slash/ tab\t newline\n"}"#,
        #"{"device":"金士顿 DataTraveler","holder":"张三"}"#,
        "{\"serial\":\"\u{1}\u{1F}\u{7F}\"}",
        #"{"note":"emoji 🔐 and 𝔘"}"#,
        "",
        "\"",
    ]

    @Test(arguments: contents) func aBatchReadsAsJSONDecoderReadsIt(content: String) throws {
        let batch = EventBatch(unit: "第一研究所", computer: "PC-0042", sentAt: Self.march, head: 9_000_000_000, ledgerVersion: -3,
                               records: [Self.record(1, content: content), Self.record(2, content: "{}")])
        let body = try UnitCoding.encoder.encode(batch)
        let scanned = try #require(EventBatch.scan(body))
        #expect(scanned == batch)
        #expect(scanned.records[0].content == content)
        #expect(scanned == (try JSONDecoder().decode(EventBatch.self, from: body)))
    }

    /// Text written by hand: other key orders, whitespace, escapes an encoder may choose.
    @Test func escapesAndLayoutAnyEncoderMayWrite() throws {
        let text = """
            { "records" : [ { "hash":"h", "content":"\\u5f20\\u4e09 \\ud83d\\udd10 \\/ \\b\\f\\r", "previous":"p",
              "at":"2026-03-02T08:00:00Z", "localID":7, "table":"violation", "seq":1, "extra":[1,{"x":null},true] } ],
              "ledgerVersion":0, "head":1, "sentAt":"2026-03-02T08:00:00Z", "computer":"PC", "unit":"u" }
            """
        let scanned = try #require(EventBatch.scan(Data(text.utf8)))
        #expect(scanned.records.count == 1)
        #expect(scanned.records[0].content == "张三 🔐 / \u{8}\u{C}\r")
        #expect(scanned.records[0].table == "violation")
        #expect(scanned.records[0].localID == 7)
        #expect(scanned == (try JSONDecoder().decode(EventBatch.self, from: Data(text.utf8))))
    }

    /// What the scanner leaves to JSONDecoder: each is either decoded there or refused there.
    @Test(arguments: [
        #"{"unit":"u","computer":"c","sentAt":"2026-03-02T08:00:00Z","head":1.0,"ledgerVersion":0,"records":[]}"#,
        #"{"unit":"u","computer":"c","sentAt":"2026-03-02T08:00:00Z","head":1,"ledgerVersion":0}"#,
        #"{"unit":null,"computer":"c","sentAt":"2026-03-02T08:00:00Z","head":1,"ledgerVersion":0,"records":[]}"#,
        #"{"unit":"\ud800","computer":"c","sentAt":"2026-03-02T08:00:00Z","head":1,"ledgerVersion":0,"records":[]}"#,
        #"{"unit":"u","computer":"c","sentAt":"yesterday","head":1,"ledgerVersion":0,"records":[]}"#,
        #"{"unit":"u","computer":"c","sentAt":"2026-03-02T08:00:00Z","head":99999999999999999999,"ledgerVersion":0,"records":[]}"#,
        #"{"unit":"u","computer":"c","sentAt":"2026-03-02T08:00:00Z","head":1,"ledgerVersion":0,"records":[]} trailing"#,
        #"{"unit":"u","computer":"c","sentAt":"2026-03-02T08:00:00Z","head":1,"ledgerVersion":0,"records":[{"seq":1}]}"#,
        #"{"unit":"u","computer":"c","sentAt":"2026-03-02T08:00:00Z","head":1,"ledgerVersion":0,"records":[]"#,
        "[]",
    ])
    func whatItCannotTellIsLeftToJSONDecoder(text: String) {
        #expect(EventBatch.scan(Data(text.utf8)) == nil)
    }

    @Test func bytesThatAreNotUTF8AreLeftToJSONDecoder() {
        var bytes = Data(#"{"unit":""#.utf8)
        bytes.append(contentsOf: [0xC3, 0x28])
        bytes.append(contentsOf: Data(#"","computer":"c","sentAt":"2026-03-02T08:00:00Z","head":1,"ledgerVersion":0,"records":[]}"#.utf8))
        #expect(EventBatch.scan(bytes) == nil)
    }

    /// Through `open`, as the hub takes a delivery: a head of 1.0 (which JSONDecoder reads as 1) still opens.
    @Test func openFallsBackToJSONDecoder() throws {
        let key = SigningKey()
        let text = #"{"unit":"u","computer":"c","sentAt":"2026-03-02T08:00:00Z","head":1.0,"ledgerVersion":0,"records":[]}"#
        let body = Data(text.utf8)
        let signature = try key.privateKey.signature(for: SignedPayload.signedBytes(.eventBatch, body))
        let payload = SignedPayload(kind: .eventBatch, signer: key.publicText, body: body, signature: signature)
        let batch = try payload.open(EventBatch.self, as: .eventBatch, trusting: key.publicText)
        #expect(batch.head == 1)
        #expect(batch.computer == "c")
    }
}
