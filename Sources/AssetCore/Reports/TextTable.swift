/// A plain-text table for terminals and printouts, aligned by display width so that Chinese
/// characters (two columns wide) line up with Latin ones.
public struct TextTable: Sendable {
    public var header: [String]
    public var rows: [[String]]

    public init(header: [String], rows: [[String]]) {
        self.header = header
        self.rows = rows
    }

    public func render() -> String {
        let all = [header] + rows.map { $0.map(SafeText.escape) }
        var widths = Array(repeating: 0, count: header.count)
        for row in all {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], Self.displayWidth(cell))
            }
        }
        func line(_ row: [String]) -> String {
            var out = ""
            for (index, cell) in row.enumerated() where index < widths.count {
                let isLast = index == widths.count - 1
                out += cell
                if !isLast { out += String(repeating: " ", count: widths[index] - Self.displayWidth(cell) + 2) }
            }
            return out
        }
        var lines = [line(header), widths.enumerated().map { String(repeating: "-", count: $0.element) }
            .joined(separator: "  ")]
        lines += all.dropFirst().map(line)
        return lines.joined(separator: "\n") + "\n"
    }

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

/// Key–value blocks (`media show`, `host show`), labels aligned by display width.
public struct Fields: Sendable {
    public var pairs: [(String, String)]

    public init(_ pairs: [(String, String)]) {
        self.pairs = pairs
    }

    public func render() -> String {
        let width = pairs.map { TextTable.displayWidth($0.0) }.max() ?? 0
        return pairs.map { label, value in
            label + String(repeating: " ", count: width - TextTable.displayWidth(label)) + "  " + SafeText.escape(value)
        }.joined(separator: "\n") + "\n"
    }
}
