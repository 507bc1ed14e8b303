/// Why a snapshot signed in parts was refused. Each refusal drops every part staged so far: the
/// snapshot is applied whole or not at all, and the courier fetches it again from its first part.
public enum SnapshotPartError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A part of a snapshot not newer than the version held: an old snapshot replayed.
    case stale(version: Int64, held: Int64)
    /// Part `got` came where part `expected` was the next one: a part left out, repeated or moved.
    case outOfOrder(version: Int64, expected: Int, got: Int, parts: Int)
    /// The part names another unit, version, time or count than the snapshot's first part, or does
    /// not carry the digest of the part before it: it belongs to another snapshot.
    case otherSnapshot(version: Int64, part: Int)
    /// The part's own numbers cannot be right (part 0, 5 of 3, more parts than any snapshot has).
    case badNumbering(part: Int, parts: Int)
    /// Something other than its next part came while a snapshot was half received.
    case incomplete(version: Int64, received: Int, parts: Int)
    /// The parts received would hold more than mediad keeps in memory for a snapshot.
    case tooLarge(limit: Int)

    public var zh: String {
        switch self {
        case .stale(let version, let held):
            "台账快照的版本 \(version) 不新于本机持有的版本 \(held)（重放的旧快照）；已拒收"
        case .outOfOrder(let version, let expected, let got, let parts):
            "版本 \(version) 的台账快照（共 \(parts) 部分）：应收第 \(expected) 部分，收到的是第 \(got) 部分（缺失、重复或次序错误）；整个快照已拒收，未应用任何内容"
        case .otherSnapshot(let version, let part):
            "版本 \(version) 的台账快照第 \(part) 部分与此前收到的部分不属于同一个快照；整个快照已拒收，未应用任何内容"
        case .badNumbering(let part, let parts):
            "台账快照的部分编号无效（第 \(part) 部分，共 \(parts) 部分）；已拒收"
        case .incomplete(let version, let received, let parts):
            "版本 \(version) 的台账快照只收到 \(parts) 部分中的 \(received) 部分，其余未到；整个快照已拒收，未应用任何内容"
        case .tooLarge(let limit):
            "台账快照超过本机可暂存的 \(limit >> 20) MiB；已拒收"
        }
    }

    public var description: String {
        switch self {
        case .stale(let version, let held):
            "the ledger snapshot of version \(version) is not newer than version \(held) held here (an old snapshot replayed); refused"
        case .outOfOrder(let version, let expected, let got, let parts):
            "part \(got) of the \(parts)-part ledger snapshot of version \(version) came where part \(expected) was next (a part missing, repeated or out of order); the whole snapshot is refused and nothing of it applied"
        case .otherSnapshot(let version, let part):
            "part \(part) of the ledger snapshot of version \(version) does not belong to the snapshot whose parts came before it; the whole snapshot is refused and nothing of it applied"
        case .badNumbering(let part, let parts):
            "a ledger snapshot part numbered \(part) of \(parts) cannot be right; refused"
        case .incomplete(let version, let received, let parts):
            "the ledger snapshot of version \(version) stopped after \(received) of its \(parts) parts; the whole snapshot is refused and nothing of it applied"
        case .tooLarge(let limit):
            "the ledger snapshot is larger than the \(limit >> 20) MiB mediad holds while its parts arrive; refused"
        }
    }

    /// The same refusal as the ledger's error, for replies over the control socket and the record.
    public var ledgerError: LedgerError { LedgerError(.validation, zh: zh, en: description) }
}
