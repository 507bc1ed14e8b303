@testable import AssetCore
import Foundation

// The listings built from model values, the way the first version printed a daemon's reply: the
// reference the streamed listings (`MediaReport.stream`, `ViolationReport.stream`, `JSONRows`) are
// checked against, cell by cell and byte by byte. They live here because nothing but the tests
// prints a listing this way; AssetCore's byte path is the only one a user meets.

extension MediaReport {
    static func tableCells(_ m: Medium, _ language: Language) -> [String] {
        [m.number, m.kind.name(language), m.level.name(language), m.state.name(language), m.holder,
         m.borrower ?? "", m.dueDate?.description ?? "", m.place ?? "", m.identity?.serial ?? ""]
    }

    static func render(_ media: [Medium], format: ReportFormat, language: Language) throws(LedgerError) -> String {
        switch format {
        case .json: return try ReportJSON.document(media)
        case .csv: return MediaCSV.export(media, language: language)
        case .table:
            return TextTable(header: tableHeader(language), rows: media.map { tableCells($0, language) }).render()
                + footer(count: media.count, language)
        }
    }
}

extension ViolationReport {
    static func cells(_ v: ViolationRecord, _ language: Language) -> [String] {
        let status = v.status == .open ? openName(language) : acknowledgedName(language) + " (\(v.acknowledgedBy ?? ""))"
        return [String(v.id ?? 0), v.at.description, v.type.names.text(language), v.severity.names.text(language),
                outcomeName(v.outcome, language), v.computer ?? "", v.mediumNumber ?? "", v.person ?? "",
                v.reason.text(language), status]
    }

    static func render(_ list: [ViolationRecord], format: ReportFormat, language: Language) throws(LedgerError) -> String {
        switch format {
        case .json: return try ReportJSON.document(list)
        case .csv: return CSV.document(header: header(language), rows: list.map { cells($0, language) })
        case .table: return TextTable(header: header(language), rows: list.map { cells($0, language) }).render()
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

extension ReportOutput {
    /// Keeps the whole report in memory, where a user's listing goes to a file descriptor.
    static func collecting(into box: TextBox) -> ReportOutput {
        ReportOutput { block throws(LedgerError) in box.bytes.append(contentsOf: block) }
    }
}

/// The bytes a collecting `ReportOutput` received.
final class TextBox {
    var bytes: [UInt8] = []
    var text: String { String(decoding: bytes, as: UTF8.self) }
}
