import Foundation

/// What the courier (mediad-sync) and an enrolling administrator ask of mediad about the unit.
/// mediad checks every payload itself: the courier carries, it is never believed.
public enum UnitCall: Sendable, Hashable, Codable {
    /// The longest mediad holds an `awaitOutbox` call, whatever the courier asks, and what the
    /// courier asks for: inside the courier's reply timeout (300 s). Over a Unix socket there is no
    /// half-open peer to notice by timing out (mediad sees the courier hang up at once), so the
    /// hold is as long as that allows: an idle enrolled guard wakes for it once in four minutes.
    public static let longestOutboxWait = 240

    /// This computer's membership, or `notEnrolled`.
    case state
    /// The computer's public key, made (root-only file) on first ask. Administrators only.
    case enrolmentKey
    /// Pins the unit's key from the hub's answer and makes the local ledger a replica. Administrators
    /// only: the answer decides which key this computer trusts from now on.
    case join(EnrolmentAnswer)
    /// Signed change sets or a snapshot, in order; each applied atomically or refused and recorded.
    case apply([SignedPayload])
    /// The next records the hub has not acknowledged, at most `limit`, signed by this computer's key;
    /// nil when nothing is owed.
    case outbox(limit: Int)
    /// `outbox`, held open by mediad until a record is owed or `seconds` have passed (at most
    /// `longestOutboxWait`); nil then. The courier's records loop asks this instead of asking
    /// `outbox` on a timer, so an idle guard wakes once per `seconds` and a record written while
    /// it waits leaves at once. mediad looks at the outbox before it waits: a record written
    /// between two calls is never left for the next timeout.
    case awaitOutbox(limit: Int, seconds: Int)
    /// The hub's signed receipt for records delivered.
    case receipt(SignedPayload)
    /// A standalone computer's request to join (`EnrolmentRequestBundle`), with the hub's one-time
    /// code, signed by this computer's key (made on first ask), for a person to carry to the hub.
    /// `computer` names the asset number when this computer is not registered in its own ledger.
    case enrolmentRequest(code: String, computer: String?)
    /// A ledger bundle file carried from the hub (`LedgerBundle`), as read. mediad checks it against the pinned
    /// unit key — or, on the first one, against the fingerprint `unitKey` the administrator
    /// confirmed — applies it in one transaction, judges present devices again, and answers with
    /// the records the hub has not acknowledged (`RecordBundle`) for the way back.
    case importBundle(Data, unitKey: String?)

    public var permission: Permission {
        switch self {
        case .state: .observe
        case .enrolmentKey, .join, .enrolmentRequest, .importBundle: .administer
        case .apply, .outbox, .awaitOutbox, .receipt: .carry
        }
    }

    public var verb: String {
        switch self {
        case .state: "unit state"
        case .enrolmentKey: "unit enrolment-key"
        case .join: "unit join"
        case .apply: "unit apply"
        case .outbox: "unit outbox"
        case .awaitOutbox: "unit await-outbox"
        case .receipt: "unit receipt"
        case .enrolmentRequest: "bundle request"
        case .importBundle: "bundle import"
        }
    }
}

/// mediad's answers to a `UnitCall`.
public enum UnitReply: Sendable, Hashable, Codable {
    case membership(UnitMembership)
    case enrolmentKey(computer: String?, publicKey: String)
    /// The change sets applied (their `to` versions) and the membership after; a refused one ends the
    /// list and is named in `refused`.
    case applied(versions: [Int64], refused: LedgerError?, membership: UnitMembership)
    case batch(SignedPayload?)
    /// A bundle for a person to carry (an enrolment request).
    case bundle(SignedPayload)
    case imported(BundleImport)
}
