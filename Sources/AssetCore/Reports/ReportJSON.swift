import Foundation
import GRDB

/// Listings as JSON: one array, laid out exactly as `JSONEncoder` with `prettyPrinted`, `sortedKeys`
/// and `withoutEscapingSlashes` lays it out (mediactl's `--format json`), followed by a newline.
///
/// Streamed, each element is encoded on its own and indented into the array, so memory holds one
/// element at a time. JSON is the slow format (an encoder per element); it streams, but it is not
/// the one the 1-second target is about.
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

    static func stream<T: Encodable>(_ db: Database, sql: String, arguments: StatementArguments,
                                     decode: (Row) throws -> T, into out: inout ReportOutput) throws {
        let encoder = encoder()
        out.append("[\n")
        var first = true
        let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
        while let row = try rows.next() {
            let data = try encoder.encode(try decode(row))
            if !first { out.append(",\n") }
            first = false
            // Indent every non-empty line by two spaces: the element's place inside the array.
            var lineStart = true
            for byte in data {
                if lineStart && byte != 0x0A { out.append(0x20); out.append(0x20) }
                out.append(byte)
                lineStart = byte == 0x0A
            }
            try out.rowDone()
        }
        out.append("\n]\n")
    }
}
