import AssetCore
import Foundation

extension Courier {
    struct Applied {
        var versions: [Int64]
        var refused: LedgerError?
        var membership: UnitMembership
    }

    /// Hands what the hub sent to mediad, in order, in as few calls as mediad's request limit
    /// allows: a large snapshot comes as parts (`SnapshotPart`) that mediad stages across calls
    /// and applies with the last one, so every part must go over before the courier asks the hub
    /// again. A refusal ends the list.
    func apply(_ list: [SignedPayload]) async throws(MediadError) -> Applied {
        var applied: Applied?
        for group in Self.calls(list) {
            let reply = try await applyHalving(group)
            applied = Applied(versions: (applied?.versions ?? []) + reply.versions, refused: reply.refused,
                              membership: reply.membership)
            if reply.refused != nil { break }
        }
        guard let applied else { throw .unexpectedReply("nothing to hand to mediad") }
        return applied
    }

    /// One call, in halves when it passes the limit all the same (the size was only estimated).
    private func applyHalving(_ list: [SignedPayload]) async throws(MediadError) -> Applied {
        let reply: UnitReply
        do { reply = try await mediad.call(.apply(list)) } catch {
            guard case .tooLarge = error, list.count > 1 else { throw error }
            let middle = list.count / 2
            let first = try await applyHalving(Array(list[..<middle]))
            if first.refused != nil { return first }
            let second = try await applyHalving(Array(list[middle...]))
            return Applied(versions: first.versions + second.versions, refused: second.refused, membership: second.membership)
        }
        guard case .applied(let versions, let refused, let membership) = reply else { throw .unexpectedReply("\(reply)") }
        return Applied(versions: versions, refused: refused, membership: membership)
    }

    /// `list` cut, in order, into runs whose requests each stay under mediad's limit, measured
    /// without encoding them (`requestBytes`); `applyHalving` covers anything missed.
    static func calls(_ list: [SignedPayload], limit: Int = ControlProtocol.maxRequestBytes) -> [[SignedPayload]] {
        let budget = limit - 4096 // the request around the list
        var calls: [[SignedPayload]] = []
        var current: [SignedPayload] = []
        var used = 0
        for payload in list {
            let size = requestBytes(payload)
            if !current.isEmpty, used + size > budget {
                calls.append(current)
                current = []
                used = 0
            }
            current.append(payload)
            used += size
        }
        if !current.isEmpty { calls.append(current) }
        return calls
    }

    /// The bytes `payload` takes in a control request, at most: body and signature as base64, each
    /// "/" of which JSON escapes (counted, not guessed: how many there are depends on the bytes), the
    /// signer likewise, and 96 for the member names, the kind and the punctuation.
    static func requestBytes(_ payload: SignedPayload) -> Int {
        func escaped(_ text: Data) -> Int { text.count + text.reduce(0) { $0 + ($1 == UInt8(ascii: "/") ? 1 : 0) } }
        return escaped(payload.body.base64EncodedData()) + escaped(payload.signature.base64EncodedData())
            + escaped(Data(payload.signer.utf8)) + payload.kind.rawValue.utf8.count + 96
    }
}
