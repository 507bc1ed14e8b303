/// The media ledger as CSV: the columns `media list --format csv` writes are exactly the columns
/// `media import` reads, in either language, so an export can be edited in a spreadsheet and brought
/// back.
public enum MediaCSV {
    public struct Column: Sendable {
        public let key: String
        public let title: Bilingual
    }

    public static let columns: [Column] = [
        Column(key: "number", title: Bilingual(zh: "统一编号", en: "number")),
        Column(key: "kind", title: Bilingual(zh: "类别", en: "kind")),
        Column(key: "level", title: Bilingual(zh: "密级", en: "level")),
        Column(key: "state", title: Bilingual(zh: "状态", en: "state")),
        Column(key: "holder", title: Bilingual(zh: "责任人", en: "holder")),
        Column(key: "user", title: Bilingual(zh: "使用人", en: "user")),
        Column(key: "department", title: Bilingual(zh: "部门", en: "department")),
        Column(key: "purpose", title: Bilingual(zh: "用途", en: "purpose")),
        Column(key: "place", title: Bilingual(zh: "存放位置", en: "place")),
        Column(key: "in_service_date", title: Bilingual(zh: "启用日期", en: "in service date")),
        Column(key: "secrecy_term", title: Bilingual(zh: "保密期限", en: "secrecy term")),
        Column(key: "brand", title: Bilingual(zh: "品牌", en: "brand")),
        Column(key: "model", title: Bilingual(zh: "型号", en: "model")),
        Column(key: "vendor_id", title: Bilingual(zh: "厂商ID", en: "vendor id")),
        Column(key: "product_id", title: Bilingual(zh: "产品ID", en: "product id")),
        Column(key: "serial", title: Bilingual(zh: "序列号", en: "serial")),
        Column(key: "capacity_bytes", title: Bilingual(zh: "容量(字节)", en: "capacity bytes")),
        Column(key: "filesystem_uuids", title: Bilingual(zh: "文件系统UUID", en: "filesystem uuids")),
        Column(key: "bound_computers", title: Bilingual(zh: "绑定计算机", en: "bound computers")),
        Column(key: "borrower", title: Bilingual(zh: "借用人", en: "borrower")),
        Column(key: "due_date", title: Bilingual(zh: "归还期限", en: "due date")),
        Column(key: "notes", title: Bilingual(zh: "备注", en: "notes")),
    ]

    public struct Problem: Sendable, Hashable {
        public var line: Int
        public var message: Bilingual
    }

    /// One data row, checked for form; the service checks it against the ledger.
    public struct ImportRow: Sendable {
        public var line: Int
        public var registration: MediumRegistration
        public var state: MediumState
        public var borrower: String?
        public var dueDate: Day?
    }

    /// Parses an import file: a header in either language (columns in any order, unknown columns
    /// refused), then rows. Rows that are malformed are returned as problems, not thrown, so the import
    /// can report every bad row at once.
    public static func parse(_ text: String) throws(LedgerError) -> (rows: [ImportRow], problems: [Problem]) {
        let records = try CSV.parse(text)
        guard let header = records.first else {
            throw LedgerError(.validation, zh: "导入文件为空", en: "the import file is empty")
        }
        var keys: [String] = []
        for title in header.fields {
            let trimmed = title.trimmingWhitespace()
            guard let column = columns.first(where: { $0.title.zh == trimmed || $0.title.en.lowercased() == trimmed.lowercased()
                                                      || $0.key == trimmed.lowercased() }) else {
                throw LedgerError(.validation,
                    zh: "第 \(header.line) 行：无法识别的列名 “\(SafeText.escape(trimmed))”；列名应与 `media list --format csv` 的表头一致",
                    en: "line \(header.line): unknown column '\(SafeText.escape(trimmed))'; use the header that `media list --format csv` writes")
            }
            guard !keys.contains(column.key) else {
                throw LedgerError(.validation, zh: "第 \(header.line) 行：列 “\(trimmed)” 重复",
                                  en: "line \(header.line): column '\(trimmed)' appears twice")
            }
            keys.append(column.key)
        }
        for required in ["kind", "level", "holder"] where !keys.contains(required) {
            let title = columns.first { $0.key == required }!.title
            throw LedgerError(.validation, zh: "导入文件缺少必需的列 “\(title.zh)”", en: "the import file lacks the required column '\(title.en)'")
        }
        var rows: [ImportRow] = []
        var problems: [Problem] = []
        for record in records.dropFirst() {
            guard record.fields.count == keys.count else {
                problems.append(Problem(line: record.line, message: Bilingual(
                    zh: "有 \(record.fields.count) 列，表头有 \(keys.count) 列", en: "has \(record.fields.count) cells, the header has \(keys.count)")))
                continue
            }
            var cells: [String: String] = [:]
            for (key, value) in zip(keys, record.fields) { cells[key] = value.trimmingWhitespace() }
            do {
                rows.append(try row(cells, line: record.line))
            } catch {
                problems.append(Problem(line: record.line, message: error.message))
            }
        }
        return (rows, problems)
    }

    static func row(_ cells: [String: String], line: Int) throws(LedgerError) -> ImportRow {
        func text(_ key: String) -> String? { Optional(cells[key] ?? "").cleaned }
        guard let kindText = text("kind") else { throw LedgerError.missing(Bilingual(zh: "类别", en: "a kind"), for: importName) }
        guard let levelText = text("level") else { throw LedgerError.missing(Bilingual(zh: "密级", en: "a level"), for: importName) }
        guard let holder = text("holder") else { throw LedgerError.missing(Bilingual(zh: "责任人", en: "a holder"), for: importName) }
        var r = MediumRegistration(kind: try Parse.kind(kindText), level: try Parse.level(levelText), holder: holder)
        r.number = text("number")
        r.user = text("user")
        r.department = text("department")
        r.purpose = text("purpose")
        r.place = text("place")
        r.secrecyTerm = text("secrecy_term")
        r.brand = text("brand")
        r.model = text("model")
        r.vendorID = text("vendor_id")
        r.productID = text("product_id")
        r.serial = text("serial")
        r.notes = text("notes")
        if let day = text("in_service_date") { r.inServiceDate = try Parse.day(day, field: Bilingual(zh: "启用日期", en: "in service date")) }
        if let capacity = text("capacity_bytes") { r.capacityBytes = try Parse.capacity(capacity) }
        r.filesystemUUIDs = Parse.list(cells["filesystem_uuids"] ?? "")
        r.boundComputers = Parse.list(cells["bound_computers"] ?? "")
        // A weak serial passes only with an explanation in the notes cell, as on the command line.
        if let serial = r.serial, HardwareIdentity.weakness(ofSerial: serial) != nil, r.notes != nil {
            r.allowWeakSerial = true
        }
        let state = try text("state").map { t throws(LedgerError) in try Parse.state(t) } ?? .inService
        let due = try text("due_date").map { t throws(LedgerError) in try Parse.day(t, field: Bilingual(zh: "归还期限", en: "due date")) }
        return ImportRow(line: line, registration: r, state: state, borrower: text("borrower"), dueDate: due)
    }

    static let importName = Bilingual(zh: "导入的每一行", en: "each imported row")
}
