@testable import AssetCore
import Testing

/// The hub decodes a record's content only when its text may name a kind that teaches the unit:
/// a JSON string equal to the kind's name, written out or with `\u` escapes. Contents written by hand.
@Suite struct KindFilterTests {
    let teaching = KindFilter([.capacityLearnt, .levelRaised])

    @Test func anOrdinaryAttachNamesNoKindThatTeaches() {
        let content = #"{"id":7,"at":"2026-03-15T10:00:00Z","kind":"attach","observation":"{\"class\":\"00\"}","note":null}"#
        #expect(!teaching.mayName(in: content))
    }

    @Test func aKindThatTeachesIsSeenWrittenOutOrEscaped() {
        #expect(teaching.mayName(in: #"{"id":8,"kind":"level-raised","note":"level=secret"}"#))
        #expect(teaching.mayName(in: #"{"kind" : "capacity-learnt"}"#))
        #expect(teaching.mayName(in: #"{"kind":"capacity\u002dlearnt"}"#))
    }

    @Test func aNameInsideALongerStringIsNotTheKind() {
        #expect(!teaching.mayName(in: #"{"kind":"detach","note":"not capacity-learnt here"}"#))
        // An escaped backslash before a `u` is no `\u` escape.
        #expect(!teaching.mayName(in: #"{"kind":"link","note":"C:\\users"}"#))
    }
}
