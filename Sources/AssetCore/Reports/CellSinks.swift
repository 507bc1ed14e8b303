/// Where a listing's cells go. Each report describes a row once, as a sequence of cells; a CSV
/// writer, a table's measuring pass and a table's writing pass all consume that one description, so
/// they cannot disagree about what a row says. Every call is one whole cell.
protocol CellSink {
    /// Free text from the ledger (escaped on a terminal, defused in CSV); empty bytes for an empty cell.
    mutating func text(_ bytes: CellText.Bytes)
    /// A known string (an enum's name), prepared once per listing.
    mutating func fixed(_ cell: FixedCell)
    /// Free text between two known strings, as one cell: `acknowledged (name)`.
    mutating func fixed(_ prefix: FixedCell, around text: CellText.Bytes, _ suffix: FixedCell)
    mutating func endRow() throws(LedgerError)
}

/// RFC 4180 CSV as officers' spreadsheets (WPS, Excel) read and write it: UTF-8 with a byte-order
/// mark, CRLF line ends, cells through `CellText.csvCell` (quoted only where needed, formulas
/// defused), commas between them. `CSV.parse` reads it back.
struct CSVSink: CellSink {
    var out: ReportOutput
    private var firstInRow = true

    init(out: ReportOutput, header: [String]) {
        self.out = out
        self.out.append(CSV.byteOrderMark)
        for var title in header {
            title.withUTF8 { text($0) }
        }
        self.out.append(0x0D)
        self.out.append(0x0A)
        firstInRow = true
    }

    @inline(__always)
    private mutating func separate() {
        if firstInRow { firstInRow = false } else { out.append(0x2C) }
    }

    mutating func text(_ bytes: CellText.Bytes) {
        separate()
        CellText.csvCell(bytes, into: &out)
    }

    mutating func fixed(_ cell: FixedCell) {
        separate()
        out.append(cell.csv)
    }

    mutating func fixed(_ prefix: FixedCell, around text: CellText.Bytes, _ suffix: FixedCell) {
        separate()
        let whole = Array(prefix.raw) + Array(CellText.untilNUL(text)) + Array(suffix.raw)
        whole.withUnsafeBufferPointer { CellText.csvCell($0, into: &out) }
    }

    mutating func endRow() throws(LedgerError) {
        out.append(0x0D)
        out.append(0x0A)
        firstInRow = true
        try out.rowDone()
    }
}

/// The first pass of a width-aligned table: each column's widest cell (display width, escapes counted).
///
/// Columns are as wide as their widest cell, so the widths must be known before the first line is
/// written. A table listing therefore goes over its rows twice inside one read transaction (one
/// snapshot, so both passes see the same rows even while the daemon records new ones): this pass
/// keeps nothing but each column's widest display width, then `TableWriter` writes header, rule
/// and rows with those widths, streaming. Memory stays constant; the first byte comes after the
/// first pass. (Guessing widths, or aligning per screenful, would not print the same table; CSV and
/// JSON need no widths and start at once.) The pass runs inside SQLite, as an aggregate over the
/// rows in storage order (`TableWidths`), so it is a scan without result rows: the table's price
/// for alignment, kept small.
struct TableMeasure: CellSink {
    private(set) var widths: [Int]
    private var column = 0
    private var unused = ReportOutput { _ in }

    init(header: [String]) {
        widths = header.map(TextTable.displayWidth)
    }

    @inline(__always)
    private mutating func cell(_ width: Int) {
        if column < widths.count, width > widths[column] { widths[column] = width }
        column += 1
    }

    /// `terminalCell`'s width, without its bookkeeping for the common cell of plain ASCII.
    @inline(__always)
    private mutating func width(_ bytes: CellText.Bytes) -> Int {
        let plain = CellText.printablePrefix(bytes)
        return plain == bytes.count ? plain : CellText.terminalCell(bytes, into: &unused, write: false)
    }

    mutating func text(_ bytes: CellText.Bytes) {
        cell(width(bytes))
    }

    mutating func fixed(_ fixed: FixedCell) {
        cell(fixed.width)
    }

    mutating func fixed(_ prefix: FixedCell, around text: CellText.Bytes, _ suffix: FixedCell) {
        cell(prefix.width + width(text) + suffix.width)
    }

    mutating func endRow() {
        column = 0
    }
}

/// The second pass: header, rule and rows with the measured widths. Each column is as wide as its
/// widest cell, two spaces apart; the last cell of a line is not padded (the one before an empty
/// last cell is). Header cells are the program's own text and are written as they are.
struct TableWriter: CellSink {
    var out: ReportOutput
    let widths: [Int]
    private var column = 0

    /// Rows only: a block of fields (`Fields`).
    init(out: ReportOutput, widths: [Int]) {
        self.out = out
        self.widths = widths
    }

    init(out: ReportOutput, header: [String], widths: [Int]) {
        self.init(out: out, widths: widths)
        for cell in header {
            self.out.append(cell)
            pad(TextTable.displayWidth(cell))
        }
        self.out.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n")
    }

    /// Ends a cell `used` columns wide: spaces up to the next column, or the end of the line.
    @inline(__always)
    private mutating func pad(_ used: Int) {
        if column < widths.count - 1 {
            out.spaces(widths[column] - used + 2)
            column += 1
        } else {
            out.append(0x0A)
            column = 0
        }
    }

    mutating func text(_ bytes: CellText.Bytes) {
        pad(CellText.terminalCell(bytes, into: &out, write: true))
    }

    mutating func fixed(_ cell: FixedCell) {
        out.append(cell.escaped)
        pad(cell.width)
    }

    mutating func fixed(_ prefix: FixedCell, around text: CellText.Bytes, _ suffix: FixedCell) {
        out.append(prefix.escaped)
        let width = CellText.terminalCell(text, into: &out, write: true)
        out.append(suffix.escaped)
        pad(prefix.width + width + suffix.width)
    }

    mutating func endRow() throws(LedgerError) {
        try out.rowDone()
    }
}
