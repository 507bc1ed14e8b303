extension StringProtocol {
    public func trimmingWhitespace() -> String {
        var scalars = Substring(self).unicodeScalars[...]
        while let first = scalars.first, first.properties.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
        return String(String.UnicodeScalarView(scalars))
    }
}

/// Makes untrusted text (serials and names read from devices, cells typed by people) safe to show
/// on a terminal or in a one-line log: control characters and invalid bytes become `\xNN`, so a
/// hostile serial can neither move the cursor nor forge a second log line.
public enum SafeText {
    /// A device-supplied sysfs text attribute (serial, manufacturer, product) as the ledger keeps it:
    /// exactly one trailing newline (the kernel's) dropped, any other byte kept, everything that is
    /// not printable UTF-8 escaped. mediactl (registering from a plugged-in device) and mediad
    /// (judging it) must clean a serial the same way, or the registered stick would not match.
    public static func attribute(_ bytes: [UInt8]) -> String {
        escape(bytes: bytes.last == UInt8(ascii: "\n") ? Array(bytes.dropLast()) : bytes)
    }

    public static func escape(_ text: String) -> String {
        // Nearly every value is printable ASCII without a backslash: nothing to escape.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != 0x5C }) { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x5C: out += "\\\\"
            case 0..<0x20, 0x7F, 0x80..<0xA0, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069:
                out += scalar.value < 0x100 ? "\\x" + hex2(scalar.value) : "\\u{" + String(scalar.value, radix: 16) + "}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Raw bytes (as read from sysfs) to text: valid UTF-8 passes, every other byte is `\xNN`.
    public static func escape(bytes: [UInt8]) -> String {
        if bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != 0x5C }) { return String(decoding: bytes, as: UTF8.self) }
        var out = ""
        var index = 0
        while index < bytes.count {
            let length = utf8Length(bytes[index])
            if length > 0, index + length <= bytes.count,
               let scalar = String(validating: bytes[index..<index + length], as: UTF8.self) {
                out += escape(scalar)
                index += length
            } else {
                out += "\\x" + hex2(UInt32(bytes[index]))
                index += 1
            }
        }
        return out
    }

    private static func utf8Length(_ lead: UInt8) -> Int {
        switch lead {
        case 0x00...0x7F: 1
        case 0xC2...0xDF: 2
        case 0xE0...0xEF: 3
        case 0xF0...0xF4: 4
        default: 0
        }
    }

    private static func hex2(_ value: UInt32) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(value >> 4) & 0xF], digits[Int(value) & 0xF]])
    }
}
