import Dispatch
import GRDB
import SystemSupport

/// A listing row's cells, read from SQLite directly (`RawRow`) or from a batch copied out of it
/// (`BatchRow`). The reports describe their rows against this, once.
protocol CellRow {
    /// The column's bytes, or nil for NULL.
    func optionalText(_ column: Int32) -> CellText.Bytes?
    func int64(_ column: Int32) -> Int64
}

extension CellRow {
    @inline(__always)
    func isNull(_ column: Int32) -> Bool { optionalText(column) == nil }

    /// The column's bytes, empty for NULL.
    @inline(__always)
    func text(_ column: Int32) -> CellText.Bytes { optionalText(column) ?? CellText.Bytes(start: nil, count: 0) }

    /// The column as a `String`, for the rare cell that needs the model's own parser.
    func string(_ column: Int32) -> String {
        String(decoding: CellText.untilNUL(text(column)), as: UTF8.self)
    }
}

extension RawRow: CellRow {}

/// Reading and writing a listing at the same time, on two cores.
///
/// Stepping SQLite and decoding its records is about half of a listing's time, formatting the cells
/// the other half, and one needs nothing from the other but the cells. So this thread (the one
/// holding GRDB's read transaction) copies rows into batches of 4,096 and a helper thread formats
/// them, in order, while the next batch is read. Three batches circulate, so memory stays constant
/// (a few hundred KiB); the helper runs `consume` for every row, strictly one after another, and an
/// error on either side stops both and is rethrown here.
final class RowPipeline: @unchecked Sendable {
    static let rowsPerBatch = 4096

    private let batches: [RowBatch]
    private let consume: (BatchRow) throws -> Void
    private let ready = DispatchSemaphore(value: 0)
    /// Starts at zero and is signalled once per batch: libdispatch refuses to dispose of a semaphore
    /// whose count ends below the value it was created with.
    private let free = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    /// Written by the helper before it signals `free`/`finished`, read here after waiting on them.
    private var failure: (any Error)?

    private init(columns: Int, integerColumns: Set<Int32>, rowsPerBatch: Int, consume: @escaping (BatchRow) throws -> Void) {
        batches = (0..<3).map { _ in RowBatch(columns: columns, integerColumns: integerColumns, rows: rowsPerBatch) }
        for _ in batches { free.signal() }
        self.consume = consume
    }

    /// Runs `sql` and calls `consume` once per row, in order, on a helper thread; returns when the
    /// last row has been consumed. `integerColumns` are read as integers (`int64`), the rest as text.
    static func run(_ db: Database, sql: String, arguments: StatementArguments, columns: Int,
                    integerColumns: Set<Int32> = [], rowsPerBatch: Int = rowsPerBatch,
                    _ consume: @escaping (BatchRow) throws -> Void) throws {
        let pipeline = RowPipeline(columns: columns, integerColumns: integerColumns, rowsPerBatch: rowsPerBatch,
                                   consume: consume)
        // A thread of its own, not a Dispatch queue: in the daemon, the first Dispatch worker
        // would start libdispatch's 1 s pool monitor and wake the idle daemon for ever after.
        guard Threads.start(name: "mediad-report", { pipeline.drain() }) else {
            throw LedgerError(.storage, zh: "无法启动报表线程", en: "cannot start the report's helper thread")
        }
        var readError: (any Error)?
        var index = 0
        do {
            let statement = try db.makeStatement(sql: sql)
            let cursor = try Row.fetchCursor(statement, arguments: arguments)
            let row = RawRow(statement: statement.sqliteStatement)
            var batch = pipeline.nextFree(index)
            while batch != nil, try cursor.next() != nil {
                batch!.append(row)
                if batch!.isFull {
                    pipeline.ready.signal()
                    index += 1
                    batch = pipeline.nextFree(index)
                }
            }
            if batch != nil { pipeline.ready.signal(); index += 1 }
        } catch {
            readError = error
        }
        // An empty batch ends the helper's loop.
        if let last = pipeline.nextFree(index, evenAfterFailure: true) { last.isLast = true }
        pipeline.ready.signal()
        pipeline.finished.wait()
        if let error = readError ?? pipeline.failure { throw error }
    }

    /// The batch to fill next, once the helper is done with it; nil once the helper has failed.
    private func nextFree(_ index: Int, evenAfterFailure: Bool = false) -> RowBatch? {
        free.wait()
        guard failure == nil || evenAfterFailure else { return nil }
        let batch = batches[index % batches.count]
        batch.reset()
        return batch
    }

    private func drain() {
        var index = 0
        while true {
            ready.wait()
            let batch = batches[index % batches.count]
            index += 1
            if batch.isLast { break }
            if failure == nil {
                do {
                    for row in 0..<batch.rows { try consume(batch.row(row)) }
                } catch {
                    failure = error
                }
            }
            free.signal()
        }
        finished.signal()
    }
}

/// Rows copied out of SQLite: every cell's bytes in one buffer, with offset and length (−1 for
/// NULL); integer columns as their eight bytes.
final class RowBatch {
    let columns: Int
    /// Bit n set: column n is read as an integer.
    private let integerMask: UInt64
    private let capacity: Int
    private let starts: UnsafeMutablePointer<Int>
    private let lengths: UnsafeMutablePointer<Int>
    private var bytes: UnsafeMutablePointer<UInt8>
    private var byteCapacity = 1 << 20
    private var byteCount = 0
    private(set) var rows = 0
    var isLast = false

    init(columns: Int, integerColumns: Set<Int32>, rows: Int) {
        self.columns = columns
        precondition(columns <= 64, "a listing reads at most 64 columns")
        integerMask = integerColumns.reduce(0) { $0 | 1 << UInt64($1) }
        capacity = rows
        starts = .allocate(capacity: rows * columns)
        lengths = .allocate(capacity: rows * columns)
        bytes = .allocate(capacity: byteCapacity)
    }

    deinit {
        starts.deallocate()
        lengths.deallocate()
        bytes.deallocate()
    }

    var isFull: Bool { rows == capacity }

    func reset() {
        rows = 0
        byteCount = 0
        isLast = false
    }

    @inline(__always)
    private func reserve(_ more: Int) {
        if byteCount + more > byteCapacity { grow(more) }
    }

    private func grow(_ more: Int) {
        byteCapacity = max(byteCapacity * 2, byteCount + more)
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: byteCapacity)
        bigger.update(from: bytes, count: byteCount)
        bytes.deallocate()
        bytes = bigger
    }

    /// Copies one row: the reading thread's share of the work, so kept to one pass over the columns
    /// with no bounds or uniqueness checks.
    func append(_ row: RawRow) {
        let cellStarts = starts + rows * columns, cellLengths = lengths + rows * columns
        for column in 0..<columns {
            let index = Int32(truncatingIfNeeded: column)
            if integerMask & (1 << UInt64(column)) != 0 {
                if row.isNull(index) { cellLengths[column] = -1; continue }
                reserve(8)
                UnsafeMutableRawPointer(bytes + byteCount).storeBytes(of: row.int64(index), as: Int64.self)
                cellStarts[column] = byteCount
                cellLengths[column] = 8
                byteCount += 8
            } else if let text = row.optionalText(index) {
                if text.count > 0 {
                    reserve(text.count)
                    (bytes + byteCount).update(from: text.baseAddress!, count: text.count)
                }
                cellStarts[column] = byteCount
                cellLengths[column] = text.count
                byteCount += text.count
            } else {
                cellLengths[column] = -1
            }
        }
        rows += 1
    }

    func row(_ index: Int) -> BatchRow {
        BatchRow(bytes: bytes, starts: starts + index * columns, lengths: lengths + index * columns)
    }
}

/// One row of a `RowBatch`; valid while the batch is being consumed.
struct BatchRow: CellRow {
    let bytes: UnsafeMutablePointer<UInt8>
    let starts: UnsafeMutablePointer<Int>
    let lengths: UnsafeMutablePointer<Int>

    @inline(__always)
    func optionalText(_ column: Int32) -> CellText.Bytes? {
        let length = lengths[Int(column)]
        guard length >= 0 else { return nil }
        return CellText.Bytes(start: bytes + starts[Int(column)], count: length)
    }

    @inline(__always)
    func int64(_ column: Int32) -> Int64 {
        guard lengths[Int(column)] == 8 else { return 0 }
        return UnsafeRawPointer(bytes + starts[Int(column)]).loadUnaligned(as: Int64.self)
    }
}
