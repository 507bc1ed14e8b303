/// Dates as the ledger stores them. A stored date in its printed form (`2026-12-01`,
/// `2026-11-22T09:30:00Z`) is copied as it is; anything else goes through `Day`/`Timestamp`, which
/// print it as the model path would, or name the damaged column as the model path does.
enum StoredDate {
    @inline(__always)
    private static func number(_ b: CellText.Bytes, _ range: Range<Int>) -> Int? {
        var value = 0
        for index in range {
            let digit = Int(b[index]) - 0x30
            guard digit >= 0, digit <= 9 else { return nil }
            value = value * 10 + digit
        }
        return value
    }

    /// Whether the text is a valid day written exactly as `Day.description` writes it.
    static func isPrintedDay(_ b: CellText.Bytes) -> Bool {
        guard b.count >= 10, b[4] == 0x2D, b[7] == 0x2D,
              let y = number(b, 0..<4), let m = number(b, 5..<7), let d = number(b, 8..<10) else { return false }
        return Day(year: y, month: m, day: d) != nil
    }

    /// Whether the text is a valid instant written exactly as `Timestamp.description` writes it.
    static func isPrintedTimestamp(_ b: CellText.Bytes) -> Bool {
        guard b.count == 20, isPrintedDay(b), b[10] == 0x54, b[13] == 0x3A, b[16] == 0x3A, b[19] == 0x5A,
              let h = number(b, 11..<13), let m = number(b, 14..<16), let s = number(b, 17..<19) else { return false }
        return h < 24 && m < 60 && s < 60
    }

    /// Throws what `day` would throw for this column, writing nothing: a listing that checks a
    /// row's values before it writes any of them (JSON, in the model decoder's order).
    static func checkDay<R: CellRow, C: ListingColumn>(_ row: R, _ column: C) throws(LedgerError) {
        guard let text = row.optionalText(column), !(text.count == 10 && isPrintedDay(text)) else { return }
        if Day(parsing: row.string(column)) == nil { throw Rows.corrupt(column.name, row.string(column)) }
    }

    /// Throws what `timestamp` would throw for this column, writing nothing.
    static func checkTimestamp<R: CellRow, C: ListingColumn>(_ row: R, _ column: C) throws(LedgerError) {
        if !isPrintedTimestamp(row.text(column)), Timestamp(parsing: row.string(column)) == nil {
            throw Rows.corrupt(column.name, row.string(column))
        }
    }

    /// A day column's cell: empty for NULL.
    static func day<S: CellSink, R: CellRow, C: ListingColumn>(_ row: R, _ column: C, into sink: inout S) throws(LedgerError) {
        let text = row.text(column)
        if row.isNull(column) || (text.count == 10 && isPrintedDay(text)) { return sink.text(text) }
        guard let day = Day(parsing: row.string(column)) else { throw Rows.corrupt(column.name, row.string(column)) }
        Array(day.description.utf8).withUnsafeBufferPointer { sink.text($0) }
    }

    /// A timestamp column's cell.
    static func timestamp<S: CellSink, R: CellRow, C: ListingColumn>(_ row: R, _ column: C, into sink: inout S) throws(LedgerError) {
        let text = row.text(column)
        if isPrintedTimestamp(text) { return sink.text(text) }
        guard let time = Timestamp(parsing: row.string(column)) else { throw Rows.corrupt(column.name, row.string(column)) }
        Array(time.description.utf8).withUnsafeBufferPointer { sink.text($0) }
    }

    /// A timestamp column's cell in local time with the offset (`2026-11-22 17:30:00 +08:00`), as
    /// people read the listings' tables and CSV.
    static func localTimestamp<S: CellSink, R: CellRow, C: ListingColumn>(_ row: R, _ column: C, in zone: ZoneBox,
                                                                          into sink: inout S) throws(LedgerError) {
        let text = row.text(column)
        let seconds: Int64
        if let canonical = Timestamp.canonicalSeconds(bytes: text) {
            seconds = canonical
        } else {
            guard let time = Timestamp(parsing: row.string(column)) else { throw Rows.corrupt(column.name, row.string(column)) }
            seconds = time.secondsSinceEpoch
        }
        zone.time.withDisplayBytes(seconds) { sink.text($0) }
    }
}

/// A listing's `LocalTime`, shared by its passes (measuring, then writing, one after the other) so
/// that its cache of the current offset carries from row to row.
final class ZoneBox {
    var time: LocalTime
    init(_ time: LocalTime) { self.time = time }
}
