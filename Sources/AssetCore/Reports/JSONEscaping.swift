/// How a byte is escaped inside a JSON string, as `JSONEncoder` escapes it (RFC 8259): quote and
/// backslash with a backslash, `\b \t \n \f \r` by their letters, other control characters as
/// `\u00XX`; everything else stands as it is. One rule for every JSON mediad and mediactl write by
/// hand (the listings, the observation stored with each device event), so none can differ.
enum JSONEscaping {
    /// Whether `byte` must be escaped.
    @inline(__always)
    static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    /// Writes the escape sequence for `byte` (one that `needsEscape`) through `write`, byte by byte.
    @inline(__always)
    static func escape(_ byte: UInt8, _ write: (UInt8) -> Void) {
        write(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): write(byte)
        case 0x08: write(UInt8(ascii: "b"))
        case 0x09: write(UInt8(ascii: "t"))
        case 0x0A: write(UInt8(ascii: "n"))
        case 0x0C: write(UInt8(ascii: "f"))
        case 0x0D: write(UInt8(ascii: "r"))
        default:
            for unit in [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]] {
                write(unit)
            }
        }
    }

    private static let hex = Array("0123456789abcdef".utf8)
}
