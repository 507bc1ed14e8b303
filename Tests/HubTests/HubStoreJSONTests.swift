@testable import HubStore
import Testing

/// Record content from a computer goes into jsonb as it is when PostgreSQL takes it so, else written
/// anew: the check's verdicts by hand, and PostgreSQL's own parser as the judge that whatever the
/// store sends it is taken.
@Suite struct HubStoreJSONTests {
    static let cases: [(text: String, asIs: Bool)] = [
        (#"{"a":1}"#, true),
        (#"  [1, 2.5, -0, -0.5e+10, 1E3, true, false, null, "x"]  "#, true),
        (#"{"k":{"n":[{"d":"\u00e9\ud83d\ude00 é \/ \" \\ \n"}]}}"#, true),
        (#""plain""#, true),
        ("42", true),
        (#"{"n":1e400}"#, true),
        (String(repeating: "[", count: 65) + String(repeating: "]", count: 65), true),
        (#"{"nul":"\u0000"}"#, false),
        (#"{"x":"\ud800"}"#, false),
        (#"{"x":"\udc00"}"#, false),
        (#""\ud800\u0041""#, false),
        (#"{"n":1e1000}"#, false),
        ("01", false),
        ("1.", false),
        (".5", false),
        ("-", false),
        ("1e", false),
        (#"{"a" 1}"#, false),
        (#"{"a":1,}"#, false),
        ("[1,]", false),
        ("{,}", false),
        ("\"a\tb\"", false),
        (#""\x""#, false),
        ("not json", false),
        ("", false),
        ("nul", false),
        ("truex", false),
        (String(repeating: "[", count: 66) + String(repeating: "]", count: 66), false),
        (String(repeating: "{\"a\":", count: 300) + "1" + String(repeating: "}", count: 300), false),
    ]

    @Test func theCheckTakesWhatJSONBTakesAsItIs() {
        for (text, asIs) in Self.cases {
            #expect(JSONBCheck.accepts(text) == asIs, "\(text.prefix(60))")
            #expect((EventStorage.jsonb(text) == text) == asIs, "\(text.prefix(60))")
        }
    }

    @Test func postgreSQLTakesWhateverTheStoreSends() async throws {
        let settings = try await PostgresCluster.shared.freshDatabase()
        for (text, _) in Self.cases {
            let sent = EventStorage.jsonb(text)
            #expect(!sent.contains("$q$"))
            let parsed = try await sql("SELECT jsonb_typeof($q$\(sent)$q$::jsonb)", settings)
            #expect(parsed.count == 1, "\(text.prefix(60))")
        }
    }
}
