/// The language a person reads output in. Chinese is the working language of the regulations;
/// English is offered for mixed teams and for logs read by tooling.
public enum Language: String, Sendable, Codable, CaseIterable {
    case zh
    case en

    /// Picks the language from a `LANG`/`LC_ALL`-style locale string: Chinese locales read Chinese,
    /// everything else (including an unset locale) reads English.
    public static func fromLocale(_ locale: String?) -> Language {
        guard let locale, !locale.isEmpty else { return .en }
        return locale.lowercased().hasPrefix("zh") ? .zh : .en
    }

    /// Parses `zh`/`en` (and the common spellings people type) for `--lang`.
    public init?(parsing text: String) {
        switch text.lowercased() {
        case "zh", "zh_cn", "zh-cn", "cn", "chinese", "中文": self = .zh
        case "en", "en_us", "en-us", "english", "英文": self = .en
        default: return nil
        }
    }
}

/// A pair of texts, one per language, for anything a person reads.
public struct Bilingual: Sendable, Hashable, Codable {
    public var zh: String
    public var en: String

    public init(zh: String, en: String) {
        self.zh = zh
        self.en = en
    }

    public func text(_ language: Language) -> String {
        language == .zh ? zh : en
    }
}
