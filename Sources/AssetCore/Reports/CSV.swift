/// RFC 4180 CSV as officers' spreadsheets (WPS, Excel) read and write it: UTF-8 with a byte-order
/// mark, CRLF line ends, quotes only where needed.
public enum CSV {
    public static let byteOrderMark = "\u{FEFF}"

    /// Cells a spreadsheet would run as a formula are defused with a leading apostrophe
    /// (CSV injection); `parse` strips it again so export → import is lossless.
    ///
    /// Works on Unicode scalars, as `parse` does: a CRLF inside a cell, or a quote followed by a
    /// combining mark, is one `Character` but still needs quoting.
    public static func cell(_ text: String) -> String {
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

    public static func document(header: [String], rows: [[String]]) -> String {
        var out = byteOrderMark
        out += header.map(cell).joined(separator: ",") + "\r\n"
        for row in rows {
            out += row.map(cell).joined(separator: ",") + "\r\n"
        }
        return out
    }

    /// A record and the line of the file it starts on (for error messages).
    public struct Record: Sendable, Hashable {
        public var line: Int
        public var fields: [String]
    }

    /// Parses a whole document; an unterminated quote is an error naming its line.
    public static func parse(_ text: String) throws(LedgerError) -> [Record] {
        var scalars = Substring(text).unicodeScalars[...]
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
        var records: [Record] = []
        var fields: [String] = []
        var field = String.UnicodeScalarView()
        var line = 1, recordLine = 1
        var inQuotes = false
        var iterator = scalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func next() -> Unicode.Scalar? {
            if let p = pending { pending = nil; return p }
            return iterator.next()
        }
        func endField() {
            var value = String(field)
            if value.hasPrefix("'"), let second = value.unicodeScalars.dropFirst().first,
               "=+-@\t\r".unicodeScalars.contains(second) {
                value.removeFirst()
            }
            fields.append(value)
            field = String.UnicodeScalarView()
        }
        func endRecord() {
            endField()
            if !(fields.count == 1 && fields[0].isEmpty) {
                records.append(Record(line: recordLine, fields: fields))
            }
            fields = []
        }
        while let c = next() {
            if inQuotes {
                if c == "\"" {
                    if let n = next() {
                        if n == "\"" { field.append("\"") } else { inQuotes = false; pending = n }
                    } else { inQuotes = false }
                } else {
                    if c == "\n" { line += 1 }
                    field.append(c)
                }
                continue
            }
            switch c {
            case "\"" where field.isEmpty:
                inQuotes = true
            case ",":
                endField()
            case "\r":
                if let n = next(), n != "\n" { pending = n }
                endRecord(); line += 1; recordLine = line
            case "\n":
                endRecord(); line += 1; recordLine = line
            default:
                field.append(c)
            }
        }
        if inQuotes {
            throw LedgerError(.validation, zh: "CSV 第 \(recordLine) 行的引号没有闭合",
                              en: "CSV line \(recordLine): a quoted cell is never closed")
        }
        if !field.isEmpty || !fields.isEmpty { endRecord() }
        return records
    }
}
