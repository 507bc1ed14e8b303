/// How many terminal columns text takes, the one width rule of every aligned listing: the streamed
/// tables (`TableMeasure`, `TableWriter`, `CellText.terminalCell`), the small ones (`SmallTable`,
/// `Fields`) and anything else that lines Chinese (two columns a character) up with Latin text.
/// (The table's layout itself lives in `CellSinks.swift`; the String renderer it replaced is kept by
/// the tests as a reference.)
public enum TextTable {
    /// Columns a string takes in a terminal: East Asian wide and full-width characters take two.
    public static func displayWidth(_ text: String) -> Int {
        var width = 0
        for scalar in text.unicodeScalars {
            let v = scalar.value
            width += v < 0x300 ? 1 : columns(of: v)
        }
        return width
    }

    /// Columns one scalar takes. Below U+0300 every scalar takes one (the first nonspacing mark is
    /// U+0300, the first wide character U+1100), and the CJK ideograph and Hangul blocks hold no
    /// nonspacing marks: those answers need no Unicode property lookup, which is the slow part.
    static func columns(of v: UInt32) -> Int {
        if v < 0x300 { return 1 }
        if (0x4E00...0x9FFF).contains(v) || (0xAC00...0xD7A3).contains(v) { return 2 }
        if v == 0x200B || Unicode.Scalar(v).map({ $0.properties.generalCategory == .nonspacingMark }) ?? false { return 0 }
        let wide = (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
            || (0xFFE0...0xFFE6).contains(v) || (0x1F300...0x1FAFF).contains(v) || (0x20000...0x3FFFD).contains(v)
        return wide ? 2 : 1
    }
}
