/// The columns a streamed listing reads, named once (GRDB's `Columns` habit): the cases, in order,
/// are the select list, so a case's raw value is the index its cell has in the row, and its name,
/// in the ledger's snake case, is the column's. A report addresses a cell as `row.text(.place)`,
/// never as `row.text(7)`, and cannot select one column and read another.
protocol ListingColumn: RawRepresentable, CaseIterable where RawValue == Int32 {}

extension ListingColumn {
    /// The ledger's name of the column: the case's name in snake case (`vendorID` → `vendor_id`).
    var name: String {
        var name = ""
        var previous: Character?
        for character in String(describing: self) {
            if character.isUppercase, let previous, previous.isLowercase { name.append("_") }
            name.append(character)
            previous = character
        }
        return name.lowercased()
    }

    /// `a, b, c`: what the listing selects.
    static var selectList: String { allCases.map(\.name).joined(separator: ", ") }

    static var count: Int { allCases.count }
}

extension CellRow {
    @inline(__always)
    func optionalText<C: ListingColumn>(_ column: C) -> CellText.Bytes? { optionalText(column.rawValue) }

    @inline(__always)
    func text<C: ListingColumn>(_ column: C) -> CellText.Bytes { text(column.rawValue) }

    @inline(__always)
    func isNull<C: ListingColumn>(_ column: C) -> Bool { isNull(column.rawValue) }

    @inline(__always)
    func int64<C: ListingColumn>(_ column: C) -> Int64 { int64(column.rawValue) }

    func string<C: ListingColumn>(_ column: C) -> String { string(column.rawValue) }
}
