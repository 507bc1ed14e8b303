import GRDB

/// Bulk registration from the CSV that `media list --format csv` writes.
extension InventoryService {
    /// All or nothing: every row is checked, every bad row is reported with its line, and nothing is
    /// written unless every row is good.
    func importMedia(_ text: String, _ context: Context) throws(LedgerError) -> Response {
        let parsed = try MediaCSV.parse(text)
        return try store.write { db in
            var problems = parsed.problems
            var numbers: [String] = []
            for row in parsed.rows {
                do {
                    let medium = try Self.insert(db, row.registration, state: row.state, borrower: row.borrower,
                                                 dueDate: row.dueDate, context: context, kind: .imported)
                    numbers.append(medium.number)
                } catch let error as LedgerError {
                    problems.append(MediaCSV.Problem(line: row.line, message: error.message))
                }
            }
            guard problems.isEmpty else {
                let sorted = problems.sorted { $0.line < $1.line }
                throw LedgerError(.validation,
                    zh: "导入失败，未写入任何记录；\(sorted.count) 行有误：\n" + sorted.map { "  第 \($0.line) 行：\($0.message.zh)" }.joined(separator: "\n"),
                    en: "import refused, nothing was written; \(sorted.count) bad row(s):\n" + sorted.map { "  line \($0.line): \($0.message.en)" }.joined(separator: "\n"))
            }
            return .imported(numbers: numbers)
        }
    }
}
