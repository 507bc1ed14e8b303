import ArgumentParser
import AssetCore
import Foundation
import Synchronization

// Values with a fixed set of choices are types the parser knows: it converts them before a command
// runs, lists their choices in `--help`, and offers them to shell completion. Each conversion is
// AssetCore's own parser (the words the CSV import accepts too), so a wrong value is refused with the
// domain's message, naming the choices in the reader's language, and the exit status of its kind
// (65 for a wrong level, kind, state, network, clearance or date; 64 for a wrong format, language or
// yes/no), not with the parser's usage text.

/// Why the parser could not convert the value it stopped at, in the domain's words.
///
/// `ExpressibleByArgument` can only answer nil, and the parser's own message is English and generic;
/// so the conversion leaves its reason here and `Mediactl.main` prints it. The parser stops at the
/// first value it cannot convert, so the reason left is the one for the error it reports.
enum ArgumentRefusal {
    private static let last = Mutex<LedgerError?>(nil)

    static func record(_ error: LedgerError) {
        last.withLock { $0 = error }
    }

    /// The reason, once: a later failure must not reuse it.
    static func take() -> LedgerError? {
        last.withLock { value in
            defer { value = nil }
            return value
        }
    }

    /// The value `parse` makes of `text`, or nil with the reason recorded.
    static func converting<T>(_ text: String, _ parse: (String) throws(LedgerError) -> T) -> T? {
        do { return try parse(text) } catch {
            record(error)
            return nil
        }
    }
}

extension Level: ExpressibleByArgument {
    public init?(argument: String) {
        guard let value = ArgumentRefusal.converting(argument, { text throws(LedgerError) in try Parse.level(text) }) else { return nil }
        self = value
    }

    /// Both languages' names, as `Level(parsing:)` accepts them.
    public static var allValueStrings: [String] { allCases.flatMap { [$0.name(.zh), $0.rawValue] } }
}

extension MediumKind: ExpressibleByArgument {
    public init?(argument: String) {
        guard let value = ArgumentRefusal.converting(argument, { text throws(LedgerError) in try Parse.kind(text) }) else { return nil }
        self = value
    }

    public static var allValueStrings: [String] { allCases.flatMap { [$0.rawValue, $0.name(.zh)] } }
}

extension MediumState: ExpressibleByArgument {
    public init?(argument: String) {
        guard let value = ArgumentRefusal.converting(argument, { text throws(LedgerError) in try Parse.state(text) }) else { return nil }
        self = value
    }

    public static var allValueStrings: [String] { allCases.flatMap { [$0.rawValue, $0.name(.zh)] } }
}

extension NetworkType: ExpressibleByArgument {
    public init?(argument: String) {
        guard let value = ArgumentRefusal.converting(argument, { text throws(LedgerError) in try Parse.network(text) }) else { return nil }
        self = value
    }

    public static var allValueStrings: [String] { allCases.flatMap { [$0.rawValue, $0.name(.zh)] } }
}

extension ComputerState: ExpressibleByArgument {
    public init?(argument: String) {
        guard let value = ArgumentRefusal.converting(argument, { text throws(LedgerError) in try Parse.computerState(text) }) else {
            return nil
        }
        self = value
    }

    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}

extension RepairMode: ExpressibleByArgument {
    public init?(argument: String) {
        guard let value = ArgumentRefusal.converting(argument, { text throws(LedgerError) in try Parse.repairMode(text) }) else {
            return nil
        }
        self = value
    }

    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}

extension PeripheralKind: ExpressibleByArgument {
    public init?(argument: String) {
        guard let value = ArgumentRefusal.converting(argument, { text throws(LedgerError) in try Parse.peripheralKind(text) }) else {
            return nil
        }
        self = value
    }

    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}

extension Clearance: ExpressibleByArgument {
    public init?(argument: String) {
        guard let value = ArgumentRefusal.converting(argument, { text throws(LedgerError) in try Parse.clearance(text) }) else { return nil }
        self = value
    }

    public static var allValueStrings: [String] { allCases.flatMap { [$0.rawValue, $0.name(.zh)] } }
}

extension Day: ExpressibleByArgument {
    public init?(argument: String) {
        guard let value = ArgumentRefusal.converting(argument, { text throws(LedgerError) in try Parse.day(text) }) else { return nil }
        self = value
    }
}

extension Timestamp: ExpressibleByArgument {
    public init?(argument: String) {
        guard let value = ArgumentRefusal.converting(argument, { text throws(LedgerError) in try Parse.timestamp(text) }) else {
            return nil
        }
        self = value
    }
}

extension ReportFormat: ExpressibleByArgument {
    public init?(argument: String) {
        guard let value = ArgumentRefusal.converting(argument, { text throws(LedgerError) in
            guard let format = ReportFormat(rawValue: text) else {
                throw LedgerError(.usage, zh: "输出格式 “\(SafeText.escape(text))” 无效：应为 table、json、csv 或 html",
                                  en: "output format '\(SafeText.escape(text))' is not valid: expected table, json, csv or html")
            }
            return format
        }) else { return nil }
        self = value
    }
}

extension Language: ExpressibleByArgument {
    public init?(argument: String) {
        guard let value = ArgumentRefusal.converting(argument, { text throws(LedgerError) in
            guard let language = Language(parsing: text) else {
                throw LedgerError(.usage, zh: "--lang 只接受 zh 或 en，不接受 “\(SafeText.escape(text))”",
                                  en: "--lang takes zh or en, not '\(SafeText.escape(text))'")
            }
            return language
        }) else { return nil }
        self = value
    }
}

/// An answer to a yes-or-no option (`--key-area yes`), typed in either language.
enum Answer: String, CaseIterable, ExpressibleByArgument {
    case yes, no

    init?(argument: String) {
        guard let value = ArgumentRefusal.converting(argument, { text throws(LedgerError) in
            switch text.lowercased() {
            case "yes", "y", "true", "1", "是": return Answer.yes
            case "no", "n", "false", "0", "否": return Answer.no
            default:
                throw LedgerError(.usage, zh: "“\(SafeText.escape(text))” 不是是或否：应为 yes（是）或 no（否）",
                                  en: "'\(SafeText.escape(text))' is not an answer: expected yes (是) or no (否)")
            }
        }) else { return nil }
        self = value
    }

    static var allValueStrings: [String] { ["yes", "no", "是", "否"] }

    var isYes: Bool { self == .yes }
}

extension ViolationGrouping: ExpressibleByArgument {
    public init?(argument: String) {
        guard let value = ArgumentRefusal.converting(argument, { text throws(LedgerError) in
            guard let grouping = ViolationGrouping(rawValue: text.lowercased()) else {
                let choices = ViolationGrouping.allCases.map(\.rawValue).joined(separator: ", ")
                throw LedgerError(.usage, zh: "--by “\(SafeText.escape(text))” 无效：应为 \(choices) 之一",
                                  en: "--by '\(SafeText.escape(text))' is not valid: expected one of \(choices)")
            }
            return grouping
        }) else { return nil }
        self = value
    }
}

extension ZoneChoice: ExpressibleByArgument {
    public init?(argument: String) {
        guard let value = ArgumentRefusal.converting(argument, { text throws(LedgerError) in
            guard let zone = ZoneChoice(parsing: text) else {
                throw LedgerError(.validation, zh: "时区 “\(SafeText.escape(text))” 无效：例如 Asia/Shanghai、+08:00 或 UTC",
                                  en: "time zone '\(SafeText.escape(text))' is not valid: for example Asia/Shanghai, +08:00 or UTC")
            }
            return zone
        }) else { return nil }
        self = value
    }
}

extension HandlingOutcome: ExpressibleByArgument {
    public init?(argument: String) {
        guard let value = ArgumentRefusal.converting(argument, { text throws(LedgerError) in
            guard let outcome = HandlingOutcome(parsing: text) else {
                let choices = HandlingOutcome.allCases.map { "\($0.rawValue) (\($0.names.zh))" }.joined(separator: ", ")
                throw LedgerError(.validation, zh: "处理结果 “\(SafeText.escape(text))” 无效：应为 \(choices) 之一",
                                  en: "outcome '\(SafeText.escape(text))' is not valid: expected one of \(choices)")
            }
            return outcome
        }) else { return nil }
        self = value
    }

    public static var allValueStrings: [String] { allCases.flatMap { [$0.rawValue, $0.names.zh] } }
}

extension ViolationStatus: ExpressibleByArgument {
    public init?(argument: String) {
        guard let value = ArgumentRefusal.converting(argument, { text throws(LedgerError) in
            let key = text.trimmingCharacters(in: .whitespaces).lowercased()
            guard let state = ViolationStatus.allCases.first(where: { $0.rawValue == key || $0.names.zh == key }) else {
                throw LedgerError(.validation, zh: "状态 “\(SafeText.escape(text))” 无效：应为 open（未处置）、acknowledged（已确认）或 handled（已处理）",
                                  en: "state '\(SafeText.escape(text))' is not valid: expected open, acknowledged or handled")
            }
            return state
        }) else { return nil }
        self = value
    }
}
