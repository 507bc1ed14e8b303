/// Every error a person can meet, with a message that says what was wrong and what to do.
///
/// One type with a kind (rather than many types) because errors travel: from the service through the
/// socket to mediactl, which maps the kind to an exit code and prints the message in the reader's
/// language.
public struct LedgerError: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Kind: String, Sendable, Codable {
        /// The command was typed wrong (missing or contradictory options).
        case usage
        /// A value was wrong for the domain: a bad level, an illegal transition, a weak serial.
        case validation
        /// Something named does not exist: a medium number, a person id.
        case notFound
        /// The change would break uniqueness: a number or hardware identity already registered.
        case conflict
        /// The caller's role does not allow the request.
        case permission
        /// The database could not be opened, read or written.
        case storage
        /// The audit trail failed verification.
        case tampered
        /// The daemon could not be reached.
        case unavailable
    }

    public var kind: Kind
    public var message: Bilingual

    public init(_ kind: Kind, zh: String, en: String) {
        self.kind = kind
        self.message = Bilingual(zh: zh, en: en)
    }

    public init(_ kind: Kind, _ message: Bilingual) {
        self.kind = kind
        self.message = message
    }

    public func text(_ language: Language) -> String { message.text(language) }

    public var description: String { message.en }

    /// Exit status for mediactl, distinct per kind so scripts can tell them apart (sysexits.h values).
    public var exitCode: Int32 {
        switch kind {
        case .usage: 64
        case .validation: 65
        case .notFound: 66
        case .conflict: 65
        case .permission: 77
        case .storage: 74
        case .tampered: 65
        case .unavailable: 69
        }
    }
}

extension LedgerError {
    /// A destroyed medium's record is final: nothing may be changed on it any more.
    static func mediumDestroyed(_ number: String) -> LedgerError {
        LedgerError(.validation, zh: "介质 \(number) 已销毁，台账记录不可再修改",
                    en: "medium \(number) is destroyed; its record can no longer be changed")
    }

    static func mediumNotFound(_ number: String) -> LedgerError {
        LedgerError(.notFound,
                    zh: "台账中没有统一编号为 \(SafeText.escape(number)) 的介质；用 `mediactl media list` 查看已登记介质",
                    en: "no medium numbered \(SafeText.escape(number)) in the ledger; `mediactl media list` shows the registered media")
    }

    static func personNotFound(_ id: String) -> LedgerError {
        LedgerError(.notFound,
                    zh: "没有编号为 \(SafeText.escape(id)) 的人员；先用 `mediactl person add --id \(SafeText.escape(id)) ...` 登记",
                    en: "no person with id \(SafeText.escape(id)); register them first with `mediactl person add --id \(SafeText.escape(id)) ...`")
    }

    public static func computerNotFound(_ asset: String) -> LedgerError {
        LedgerError(.notFound,
                    zh: "没有资产编号为 \(SafeText.escape(asset)) 的计算机；先用 `mediactl computer add` 或 `mediactl host set` 登记",
                    en: "no computer with asset number \(SafeText.escape(asset)); register it with `mediactl computer add` or `mediactl host set`")
    }

    static let hostNotSet = LedgerError(.notFound,
        zh: "尚未登记本机；用 `mediactl host set --asset-no ... --level ... --network ...` 登记",
        en: "this computer is not registered yet; run `mediactl host set --asset-no ... --level ... --network ...`")

    static func badLevel(_ text: String) -> LedgerError {
        LedgerError(.validation,
                    zh: "无法识别的密级 “\(SafeText.escape(text))”；可用：\(Level.acceptedNames)",
                    en: "unknown level '\(SafeText.escape(text))'; use one of: \(Level.acceptedNames)")
    }

    static func missing(_ field: Bilingual, for action: Bilingual) -> LedgerError {
        LedgerError(.usage, zh: "\(action.zh)需要填写\(field.zh)", en: "\(action.en) needs \(field.en)")
    }

    static func invalid(_ what: Bilingual, _ value: String, expected: Bilingual) -> LedgerError {
        LedgerError(.validation,
                    zh: "\(what.zh) “\(SafeText.escape(value))” 无效：应为\(expected.zh)",
                    en: "\(what.en) '\(SafeText.escape(value))' is not valid: expected \(expected.en)")
    }
}
