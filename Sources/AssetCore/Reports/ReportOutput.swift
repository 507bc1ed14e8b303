/// Where a streamed listing goes: bytes collect in one buffer and are handed on in blocks of about
/// 64 KiB, so a million-row listing costs a few thousand `write` calls and constant memory instead of
/// one string the size of the whole report.
///
/// AssetCore decides what the bytes are; the caller decides where they go (mediactl writes them to
/// its standard output, the daemon to its socket, tests keep them). A failing sink throws its own
/// `ReportSinkError`, and the listing stops there.
///
/// The buffer is raw memory rather than an `Array`: appending a cell is then a bounds check and a
/// `memcpy`, with no uniqueness check or reference counting per call (those were a fifth of the
/// time of a CSV export).
public struct ReportOutput {
    /// Hands a full block on; the bytes are only valid during the call.
    public typealias Sink = (UnsafeRawBufferPointer) throws(ReportSinkError) -> Void

    static let blockSize = 64 * 1024

    /// Owns the memory; the struct keeps the pointer and the fill level itself.
    final class Storage {
        let base: UnsafeMutablePointer<UInt8>
        let capacity: Int

        init(capacity: Int) {
            self.capacity = capacity
            base = .allocate(capacity: capacity)
        }

        deinit { base.deallocate() }
    }

    private var storage: Storage
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private(set) var count = 0
    let sink: Sink
    /// Shared by every copy of this output (a listing's cell sinks each hold one while they write).
    private let failure = SinkFailure()

    final class SinkFailure {
        var error: ReportSinkError?
    }

    /// Why the sink stopped taking bytes, once it has: the cause of the `LedgerError` a listing
    /// stopped with (see `flush`). The caller reports this one, with its own exit status.
    public var sinkFailure: ReportSinkError? { failure.error }

    public init(sink: @escaping Sink) {
        self.init(capacity: Self.blockSize * 2, sink: sink)
    }

    private init(capacity initial: Int, sink: @escaping Sink) {
        self.sink = sink
        storage = Storage(capacity: initial)
        base = storage.base
        capacity = storage.capacity
    }

    /// The bytes `body` appends, kept rather than handed on: a cell prepared once (`FixedCell`).
    static func bytes(_ body: (inout ReportOutput) -> Void) -> [UInt8] {
        var out = ReportOutput(capacity: 64) { _ in }
        body(&out)
        return Array(UnsafeBufferPointer(start: out.base, count: out.count))
    }

    /// Room for `more` bytes; a row longer than the buffer grows it (rows are flushed between rows).
    @inline(__always)
    private mutating func reserve(_ more: Int) {
        if count + more > capacity { grow(count + more) }
    }

    private mutating func grow(_ needed: Int) {
        let bigger = Storage(capacity: max(needed, capacity * 2))
        bigger.base.update(from: base, count: count)
        storage = bigger
        base = bigger.base
        capacity = bigger.capacity
    }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    @inline(__always)
    mutating func append(_ buffer: UnsafeBufferPointer<UInt8>) {
        guard let start = buffer.baseAddress, buffer.count > 0 else { return }
        reserve(buffer.count)
        (base + count).update(from: start, count: buffer.count)
        count += buffer.count
    }

    mutating func append(_ array: [UInt8]) {
        array.withUnsafeBufferPointer { append($0) }
    }

    mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { append($0) }
    }

    mutating func spaces(_ n: Int) {
        guard n > 0 else { return }
        reserve(n)
        (base + count).initialize(repeating: 0x20, count: n)
        count += n
    }

    /// Drops what was appended after `mark` (a cell that must be written another way).
    mutating func rewind(to mark: Int) {
        count = mark
    }

    /// Called after every row: passes the buffer on once a block is full.
    @inline(__always)
    mutating func rowDone() throws(LedgerError) {
        if count >= Self.blockSize { try flush() }
    }

    /// Passes on whatever is buffered; call once at the end of the listing.
    ///
    /// A sink's failure stops the listing with a `LedgerError` of kind `unavailable` carrying the
    /// sink's message, because `InventoryService.report` and the row writers it runs are typed
    /// `throws(LedgerError)` (and the ledger's read turns any other error into a storage error). The
    /// failure itself is kept in `sinkFailure`: callers check it first, so a closed standard output
    /// is reported as itself and not as a ledger problem.
    public mutating func flush() throws(LedgerError) {
        guard count > 0 else { return }
        let block = UnsafeRawBufferPointer(start: base, count: count)
        count = 0
        do {
            try sink(block)
        } catch {
            failure.error = error
            throw LedgerError(.unavailable, error.message)
        }
    }
}
