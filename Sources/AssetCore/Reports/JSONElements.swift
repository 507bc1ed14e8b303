/// A JSON listing written byte by byte from the ledger's cells, laid out exactly as `JSONEncoder`
/// with `prettyPrinted`, `sortedKeys` and `withoutEscapingSlashes` lays out the model values inside
/// the listing's array (mediactl's `Output.json`): two-space indents, `"key" : value`, members in
/// byte order of their keys, absent optionals left out, an empty array as `[`, a blank line and `]`.
///
/// Why not the encoder per element: it cost 15 µs a row (15 s for a million media), where writing
/// the bytes costs well under one. The callers write members in sorted order themselves; the
/// stream tests compare every listing with the encoder's output, so a key out of place fails there.
struct JSONElements: CellSink {
    var out: ReportOutput
    private var elements = 0
    /// Members written so far in the open object, and in the element around it (one nesting level).
    private var members = 0
    private var outerMembers = 0
    private var nested = false

    init(out: ReportOutput) {
        self.out = out
        self.out.append("[\n")
    }

    /// A key prepared once: `"name" : ` with its indent.
    struct Key {
        let top: [UInt8]
        let inner: [UInt8]
        init(_ name: String) {
            top = Array("    \"\(name)\" : ".utf8)
            inner = Array("      \"\(name)\" : ".utf8)
        }
    }

    mutating func beginElement() {
        if elements > 0 { out.append(0x2C); out.append(0x0A) }
        elements += 1
        out.append([0x20, 0x20, 0x7B, 0x0A])
        members = 0
    }

    mutating func endElement() throws(LedgerError) {
        out.append([0x0A, 0x20, 0x20, 0x7D])
        try out.rowDone()
    }

    /// The closing bracket: call once, after the last element.
    mutating func finish() {
        out.append("\n]\n")
    }

    /// Starts a member: the separator after the previous one, then the key.
    mutating func key(_ key: Key) {
        if members > 0 { out.append(0x2C); out.append(0x0A) }
        members += 1
        out.append(nested ? key.inner : key.top)
    }

    mutating func beginObject(_ key: Key) {
        self.key(key)
        out.append([0x7B, 0x0A])
        outerMembers = members
        members = 0
        nested = true
    }

    mutating func endObject() {
        out.append([0x0A, 0x20, 0x20, 0x20, 0x20, 0x7D])
        members = outerMembers
        nested = false
    }

    /// A list of strings, one a line; an empty one as the encoder writes it.
    mutating func list(_ items: [String]) {
        let indent = nested ? 6 : 4
        out.append(0x5B)
        out.append(0x0A)
        if items.isEmpty { out.append(0x0A) }
        for (index, item) in items.enumerated() {
            if index > 0 { out.append(0x2C); out.append(0x0A) }
            out.spaces(indent + 2)
            Array(item.utf8).withUnsafeBufferPointer { string($0) }
        }
        if !items.isEmpty { out.append(0x0A) }
        out.spaces(indent)
        out.append(0x5D)
    }

    mutating func integer(_ value: Int64) {
        if value < 0 { out.append(0x2D) }
        unsigned(value.magnitude)
    }

    mutating func unsigned(_ value: UInt64) {
        CellText.decimal(value) { out.append($0) }
    }

    /// A string value: the bytes up to a NUL (as the model path's `String(cString:)` reads them),
    /// invalid UTF-8 repaired as `String(decoding:)` repairs it, escaped as the encoder escapes.
    mutating func string(_ b: CellText.Bytes) {
        let cell = CellText.untilNUL(b)
        let plain = CellText.jsonPlainPrefix(cell)
        out.append(0x22)
        if plain == cell.count {
            out.append(cell)
        } else if CellText.isValidUTF8(cell) {
            escape(cell, from: plain)
        } else {
            CellText.repaired(cell).withUnsafeBufferPointer { escape($0, from: 0) }
        }
        out.append(0x22)
    }

    /// Copies runs of plain bytes whole; each byte to escape goes through `JSONEscaping`.
    private mutating func escape(_ b: CellText.Bytes, from plain: Int) {
        var start = 0
        for index in plain..<b.count {
            let c = b[index]
            guard JSONEscaping.needsEscape(c) else { continue }
            out.append(CellText.Bytes(rebasing: b[start..<index]))
            JSONEscaping.escape(c) { out.append($0) }
            start = index + 1
        }
        out.append(CellText.Bytes(rebasing: b[start..<b.count]))
    }

    // MARK: CellSink, for the value of the member just keyed (`StoredDate` writes through it)

    mutating func text(_ bytes: CellText.Bytes) { string(bytes) }

    mutating func fixed(_ cell: FixedCell) { string(cell.raw) }

    mutating func fixed(_ prefix: FixedCell, around text: CellText.Bytes, _ suffix: FixedCell) {
        let whole = Array(prefix.raw) + Array(CellText.untilNUL(text)) + Array(suffix.raw)
        whole.withUnsafeBufferPointer { string($0) }
    }

    mutating func endRow() throws(LedgerError) {}
}
