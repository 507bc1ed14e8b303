#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A cell whose text is one of a few known strings (a level's or a state's name in the reader's
/// language), prepared once per listing in every form a sink writes. The bytes live in the
/// listing's `TextArena`, so copying a cell costs no reference counting.
struct FixedCell {
    /// The text, as CSV reads it (for a composite cell).
    let raw: CellText.Bytes
    /// The text as a CSV cell.
    let csv: CellText.Bytes
    /// The text escaped, as a table writes it.
    let escaped: CellText.Bytes
    let width: Int

    /// Prepared by the rules every other cell goes through (`CellText.csvCell`, `terminalCell`).
    init(_ text: String, in arena: TextArena) {
        let utf8 = Array(text.utf8)
        raw = arena.keep(utf8)
        var width = 0
        let (csv, escaped) = utf8.withUnsafeBufferPointer { cell in
            (ReportOutput.bytes { CellText.csvCell(cell, into: &$0) },
             ReportOutput.bytes { width = CellText.terminalCell(cell, into: &$0, write: true) })
        }
        self.csv = arena.keep(csv)
        self.escaped = arena.keep(escaped)
        self.width = width
    }

    /// The cells for every case of a string-backed enum, found by the stored raw value.
    struct Table {
        private let entries: [(stored: CellText.Bytes, cell: FixedCell)]

        init<T: RawRepresentable & CaseIterable>(_ type: T.Type, in arena: TextArena, _ text: (T) -> String)
        where T.RawValue == String {
            self.init(T.allCases.map { ($0.rawValue, text($0)) }, in: arena)
        }

        /// Stored value → text shown.
        init(_ pairs: [(stored: String, text: String)], in arena: TextArena) {
            entries = pairs.map { (arena.keep(Array($0.stored.utf8)), FixedCell($0.text, in: arena)) }
        }

        /// The cell for a stored value, or nil when the ledger holds something no case spells.
        @inline(__always)
        func cell(_ stored: CellText.Bytes) -> FixedCell? {
            index(stored).map { entries[$0].cell }
        }

        /// Which entry a stored value is (in the order given), or nil.
        @inline(__always)
        func index(_ stored: CellText.Bytes) -> Int? {
            let stored = CellText.untilNUL(stored)
            // The first byte first: most entries differ there, and a call to memcmp costs more than the
            // comparison (four lookups a violation row, a million rows a listing).
            for (index, entry) in entries.enumerated() where entry.stored.count == stored.count {
                if stored.isEmpty { return index }
                if entry.stored[0] == stored[0], memcmp(entry.stored.baseAddress!, stored.baseAddress!, stored.count) == 0 {
                    return index
                }
            }
            return nil
        }
    }
}

/// Memory for a listing's fixed texts, freed with the listing.
final class TextArena {
    private var blocks: [UnsafeMutableBufferPointer<UInt8>] = []

    func keep(_ bytes: [UInt8]) -> CellText.Bytes {
        let block = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(bytes.count, 1))
        _ = block.initialize(from: bytes)
        blocks.append(block)
        return CellText.Bytes(rebasing: block[0..<bytes.count])
    }

    deinit {
        for block in blocks { block.deallocate() }
    }
}
