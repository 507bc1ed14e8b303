import AssetCore

extension Courier {
    struct Applied {
        var versions: [Int64]
        var refused: LedgerError?
        var membership: UnitMembership
    }

    /// Hands change sets to mediad, in halves when together they pass the control socket's
    /// request limit (a snapshot and the change sets after it, say); a refusal ends the list.
    func apply(_ list: [SignedPayload]) async throws(MediadError) -> Applied {
        let reply: UnitReply
        do { reply = try await mediad.call(.apply(list)) } catch {
            guard case .tooLarge = error, list.count > 1 else { throw error }
            let middle = list.count / 2
            let first = try await apply(Array(list[..<middle]))
            if first.refused != nil { return first }
            let second = try await apply(Array(list[middle...]))
            return Applied(versions: first.versions + second.versions, refused: second.refused, membership: second.membership)
        }
        guard case .applied(let versions, let refused, let membership) = reply else { throw .unexpectedReply("\(reply)") }
        return Applied(versions: versions, refused: refused, membership: membership)
    }
}
