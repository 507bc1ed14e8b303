/// RFC 4180 CSV as officers' spreadsheets (WPS, Excel) read and write it: UTF-8 with a byte-order
/// mark, CRLF line ends, quotes only where needed. Written by `CSVSink` (every listing, streamed or
/// small); read here.
public enum CSV {
    public static let byteOrderMark = "\u{FEFF}"

    /// A record and the line of the file it starts on (for error messages).
    public struct Record: Sendable, Hashable {
        public var line: Int
        public var fields: [String]
    }

    /// Parses a whole document; an unterminated quote is an error naming its line. A leading
    /// apostrophe before a formula character is the writer's defusing (`CellText.csvCell`) and is
    /// dropped, so export → import is lossless.
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
