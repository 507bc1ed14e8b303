/// Whether a text is JSON that PostgreSQL's jsonb takes as it is: RFC 8259, and none of what jsonb
/// refuses though JSON allows it (`\u0000`, a lone surrogate escape, a number past numeric's
/// range), nested at most `maximumDepth` deep (deeper, PostgreSQL may run out of stack). Checked
/// byte by byte, without building anything, since nearly every record passes.
struct JSONBCheck {
    static let maximumDepth = 64

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0

    private init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    static func accepts(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { buffer in
            var check = JSONBCheck(buffer)
            guard check.value(depth: 0) else { return false }
            check.skipSpace()
            return check.index == buffer.count
        }
    }

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipSpace() {
        while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1 }
    }

    private mutating func value(depth: Int) -> Bool {
        skipSpace()
        guard let byte = current, depth <= Self.maximumDepth else { return false }
        switch byte {
        case UInt8(ascii: "{"): return container(close: UInt8(ascii: "}"), keyed: true, depth: depth)
        case UInt8(ascii: "["): return container(close: UInt8(ascii: "]"), keyed: false, depth: depth)
        case UInt8(ascii: "\""): return string()
        case UInt8(ascii: "t"): return literal("true")
        case UInt8(ascii: "f"): return literal("false")
        case UInt8(ascii: "n"): return literal("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return number()
        default: return false
        }
    }

    private mutating func container(close: UInt8, keyed: Bool, depth: Int) -> Bool {
        index += 1
        skipSpace()
        if current == close {
            index += 1
            return true
        }
        while true {
            if keyed {
                skipSpace()
                guard current == UInt8(ascii: "\""), string() else { return false }
                skipSpace()
                guard current == UInt8(ascii: ":") else { return false }
                index += 1
            }
            guard value(depth: depth + 1) else { return false }
            skipSpace()
            switch current {
            case UInt8(ascii: ","): index += 1
            case close:
                index += 1
                return true
            default: return false
            }
        }
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { return false }
        index += count
        return true
    }

    private mutating func string() -> Bool {
        index += 1
        while let byte = current {
            index += 1
            switch byte {
            case UInt8(ascii: "\""): return true
            case 0..<0x20: return false
            case UInt8(ascii: "\\"):
                guard let escaped = current else { return false }
                index += 1
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    continue
                case UInt8(ascii: "u"):
                    guard let code = hex4(), code != 0 else { return false }
                    if (0xDC00...0xDFFF).contains(code) { return false }
                    if (0xD800...0xDBFF).contains(code) {
                        guard current == UInt8(ascii: "\\"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "u") else { return false }
                        index += 2
                        guard let low = hex4(), (0xDC00...0xDFFF).contains(low) else { return false }
                    }
                default:
                    return false
                }
            default:
                continue
            }
        }
        return false
    }

    /// Four hex digits at the index, moved past.
    private mutating func hex4() -> Int? {
        guard index + 4 <= bytes.count else { return nil }
        var code = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: Int
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = Int(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = Int(byte - UInt8(ascii: "a")) + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = Int(byte - UInt8(ascii: "A")) + 10
            default: return nil
            }
            code = code * 16 + digit
            index += 1
        }
        return code
    }

    /// A JSON number whose exponent has at most three digits and whose text at most a thousand
    /// characters: well inside PostgreSQL's numeric.
    private mutating func number() -> Bool {
        let start = index
        if current == UInt8(ascii: "-") { index += 1 }
        let integer = index
        let count = digits()
        guard count > 0, count == 1 || bytes[integer] != UInt8(ascii: "0") else { return false }
        if current == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { return false }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            index += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
            guard (1...3).contains(digits()) else { return false }
        }
        return index - start <= 1_000
    }

    private mutating func digits() -> Int {
        let start = index
        while let byte = current, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") { index += 1 }
        return index - start
    }
}
