import GRDB

/// What `audit verify` finds in the guard's own records (device events and violations), chained
/// like the admin trail as they are written (`RecordChainRows.chain`): each record's hash recomputed
/// from the row as it is now and its link to the record before, page by page.
public struct RecordVerification: Sendable, Hashable, Codable {
    /// Records checked: every row that carries a place in the chain.
    public var count: Int
    /// Rows written before the chain existed (a ledger older than migration v11): not chained,
    /// so not checked.
    public var unchained: Int
    public var problems: [TrailVerification.Problem]
    public var intact: Bool { problems.isEmpty }
}

extension RecordChainRows {
    static let verifyPage = 5_000

    static func verify(_ db: Database) throws -> RecordVerification {
        var state = ChainState.empty
        var problems: [TrailVerification.Problem] = []
        var count = 0
        while true {
            let page = try records(db, after: state.seq, limit: verifyPage)
            guard !page.isEmpty else { break }
            let check = ChainCheck(records: page, after: state)
            for gap in check.missing { problems.append(missing(gap)) }
            for seq in check.altered {
                problems.append(.init(kind: .altered, rowID: seq, message: Bilingual(
                    zh: "第 \(seq) 条监控记录在写入后被篡改，或与前一条的哈希链接不符",
                    en: "guard record \(seq): altered after it was written, or its link to the record before does not match")))
            }
            count += page.count
            state = check.after
        }
        // The head remembers the newest number given: records cut from the end show up here.
        let head = try head(db)
        if head.seq > state.seq { problems.append(missing((state.seq + 1)...head.seq)) }
        let unchained = try Int.fetchOne(db, sql: """
            SELECT (SELECT count(*) FROM device_event WHERE chain_seq IS NULL) + (SELECT count(*) FROM violation WHERE chain_seq IS NULL)
            """) ?? 0
        return RecordVerification(count: count, unchained: unchained, problems: problems)
    }

    private static func missing(_ range: ClosedRange<Int64>) -> TrailVerification.Problem {
        let text = range.lowerBound == range.upperBound ? "\(range.lowerBound)" : "\(range.lowerBound)–\(range.upperBound)"
        return .init(kind: .missing, rowID: range.lowerBound, message: Bilingual(
            zh: "第 \(text) 条监控记录已被删除", en: "guard record \(text) was deleted"))
    }
}
