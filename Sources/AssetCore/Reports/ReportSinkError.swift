/// A listing's bytes could not be handed on: standard output is closed or full, the reader of a
/// streamed report went away. Not a `LedgerError`: the ledger was read correctly and the listing was
/// right as far as it got; what failed is where it was going. Whoever made the sink says what
/// happened (mediactl's standard output, the daemon's report stream) and maps it to its exit
/// status (mediactl: 74, I/O error).
public struct ReportSinkError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: Bilingual

    public init(zh: String, en: String) {
        message = Bilingual(zh: zh, en: en)
    }

    public func text(_ language: Language) -> String { message.text(language) }

    public var description: String { message.en }
}
