/// The text rules of every listing, applied to a cell's UTF-8 bytes as SQLite hands them over, so a
/// streamed listing never builds a `String` per cell: CSV quoting and formula defusing, the escapes
/// of `SafeText.escape`, display widths (`TextTable.displayWidth`). Small listings held in memory
/// (`SmallTable`) hand their strings' bytes to the same rules, so there is one of each.
///
/// `SafeText.escape` stays the reference for escapes: every fast path here gives the same bytes, and
/// a cell that is not valid UTF-8 takes the string path (`String(decoding:)` repairs it exactly as
/// the model path's `String(cString:)` does), so both ways of listing print the same report.
enum CellText {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    // MARK: UTF-8

    /// The next scalar of valid UTF-8 at `index` and its length, or nil where the bytes are not
    /// well-formed (Unicode table 3-7: no overlongs, no surrogates, nothing above U+10FFFF).
    @inline(__always)
    static func scalar(_ b: Bytes, at index: Int) -> (value: UInt32, length: Int)? {
        let lead = b[index]
        if lead < 0x80 { return (UInt32(lead), 1) }
        func cont(_ i: Int, _ low: UInt8 = 0x80, _ high: UInt8 = 0xBF) -> UInt32? {
            guard i < b.count, b[i] >= low, b[i] <= high else { return nil }
            return UInt32(b[i] & 0x3F)
        }
        switch lead {
        case 0xC2...0xDF:
            guard let c1 = cont(index + 1) else { return nil }
            return (UInt32(lead & 0x1F) << 6 | c1, 2)
        case 0xE0...0xEF:
            let low: UInt8 = lead == 0xE0 ? 0xA0 : 0x80, high: UInt8 = lead == 0xED ? 0x9F : 0xBF
            guard let c1 = cont(index + 1, low, high), let c2 = cont(index + 2) else { return nil }
            return (UInt32(lead & 0x0F) << 12 | c1 << 6 | c2, 3)
        case 0xF0...0xF4:
            let low: UInt8 = lead == 0xF0 ? 0x90 : 0x80, high: UInt8 = lead == 0xF4 ? 0x8F : 0xBF
            guard let c1 = cont(index + 1, low, high), let c2 = cont(index + 2), let c3 = cont(index + 3) else { return nil }
            return (UInt32(lead & 0x07) << 18 | c1 << 12 | c2 << 6 | c3, 4)
        default:
            return nil
        }
    }

    static func isValidUTF8(_ b: Bytes) -> Bool {
        var index = 0
        while index < b.count {
            if b[index] < 0x80 { index += 1; continue }
            guard let (_, length) = scalar(b, at: index) else { return false }
            index += length
        }
        return true
    }

    /// The bytes before the first NUL: as much of a column as GRDB's `String(cString:)` reads.
    static func untilNUL(_ b: Bytes) -> Bytes {
        guard let nul = b.firstIndex(of: 0) else { return b }
        return Bytes(rebasing: b[0..<nul])
    }

    /// The bytes of the string the model path would hold for these bytes (invalid UTF-8 repaired).
    static func repaired(_ b: Bytes) -> [UInt8] {
        Array(String(decoding: untilNUL(b), as: UTF8.self).utf8)
    }

    // MARK: Eight bytes at a time

    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// Whether any byte of the word is zero (exact; the classic bit trick).
    @inline(__always)
    private static func hasZero(_ word: UInt64) -> Bool {
        (word &- ones) & ~word & highBits != 0
    }

    // MARK: CSV

    /// Appends a cell's bytes as a CSV cell: quoted when it holds a comma, a quote or a line break
    /// (quotes doubled), and defused with a leading apostrophe when a spreadsheet would run it as a
    /// formula (it starts with = + - @, a tab or CR: CSV injection). Every byte the rule looks at is
    /// ASCII, and ASCII bytes never occur inside a multi-byte scalar, so the rule works on bytes as it
    /// would on scalars; one pass finds the end (a NUL), whether quotes are needed and whether there
    /// is non-ASCII to check.
    static func csvCell(_ b: Bytes, into out: inout ReportOutput) {
        var length = 0, special = false, nonASCII = false
        // Eight bytes at a time while none of them needs a look of its own.
        while length + 8 <= b.count {
            let word = UnsafeRawPointer(b.baseAddress! + length).loadUnaligned(as: UInt64.self)
            if word & highBits != 0 || hasZero(word) || hasZero(word ^ (ones &* 0x2C)) || hasZero(word ^ (ones &* 0x22))
                || hasZero(word ^ (ones &* 0x0A)) || hasZero(word ^ (ones &* 0x0D)) { break }
            length += 8
        }
        while length < b.count {
            let c = b[length]
            if c == 0 { break }
            if c >= 0x80 { nonASCII = true } else if c == 0x2C || c == 0x22 || c == 0x0A || c == 0x0D { special = true }
            length += 1
        }
        let cell = Bytes(rebasing: b[0..<length])
        if nonASCII, !isValidUTF8(cell) {
            return repaired(cell).withUnsafeBufferPointer { writeCSV($0, quoted: special, into: &out) }
        }
        writeCSV(cell, quoted: special, into: &out)
    }

    @inline(__always)
    private static func writeCSV(_ b: Bytes, quoted: Bool, into out: inout ReportOutput) {
        let defused = b.first.map { $0 == 0x3D || $0 == 0x2B || $0 == 0x2D || $0 == 0x40 || $0 == 0x09 || $0 == 0x0D } ?? false
        guard quoted else {
            if defused { out.append(0x27) }
            return out.append(b)
        }
        out.append(0x22)
        if defused { out.append(0x27) }
        var start = 0
        for index in 0..<b.count where b[index] == 0x22 {
            out.append(Bytes(rebasing: b[start...index]))
            start = index
        }
        out.append(Bytes(rebasing: b[start..<b.count]))
        out.append(0x22)
    }

    // MARK: Terminal text

    /// Whether `SafeText.escape` rewrites this scalar.
    @inline(__always)
    static func mustEscape(_ v: UInt32) -> Bool {
        switch v {
        case 0x5C, 0..<0x20, 0x7F, 0x80..<0xA0, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    /// How many leading bytes are printable ASCII other than a backslash: one column each, nothing
    /// to escape. A table's measuring pass asks this first, eight bytes at a time, and hands only
    /// the cells it does not cover (Chinese, escapes, a NUL) to `terminalCell`. (Swift's `SIMD16`
    /// comparisons were measured four times slower than this word arithmetic.)
    @inline(__always)
    static func printablePrefix(_ b: Bytes) -> Int {
        var index = 0
        while index + 8 <= b.count, isPrintableWord(word(b, at: index)) { index += 8 }
        while index < b.count, b[index] >= 0x20, b[index] < 0x7F, b[index] != 0x5C { index += 1 }
        return index
    }

    @inline(__always)
    private static func word(_ b: Bytes, at index: Int) -> UInt64 {
        UnsafeRawPointer(b.baseAddress! + index).loadUnaligned(as: UInt64.self)
    }

    /// Whether all eight bytes are printable ASCII other than a backslash.
    @inline(__always)
    private static func isPrintableWord(_ word: UInt64) -> Bool {
        let below = (word &- ones &* 0x20) & ~word & highBits
        let above = ((word &+ ones) | word) & highBits
        return below == 0 && above == 0 && !hasZero(word ^ (ones &* 0x5C))
    }

    /// How many leading bytes JSON copies as they are: ASCII that is neither a control character,
    /// a quote nor a backslash (DEL and `/` included, as the encoder leaves them).
    @inline(__always)
    static func jsonPlainPrefix(_ b: Bytes) -> Int {
        var index = 0
        while index + 8 <= b.count {
            let word = word(b, at: index)
            let below = (word &- ones &* 0x20) & ~word & highBits
            if below != 0 || word & highBits != 0 || hasZero(word ^ (ones &* 0x22)) || hasZero(word ^ (ones &* 0x5C)) { break }
            index += 8
        }
        while index < b.count, b[index] >= 0x20, b[index] < 0x80, b[index] != 0x22, b[index] != 0x5C { index += 1 }
        return index
    }

    /// A number's decimal digits, without a `String`, handed to `body`.
    static func decimal(_ value: UInt64, _ body: (Bytes) -> Void) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var rest = value, start = 20
            repeat {
                start -= 1
                digits[start] = UInt8(truncatingIfNeeded: rest % 10) + 0x30
                rest /= 10
            } while rest > 0
            body(Bytes(rebasing: digits[start..<20]))
        }
    }

    private static let hex = Array("0123456789ABCDEF".utf8)

    /// Appends `SafeText.escape` of a cell's bytes (when `write`) and returns the display width of
    /// the escaped text (escapes are ASCII: one column a byte). Runs of printable text are copied
    /// whole; a byte sequence that is not UTF-8 sends the cell through the repaired string.
    static func terminalCell(_ b: Bytes, into out: inout ReportOutput, write: Bool) -> Int {
        let mark = out.count
        var width = 0, start = 0, index = 0
        while index < b.count {
            // Eight printable ASCII bytes (no control, no backslash) at a time: one column each.
            while index + 8 <= b.count, isPrintableWord(word(b, at: index)) {
                index += 8
                width += 8
            }
            guard index < b.count else { break }
            let c = b[index]
            if c >= 0x20 && c < 0x7F && c != 0x5C { width += 1; index += 1; continue }
            if c == 0 { break }
            if c < 0x80 {
                if write {
                    out.append(Bytes(rebasing: b[start..<index]))
                    out.append(0x5C)
                    if c == 0x5C { out.append(0x5C) } else {
                        out.append(0x78); out.append(hex[Int(c >> 4)]); out.append(hex[Int(c & 0xF)])
                    }
                }
                width += c == 0x5C ? 2 : 4
                index += 1
                start = index
                continue
            }
            guard let (v, length) = scalar(b, at: index) else {
                if write { out.rewind(to: mark) }
                return repaired(b).withUnsafeBufferPointer { terminalCell($0, into: &out, write: write) }
            }
            if mustEscape(v) {
                let escape = SafeText.escape(String(Unicode.Scalar(v)!))
                if write {
                    out.append(Bytes(rebasing: b[start..<index]))
                    out.append(escape)
                }
                width += escape.utf8.count
                start = index + length
            } else {
                width += TextTable.columns(of: v)
            }
            index += length
        }
        if write { out.append(Bytes(rebasing: b[start..<index])) }
        return width
    }
}
