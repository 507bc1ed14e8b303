import Foundation

/// A standalone computer (单机) never sees a network: a person carries the unit's ledger to it and
/// its records back, as files on a registered medium. Each file is one `SignedPayload` (the same
/// signatures as the courier's, so a bundle is trusted for its signature and never for who carried
/// it), written as JSON by `BundleFile`.
///
/// Hub → computer: everything the computer needs since the version it last confirmed, signed by the
/// unit key.
public struct LedgerBundle: Sendable, Hashable, Codable {
    public var unit: String
    public var computer: String
    /// The public key the hub pinned for `computer`: a bundle is imported only on the computer that
    /// holds the matching private key, whatever asset number the machine carries.
    public var computerKey: String
    public var createdAt: Timestamp
    /// The version the hub knew the computer to hold when it wrote the bundle.
    public var fromVersion: Int64
    /// The version the computer holds once the bundle is imported.
    public var toVersion: Int64
    /// Change sets in order, or a snapshot (whole or in parts).
    public var payloads: [SignedPayload]
    /// The hub's receipt for the records it holds from this computer.
    public var receipt: SignedPayload?
    /// Until the computer has confirmed that it joined: the unit it joins and the key it pins.
    public var enrolment: EnrolmentAnswer?

    public init(unit: String, computer: String, computerKey: String, createdAt: Timestamp, fromVersion: Int64, toVersion: Int64,
                payloads: [SignedPayload], receipt: SignedPayload?, enrolment: EnrolmentAnswer?) {
        self.unit = unit
        self.computer = computer
        self.computerKey = computerKey
        self.createdAt = createdAt
        self.fromVersion = fromVersion
        self.toVersion = toVersion
        self.payloads = payloads
        self.receipt = receipt
        self.enrolment = enrolment
    }
}

/// Computer → hub: every record the hub has not acknowledged, as the courier's event batches, and
/// the ledger version the computer holds now; signed by the computer's key.
public struct RecordBundle: Sendable, Hashable, Codable {
    public var unit: String
    public var computer: String
    public var createdAt: Timestamp
    public var ledgerVersion: Int64
    /// The computer's newest record number.
    public var head: Int64
    /// Signed event batches in order; one without records when nothing is owed, so that the hub
    /// still learns the version held and when the computer was last heard from.
    public var batches: [SignedPayload]

    public init(unit: String, computer: String, createdAt: Timestamp, ledgerVersion: Int64, head: Int64, batches: [SignedPayload]) {
        self.unit = unit
        self.computer = computer
        self.createdAt = createdAt
        self.ledgerVersion = ledgerVersion
        self.head = head
        self.batches = batches
    }
}

/// A standalone computer's first word to the hub: its new public key and the one-time code the hub
/// issued for it, signed by that key (which shows the key is held).
public struct EnrolmentRequestBundle: Sendable, Hashable, Codable {
    public var computer: String
    public var publicKey: String
    public var code: String
    public var createdAt: Timestamp

    public init(computer: String, publicKey: String, code: String, createdAt: Timestamp) {
        self.computer = computer
        self.publicKey = publicKey
        self.code = code
        self.createdAt = createdAt
    }
}

/// A bundle as a file: the signed payload's JSON. Reading one never trusts it: `read` only says
/// whether the bytes are a whole payload of a bundle's kind; signatures are checked by whoever
/// applies it (mediad, mediahub).
public enum BundleFile {
    /// The largest bundle read: the file travels as base64 in one request over mediad's (or
    /// mediahub's) control socket, which takes `ControlProtocol.maxRequestBytes`.
    public static let maximumBytes = (ControlProtocol.maxRequestBytes - 64 * 1024) / 4 * 3

    /// The most bytes of signed event batches a records bundle carries: nested in the bundle's
    /// signed body they grow by base64 twice (16/9), and the file must stay under `maximumBytes`.
    /// Records beyond it go in the next bundle, once the hub's receipt has come back.
    public static let recordBytesPerBundle = 12 << 20

    public static func bytes(_ payload: SignedPayload) throws(UnitError) -> Data {
        do { return try UnitCoding.encoder.encode(payload) } catch { throw .malformed("\(error)") }
    }

    public static func read(_ data: Data) throws(UnitError) -> SignedPayload {
        guard data.count <= maximumBytes else {
            throw .notABundle("\(data.count) bytes, more than the \(maximumBytes) a bundle may have")
        }
        let payload: SignedPayload
        do { payload = try UnitCoding.decoder.decode(SignedPayload.self, from: data) } catch {
            throw .notABundle(data.isEmpty ? "the file is empty" : "\(data.count) bytes that are not a signed payload")
        }
        guard [.ledgerBundle, .recordBundle, .enrolmentRequest].contains(payload.kind) else {
            throw .notABundle("a \(payload.kind.rawValue), not a bundle")
        }
        return payload
    }

    /// The body without checking the signature: for `bundle show`, and for finding which key to
    /// check it with. Never act on what this returns before `open` has checked it.
    public static func peek<T: Decodable>(_ type: T.Type, _ payload: SignedPayload) throws(UnitError) -> T {
        do { return try UnitCoding.decoder.decode(T.self, from: payload.body) } catch {
            throw .notABundle("its \(payload.kind.rawValue) body cannot be read")
        }
    }
}

/// What `bundle show` prints: a bundle described without trusting it, and whether its signature
/// holds under the key that signed it (which says nothing of whether that key is the unit's).
public struct BundleSummary: Sendable, Hashable, Codable {
    public var kind: PayloadKind
    public var unit: String?
    public var computer: String
    public var createdAt: Timestamp
    public var signer: String
    public var signatureValid: Bool
    public var fromVersion: Int64?
    public var toVersion: Int64?
    public var changeSets: Int?
    public var snapshotParts: Int?
    public var receiptSeq: Int64?
    public var enrolment: Bool?
    public var batches: Int?
    public var records: Int?
    public var firstSeq: Int64?
    public var lastSeq: Int64?

    /// Describes `payload`, checking its signature against its own signer.
    public static func of(_ payload: SignedPayload) throws(UnitError) -> BundleSummary {
        let valid = payload.isSigned(by: payload.signer)
        var summary = BundleSummary(kind: payload.kind, computer: "", createdAt: Timestamp(secondsSinceEpoch: 0),
                                    signer: UnitKey.fingerprint(payload.signer), signatureValid: valid)
        switch payload.kind {
        case .ledgerBundle:
            let bundle = try BundleFile.peek(LedgerBundle.self, payload)
            summary.unit = bundle.unit
            summary.computer = bundle.computer
            summary.createdAt = bundle.createdAt
            summary.fromVersion = bundle.fromVersion
            summary.toVersion = bundle.toVersion
            summary.changeSets = bundle.payloads.filter { $0.kind == .changeSet }.count
            summary.snapshotParts = bundle.payloads.filter { $0.kind == .snapshot || $0.kind == .snapshotPart }.count
            summary.receiptSeq = bundle.receipt.flatMap { try? BundleFile.peek(Receipt.self, $0) }?.seq
            summary.enrolment = bundle.enrolment != nil
        case .recordBundle:
            let bundle = try BundleFile.peek(RecordBundle.self, payload)
            let batches = bundle.batches.compactMap { try? BundleFile.peek(EventBatch.self, $0) }
            let seqs = batches.flatMap { $0.records.map(\.seq) }
            summary.unit = bundle.unit
            summary.computer = bundle.computer
            summary.createdAt = bundle.createdAt
            summary.toVersion = bundle.ledgerVersion
            summary.batches = bundle.batches.count
            summary.records = seqs.count
            summary.firstSeq = seqs.min()
            summary.lastSeq = seqs.max()
        default:
            let request = try BundleFile.peek(EnrolmentRequestBundle.self, payload)
            summary.computer = request.computer
            summary.createdAt = request.createdAt
        }
        return summary
    }
}
