/// Why a payload of the unit was refused or a unit step failed, in words an administrator can act on.
public enum UnitError: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    case wrongKind(expected: PayloadKind, got: PayloadKind)
    case badSignature(kind: PayloadKind, signer: String)
    case badKey(String)
    case malformed(String)
    case otherUnit(expected: String, got: String)
    case otherComputer(expected: String, got: String)
    case versionMismatch(held: Int64, from: Int64)
    case notEnrolled
    case alreadyEnrolled(unit: String)
    case keyFileOpen(String)
    case keyFileUnreadable(String)
    case unknownTable(String)
    case unknownColumn(table: String, column: String)
    /// A ledger bundle older than what the computer holds.
    case oldBundle(held: Int64, to: Int64)
    /// A ledger bundle that starts after what the computer holds: one in between was not imported.
    case bundleGap(held: Int64, from: Int64)
    /// A first bundle, whose unit key the administrator has not confirmed (`--unit-key`).
    case unitKeyUnconfirmed(signer: String)
    case unitKeyMismatch(confirmed: String, signer: String)
    /// A file that is not a whole bundle: truncated, damaged, or something else.
    case notABundle(String)
    /// A ledger bundle for the key the hub pinned for `computer`, which is not this computer's key.
    case otherComputerKey(computer: String)

    public var zh: String {
        switch self {
        case .wrongKind(let expected, let got): "收到的是 \(got.rawValue)，应为 \(expected.rawValue)；已拒收"
        case .badSignature(let kind, let signer): "\(kind.rawValue) 的签名无效（签名密钥 \(UnitKey.fingerprint(signer))），不是本单位签发；已拒收"
        case .badKey(let text): "密钥无效：\(text)"
        case .malformed(let detail): "数据格式错误：\(detail)"
        case .otherUnit(let expected, let got): "数据来自单位“\(got)”，本机属于“\(expected)”；已拒收"
        case .otherComputer(let expected, let got): "数据是给计算机 \(got) 的，本机是 \(expected)；已拒收"
        case .versionMismatch(let held, let from): "台账变更从版本 \(from) 开始，本机持有版本 \(held)（重放或次序错误）；已拒收"
        case .notEnrolled: "本机尚未加入单位台账：先在中心登记本机，再运行 mediad-sync enrol"
        case .alreadyEnrolled(let unit): "本机已加入单位“\(unit)”"
        case .keyFileOpen(let path): "密钥文件 \(path) 可被他人读取；请改为仅属主可读（chmod 600）"
        case .keyFileUnreadable(let path): "无法读取或写入密钥文件 \(path)"
        case .unknownTable(let table): "未知的台账表 \(table)"
        case .unknownColumn(let table, let column): "台账表 \(table) 没有字段 \(column)"
        case .oldBundle(let held, let to): "数据包只到版本 \(to)，本机已持有版本 \(held)：这是旧数据包；已拒收"
        case .bundleGap(let held, let from): "数据包从版本 \(from) 开始，本机持有版本 \(held)：中间的数据包未导入；请在中心重新导出；已拒收"
        case .unitKeyUnconfirmed(let signer): "本机尚未加入单位：首次导入须用 --unit-key 确认单位密钥指纹（中心发放注册码时显示）；本数据包的签名密钥为 \(UnitKey.fingerprint(signer))"
        case .unitKeyMismatch(let confirmed, let signer): "数据包的签名密钥 \(UnitKey.fingerprint(signer)) 与确认的单位密钥 \(confirmed) 不符；已拒收"
        case .notABundle(let detail): "不是完整的数据包（被截断、损坏或是其他文件）：\(detail)"
        case .otherComputerKey(let computer): "数据包是给中心登记为 \(computer) 的另一把计算机密钥的，不是本机的密钥：不是本机的数据包（或本机重新生成过密钥，需重新入网）；已拒收"
        }
    }

    public var description: String {
        switch self {
        case .wrongKind(let expected, let got): "got a \(got.rawValue) where a \(expected.rawValue) was expected; refused"
        case .badSignature(let kind, let signer): "the \(kind.rawValue) is not signed by this unit's key (signed by \(UnitKey.fingerprint(signer))); refused"
        case .badKey(let text): "not a valid key: \(text)"
        case .malformed(let detail): "malformed payload: \(detail)"
        case .otherUnit(let expected, let got): "the payload belongs to the unit '\(got)', this computer to '\(expected)'; refused"
        case .otherComputer(let expected, let got): "the payload is for computer \(got), this is \(expected); refused"
        case .versionMismatch(let held, let from): "the ledger change starts at version \(from) but this computer holds version \(held) (replayed or out of order); refused"
        case .notEnrolled: "this computer is not enrolled in a unit: register it at the hub, then run mediad-sync enrol"
        case .alreadyEnrolled(let unit): "this computer is already enrolled in the unit '\(unit)'"
        case .keyFileOpen(let path): "the key file \(path) can be read by others; make it readable by its owner only (chmod 600)"
        case .keyFileUnreadable(let path): "cannot read or write the key file \(path)"
        case .unknownTable(let table): "no ledger table named \(table)"
        case .unknownColumn(let table, let column): "the ledger table \(table) has no column \(column)"
        case .oldBundle(let held, let to): "the bundle brings the ledger up to version \(to) but this computer holds version \(held): an old bundle; refused"
        case .bundleGap(let held, let from): "the bundle starts at version \(from) but this computer holds version \(held): a bundle in between was not imported; export a new one at the hub; refused"
        case .unitKeyUnconfirmed(let signer): "this computer is not enrolled yet: confirm the unit key of a first bundle with --unit-key and the fingerprint the hub showed with the enrolment code; this bundle is signed by \(UnitKey.fingerprint(signer))"
        case .unitKeyMismatch(let confirmed, let signer): "the bundle is signed by \(UnitKey.fingerprint(signer)), not by the unit key confirmed (\(confirmed)); refused"
        case .notABundle(let detail): "not a whole bundle (truncated, damaged, or another file): \(detail)"
        case .otherComputerKey(let computer): "the bundle is for the key the hub holds for \(computer), not this computer's key: a bundle for another machine (or this computer made a new key and must enrol again); refused"
        }
    }

    /// The same failure as the ledger's error, for replies over the control socket.
    public var ledgerError: LedgerError {
        switch self {
        case .notEnrolled, .alreadyEnrolled, .unitKeyUnconfirmed: LedgerError(.usage, zh: zh, en: description)
        case .keyFileOpen, .keyFileUnreadable: LedgerError(.storage, zh: zh, en: description)
        default: LedgerError(.validation, zh: zh, en: description)
        }
    }
}

extension LedgerError {
    /// A ledger change asked of an enrolled computer: the unit's ledger is changed at the hub.
    static func replica(of held: UnitMembership, verb: String) -> LedgerError {
        let hub = held.hub.map { "（\($0)）" } ?? ""
        let hubEn = held.hub.map { " (\($0))" } ?? ""
        return LedgerError(.usage,
            zh: "本机已加入单位“\(held.unit)”，本机台账是单位台账的副本：请在中心\(hub)执行：mediactl --hub \(verb) …",
            en: "this computer is enrolled in the unit '\(held.unit)' and its ledger is a replica: make the change at the hub\(hubEn): mediactl --hub \(verb) …")
    }
}
