/// The text of one Linux audit user message, in the audit system's `name=value` format, built
/// field by field so that no untrusted byte can end a field, forge another one, or close the
/// `msg='…'` quote the kernel wraps the text in.
///
/// Two kinds of value:
/// - `word`: mediad's own vocabulary (an operation, a decision, violation type names); written
///   bare, like libaudit's `op=` and `res=`. Only letters, digits and `-_.,:` are let through, so
///   even a mistake in mediad cannot break the record.
/// - `text`: anything a device, a person or the ledger supplied (a serial, a port, a medium
///   number, a signal sender's command name); written as the audit tools expect untrusted values
///   (libaudit's `audit_encode_nv_string`, the kernel's `audit_log_untrustedstring`): in double
///   quotes when it is plain, and as upper-case hex of its UTF-8 bytes when it holds a double or
///   single quote, a space, a control character, DEL, or any non-ASCII byte. `ausearch -i` and
///   auparse read both forms. A single quote is encoded too (libaudit does not): the kernel puts
///   the whole text inside `msg='…'`, and a hostile serial must not end it.
struct AuditMessage: Sendable, Hashable {
    /// The fields so far, each preceded by a space except the first.
    private(set) var text: String
    /// res=success or res=failed: whether what the record reports succeeded (a device admitted, a
    /// guard started), as login and device records use it, so `ausearch --success no` and
    /// `aureport --failed` find the blocked devices.
    var succeeded: Bool

    /// A value longer than this is cut before it is encoded (hex doubles it). A USB string
    /// descriptor holds at most 126 UTF-16 units; the kernel keeps 8,560 bytes of a user message.
    static let valueLimit = 256

    /// The kernel's limit for a user message's text (AUDIT_MESSAGE_TEXT_MAX); mediad stays well
    /// under it (`rendered` cuts the variable part to `textLimit`).
    static let textLimit = 8_000

    init(op: String, succeeded: Bool = true) {
        text = ""
        self.succeeded = succeeded
        word("op", op)
    }

    /// A field of mediad's own vocabulary, written bare; characters outside `[A-Za-z0-9._,:-]`
    /// become `_` (never expected, but a record is better than a forged one).
    mutating func word(_ name: String, _ value: String) {
        let safe = value.isEmpty ? "?" : String(String.UnicodeScalarView(value.unicodeScalars.map {
            Self.isWordScalar($0) ? $0 : "_"
        }))
        append(name, safe)
    }

    /// A field whose value came from outside mediad; nil (absent) is written `?`, the audit
    /// system's "unknown".
    mutating func text(_ name: String, _ value: String?) {
        guard let value else { return append(name, "?") }
        append(name, Self.encoded(value))
    }

    /// The message as sent: the fields, then what libaudit's `audit_log_user_message` adds
    /// (`exe`, `hostname`, `addr`, `terminal`, `res`) so that aureport and ausearch treat
    /// mediad's records like any other program's.
    func rendered(executable: String) -> String {
        var fields = text
        if fields.utf8.count > Self.textLimit {
            // Cut at a field boundary: a half field could read as another value.
            var cut = Substring(fields).utf8.prefix(Self.textLimit)
            if let space = cut.lastIndex(of: UInt8(ascii: " ")) { cut = cut[..<space] }
            fields = String(Substring(cut))
        }
        return fields + " exe=" + Self.encoded(executable) + " hostname=? addr=? terminal=? res="
            + (succeeded ? "success" : "failed")
    }

    /// `value` as an untrusted audit value: `"value"` when plain, upper-case hex otherwise.
    static func encoded(_ value: String) -> String {
        let bytes = value.utf8.prefix(valueLimit)
        if bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "'") }) {
            return "\"" + String(decoding: bytes, as: UTF8.self) + "\""
        }
        let digits = Array("0123456789ABCDEF".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0F)])
        }
        // An empty value is plain: `""`.
        return String(decoding: hex, as: UTF8.self)
    }

    private static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "-", "_", ".", ",", ":": true
        default: false
        }
    }

    private mutating func append(_ name: String, _ value: String) {
        if !text.isEmpty { text += " " }
        text += name + "=" + value
    }
}
