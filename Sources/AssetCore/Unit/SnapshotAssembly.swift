/// The parts of one snapshot received so far, each checked as it comes: signed by the pinned key
/// (by the caller, who opened its header), numbered next in line, naming the same unit, version,
/// time and count as the first part, and carrying the digest of the part before it. The parts are
/// kept as the signed bytes they came in — a staged part costs its bytes, not its decoded rows — and
/// are applied together once the last one is in.
public struct SnapshotAssembly: Sendable {
    /// The most bytes of part bodies held for one snapshot. The courier reads at most 256 MiB of
    /// answer from the hub (`HubClient.maxReplyBytes`), whose bodies are base64, so a snapshot the
    /// courier can bring always fits; this only bounds what a misbehaving caller can make mediad hold.
    public static let maxBytes = 256 << 20

    public let first: SnapshotPart.Header
    public private(set) var payloads: [SignedPayload]
    public private(set) var bytes: Int
    private var digest: String

    /// Begins a snapshot with its first part.
    public init(_ header: SnapshotPart.Header, _ payload: SignedPayload) throws(SnapshotPartError) {
        try Self.checkNumbering(header)
        guard header.part == 1 else {
            throw .outOfOrder(version: header.version, expected: 1, got: header.part, parts: header.parts)
        }
        guard header.previous == nil else { throw .otherSnapshot(version: header.version, part: 1) }
        guard payload.body.count <= Self.maxBytes else { throw .tooLarge(limit: Self.maxBytes) }
        first = header
        payloads = [payload]
        bytes = payload.body.count
        digest = SnapshotPart.digest(payload.body)
    }

    /// The part after those received; throws, leaving the assembly as it was, for anything else.
    public mutating func add(_ header: SnapshotPart.Header, _ payload: SignedPayload) throws(SnapshotPartError) {
        try Self.checkNumbering(header)
        guard header.part == payloads.count + 1 else {
            throw .outOfOrder(version: first.version, expected: payloads.count + 1, got: header.part, parts: first.parts)
        }
        guard header.unit == first.unit, header.version == first.version, header.at == first.at, header.parts == first.parts,
              header.previous == digest else {
            throw .otherSnapshot(version: first.version, part: header.part)
        }
        guard bytes + payload.body.count <= Self.maxBytes else { throw .tooLarge(limit: Self.maxBytes) }
        payloads.append(payload)
        bytes += payload.body.count
        digest = SnapshotPart.digest(payload.body)
    }

    /// Every part is in.
    public var isComplete: Bool { payloads.count == first.parts }

    /// What refusing the assembly now, unfinished, says.
    public var incomplete: SnapshotPartError {
        .incomplete(version: first.version, received: payloads.count, parts: first.parts)
    }

    private static func checkNumbering(_ header: SnapshotPart.Header) throws(SnapshotPartError) {
        guard (1...SnapshotParts.maxParts).contains(header.parts), (1...header.parts).contains(header.part) else {
            throw .badNumbering(part: header.part, parts: header.parts)
        }
    }
}
