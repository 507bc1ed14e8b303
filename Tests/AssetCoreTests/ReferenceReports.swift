@testable import AssetCore
import Foundation

// The listings built from model values, the way the first version printed a daemon's reply: the
// reference the streamed listings (`MediaReport.stream`, `ViolationReport.stream`, `JSONRows`) and
// the small ones (`SmallTable`) are checked against, cell by cell and byte by byte. They live here,
// with the String table and CSV renderers they use, because nothing but the tests prints a listing
// this way; AssetCore's byte path (`CellSinks.swift`) is the only one a user meets.

extension MediaReport {
    static func tableCells(_ m: Medium, _ language: Language) -> [String] {
        [m.number, m.kind.name(language), m.level.name(language), m.state.name(language), m.holder,
         m.borrower ?? "", m.dueDate?.description ?? "", m.place ?? "", m.identity?.serial ?? ""]
    }

    static func render(_ media: [Medium], format: ReportFormat, language: Language) throws(LedgerError) -> String {
        switch format {
        case .html: throw LedgerError.htmlIsForReports(report: "report ledger")
        case .json: return try ReportJSON.document(media)
        case .csv: return MediaCSV.export(media, language: language)
        case .table:
            return TextTable.render(header: tableHeader(language), rows: media.map { tableCells($0, language) })
                + footer(count: media.count, language)
        }
    }
}

extension ViolationReport {
    static func cells(_ v: ViolationRecord, _ language: Language) -> [String] {
        let status = switch v.status {
        case .open: ViolationStatus.open.names.text(language)
        case .acknowledged: ViolationStatus.acknowledged.names.text(language) + " (\(v.acknowledgedBy ?? ""))"
        case .handled: language == .zh ? "已处理（\(v.handling?.names.zh ?? "")）" : "handled (\(v.handling?.rawValue ?? ""))"
        }
        var utc = LocalTime.utc
        return [String(v.id ?? 0), utc.text(v.at), v.type.names.text(language), v.severity.names.text(language),
                outcomeName(v.outcome, language), v.computer ?? "", v.mediumNumber ?? "", v.person ?? "",
                v.reason.text(language), status]
    }

    static func render(_ list: [ViolationRecord], format: ReportFormat, language: Language) throws(LedgerError) -> String {
        switch format {
        case .html: throw LedgerError.htmlIsForReports(report: "report violations")
        case .json: return try ReportJSON.document(list)
        case .csv: return CSV.document(header: header(language), rows: list.map { cells($0, language) })
        case .table: return TextTable.render(header: header(language), rows: list.map { cells($0, language) })
        }
    }
}

extension MediaCSV {
    /// The export `media import` reads back, in the order of `MediaCSV.columns`.
    static func export(_ media: [Medium], language: Language) -> String {
        CSV.document(header: columns.map { $0.title.text(language) },
                     rows: media.map { values(of: $0, language: language) })
    }

    static func values(of m: Medium, language: Language) -> [String] {
        [m.number, m.kind.name(language), m.level.name(language), m.state.name(language), m.holder, m.user ?? "",
         m.department ?? "", m.purpose ?? "", m.place ?? "", m.inServiceDate?.description ?? "", m.secrecyTerm ?? "",
         m.brand ?? "", m.model ?? "", m.identity?.vendorID ?? "", m.identity?.productID ?? "", m.identity?.serial ?? "",
         m.identity?.capacityBytes.map(String.init) ?? "", (m.identity?.filesystemUUIDs ?? []).joined(separator: ";"),
         m.boundComputers.joined(separator: ";"), m.borrower ?? "", m.dueDate?.description ?? "", m.notes ?? ""]
    }
}

/// Listings as JSON from model values: one array, laid out by `JSONEncoder` with `prettyPrinted`,
/// `sortedKeys` and `withoutEscapingSlashes` (mediactl's `--format json`), followed by a newline.
enum ReportJSON {
    static func document<T: Encodable>(_ values: [T]) throws(LedgerError) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            return String(decoding: try encoder.encode(values), as: UTF8.self) + "\n"
        } catch {
            throw LedgerError(.storage, zh: "无法生成 JSON：\(error)", en: "cannot write the listing as JSON: \(error)")
        }
    }
}

extension TextTable {
    /// The width-aligned table as the first version printed it from strings: columns as wide as
    /// their widest escaped cell, two spaces apart, the last one unpadded, a rule under the header.
    static func render(header: [String], rows: [[String]]) -> String {
        let all = [header] + rows.map { $0.map(SafeText.escape) }
        var widths = Array(repeating: 0, count: header.count)
        for row in all {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], displayWidth(cell))
            }
        }
        func line(_ row: [String]) -> String {
            var out = ""
            for (index, cell) in row.enumerated() where index < widths.count {
                out += cell
                if index < widths.count - 1 { out += String(repeating: " ", count: widths[index] - displayWidth(cell) + 2) }
            }
            return out
        }
        var lines = [line(header), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
        lines += all.dropFirst().map(line)
        return lines.joined(separator: "\n") + "\n"
    }
}

extension CSV {
    /// A cell as the first version quoted and defused it, on Unicode scalars (a CRLF inside a
    /// cell, or a quote followed by a combining mark, is one `Character` but still needs quoting).
    static func cell(_ text: String) -> String {
        let scalars = text.unicodeScalars
        let defuse = scalars.first.map { "=+-@\t\r".unicodeScalars.contains($0) } ?? false
        let quote = scalars.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
        guard defuse || quote else { return text }
        var out = String.UnicodeScalarView()
        if quote { out.append("\"") }
        if defuse { out.append("'") }
        for scalar in scalars {
            out.append(scalar)
            if quote, scalar == "\"" { out.append("\"") }
        }
        if quote { out.append("\"") }
        return String(out)
    }

    static func document(header: [String], rows: [[String]]) -> String {
        ([header] + rows).reduce(byteOrderMark) { $0 + $1.map(cell).joined(separator: ",") + "\r\n" }
    }
}

extension ReportOutput {
    /// Keeps the whole report in memory, where a user's listing goes to a file descriptor.
    static func collecting(into box: TextBox) -> ReportOutput {
        ReportOutput { block in box.bytes.append(contentsOf: block) }
    }
}

/// The bytes a collecting `ReportOutput` received.
final class TextBox {
    var bytes: [UInt8] = []
    var text: String { String(decoding: bytes, as: UTF8.self) }
}
