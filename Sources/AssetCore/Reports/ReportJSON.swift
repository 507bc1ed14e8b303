import Foundation

/// Listings as JSON from model values: one array, laid out by `JSONEncoder` with `prettyPrinted`,
/// `sortedKeys` and `withoutEscapingSlashes` (mediactl's `--format json`), followed by a newline.
/// The reference the streamed listings (`JSONElements`, `JSONRows`) are tested against.
enum ReportJSON {
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    static func document<T: Encodable>(_ values: [T]) throws(LedgerError) -> String {
        do {
            return String(decoding: try encoder().encode(values), as: UTF8.self) + "\n"
        } catch {
            throw LedgerError(.storage, zh: "无法生成 JSON：\(error)", en: "cannot write the listing as JSON: \(error)")
        }
    }
}
