/// The smoke's mutations, the usual ones of a byte fuzzer (libFuzzer's own list, shortened): bits
/// and bytes changed, bytes inserted, removed, repeated, numbers at the edges of their widths, and
/// pieces of other seeds spliced in. One to four at a time.
enum Mutator {
    static let interesting: [[UInt8]] = [
        [0x00], [0xFF], [0x7F], [0x80], [0x00, 0x00], [0xFF, 0xFF], [0xFF, 0xFF, 0xFF, 0x7F], [0x00, 0x00, 0x00, 0x80],
        [0xFF, 0xFF, 0xFF, 0xFF], Array("-1".utf8), Array("9223372036854775808".utf8), Array("\\u".utf8),
        Array("\"".utf8), Array("[".utf8), Array("{".utf8), Array(",".utf8), Array("\n".utf8), Array("\r\n".utf8), [0x1E],
    ]

    /// The largest input made: enough for every format here, small enough to keep the smoke quick.
    static let maxLength = 16 << 10

    static func mutate(_ input: [UInt8], pool: [[UInt8]], random: inout SplitMix) -> [UInt8] {
        var bytes = input
        for _ in 0...random.below(4) {
            switch random.below(8) {
            case 0 where !bytes.isEmpty:
                bytes[random.below(bytes.count)] ^= UInt8(1) << UInt8(random.below(8))
            case 1 where !bytes.isEmpty:
                bytes[random.below(bytes.count)] = UInt8(truncatingIfNeeded: random.next())
            case 2:
                let count = 1 + random.below(8)
                bytes.insert(contentsOf: (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }, at: random.below(bytes.count + 1))
            case 3 where !bytes.isEmpty:
                let start = random.below(bytes.count)
                bytes.removeSubrange(start..<min(bytes.count, start + 1 + random.below(16)))
            case 4 where !bytes.isEmpty:
                let start = random.below(bytes.count)
                let piece = bytes[start..<min(bytes.count, start + 1 + random.below(32))]
                bytes.insert(contentsOf: piece, at: random.below(bytes.count + 1))
            case 5:
                let value = interesting[random.below(interesting.count)]
                let at = random.below(bytes.count + 1)
                if random.below(2) == 0 || at + value.count > bytes.count {
                    bytes.insert(contentsOf: value, at: at)
                } else {
                    bytes.replaceSubrange(at..<at + value.count, with: value)
                }
            case 6:
                let other = pool[random.below(pool.count)]
                guard !other.isEmpty else { continue }
                let start = random.below(other.count)
                let piece = other[start..<min(other.count, start + 1 + random.below(64))]
                bytes.insert(contentsOf: piece, at: random.below(bytes.count + 1))
            case 7 where !bytes.isEmpty:
                // Truncation: most decoders meet a short read sooner or later.
                bytes.removeLast(random.below(bytes.count) + 1)
            default:
                continue
            }
        }
        return bytes.count > maxLength ? Array(bytes.prefix(maxLength)) : bytes
    }
}
