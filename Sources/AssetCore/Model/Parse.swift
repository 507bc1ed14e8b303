/// Parsing of everything a person types, throwing errors that say what was expected. Shared by
/// mediactl's options and the CSV import so that both accept exactly the same words.
public enum Parse {
    public static func level(_ text: String) throws(LedgerError) -> Level {
        guard let level = Level(parsing: text) else { throw LedgerError.badLevel(text) }
        return level
    }

    public static func kind(_ text: String) throws(LedgerError) -> MediumKind {
        guard let kind = MediumKind(parsing: text) else {
            throw LedgerError.invalid(Bilingual(zh: "介质类别", en: "medium kind"), text,
                                      expected: Bilingual(zh: MediumKind.acceptedNames, en: MediumKind.acceptedNames))
        }
        return kind
    }

    public static func state(_ text: String) throws(LedgerError) -> MediumState {
        guard let state = MediumState(parsing: text) else {
            throw LedgerError.invalid(Bilingual(zh: "状态", en: "state"), text,
                                      expected: Bilingual(zh: MediumState.acceptedNames, en: MediumState.acceptedNames))
        }
        return state
    }

    public static func clearance(_ text: String) throws(LedgerError) -> Clearance {
        guard let value = Clearance(parsing: text) else {
            let names = Clearance.allCases.map { "\($0.rawValue) (\($0.name(.zh)))" }.joined(separator: ", ")
            throw LedgerError.invalid(Bilingual(zh: "涉密等级", en: "clearance"), text,
                                      expected: Bilingual(zh: names, en: names))
        }
        return value
    }

    public static func network(_ text: String) throws(LedgerError) -> NetworkType {
        guard let value = NetworkType(parsing: text) else {
            throw LedgerError.invalid(Bilingual(zh: "网络类型", en: "network type"), text,
                                      expected: Bilingual(zh: NetworkType.acceptedNames, en: NetworkType.acceptedNames))
        }
        return value
    }

    public static func computerState(_ text: String) throws(LedgerError) -> ComputerState {
        guard let value = ComputerState(parsing: text) else {
            throw LedgerError.invalid(Bilingual(zh: "计算机状态", en: "computer state"), text,
                                      expected: Bilingual(zh: ComputerState.acceptedNames, en: ComputerState.acceptedNames))
        }
        return value
    }

    public static func repairMode(_ text: String) throws(LedgerError) -> RepairMode {
        guard let value = RepairMode(parsing: text) else {
            throw LedgerError.invalid(Bilingual(zh: "维修方式", en: "repair mode"), text,
                                      expected: Bilingual(zh: RepairMode.acceptedNames, en: RepairMode.acceptedNames))
        }
        return value
    }

    public static func peripheralKind(_ text: String) throws(LedgerError) -> PeripheralKind {
        guard let value = PeripheralKind(parsing: text) else {
            throw LedgerError.invalid(Bilingual(zh: "外设类别", en: "peripheral kind"), text,
                                      expected: Bilingual(zh: PeripheralKind.acceptedNames, en: PeripheralKind.acceptedNames))
        }
        return value
    }

    public static func day(_ text: String, field: Bilingual = Bilingual(zh: "日期", en: "date")) throws(LedgerError) -> Day {
        guard let day = Day(parsing: text) else {
            throw LedgerError.invalid(field, text, expected: Bilingual(zh: "YYYY-MM-DD 格式的日期，如 2026-12-01",
                                                                      en: "a date as YYYY-MM-DD, such as 2026-12-01"))
        }
        return day
    }

    public static func timestamp(_ text: String) throws(LedgerError) -> Timestamp {
        guard let value = Timestamp(parsing: text) else {
            throw LedgerError.invalid(Bilingual(zh: "时间", en: "time"), text,
                                      expected: Bilingual(zh: "2026-11-22 或 2026-11-22T09:30:00Z", en: "2026-11-22 or 2026-11-22T09:30:00Z"))
        }
        return value
    }

    public static func capacity(_ text: String) throws(LedgerError) -> UInt64 {
        guard let bytes = Capacity.parse(text) else {
            throw LedgerError.invalid(Bilingual(zh: "容量", en: "capacity"), text,
                                      expected: Bilingual(zh: "字节数（如 15376318464）或带单位（16GB、14.3GiB）",
                                                          en: "a number of bytes (15376318464) or a size with a unit (16GB, 14.3GiB)"))
        }
        return bytes
    }

    /// A comma- or semicolon-separated list, as typed on a command line or in a CSV cell.
    public static func list(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == "," || $0 == ";" || $0 == "，" || $0 == "；" })
            .map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
    }
}
