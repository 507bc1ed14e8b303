import Crypto
import Foundation

/// What a signed payload is, written into the bytes that are signed so that one kind can never be
/// passed off as another (a computer's event batch replayed as a ledger change, say).
public enum PayloadKind: String, Sendable, Hashable, Codable {
    case changeSet = "change-set"
    case snapshot
    /// One of the parts of a snapshot too large to hand to mediad at once (`SnapshotPart`).
    case snapshotPart = "snapshot-part"
    case eventBatch = "event-batch"
    case receipt
    /// What a person carries to a standalone computer (`LedgerBundle`), signed by the unit key.
    case ledgerBundle = "ledger-bundle"
    /// What a person carries back from it (`RecordBundle`), signed by the computer's key.
    case recordBundle = "record-bundle"
    /// A standalone computer's first word to the hub (`EnrolmentRequestBundle`), signed by its new key.
    case enrolmentRequest = "enrolment-request"
}

/// A payload and its Ed25519 signature. The signed bytes are the bytes carried, never re-encoded, so
/// the receiver checks exactly what the signer wrote; the couriers in between can delay or drop a
/// payload but not change one.
public struct SignedPayload: Sendable, Hashable, Codable {
    public var kind: PayloadKind
    /// The signer's public key (`UnitKey.text`): which key to check against, not a reason to trust it.
    public var signer: String
    public var body: Data
    public var signature: Data

    public init(kind: PayloadKind, signer: String, body: Data, signature: Data) {
        self.kind = kind
        self.signer = signer
        self.body = body
        self.signature = signature
    }

    /// Encodes `value` and signs it with `key`.
    public static func sign<T: Encodable>(_ value: T, kind: PayloadKind, with key: SigningKey) throws(UnitError) -> SignedPayload {
        let body: Data
        do { body = try UnitCoding.encoder.encode(value) } catch { throw UnitError.malformed("\(error)") }
        let signature: Data
        do { signature = try key.privateKey.signature(for: signedBytes(kind, body)) } catch {
            throw UnitError.malformed("cannot sign: \(error)")
        }
        return SignedPayload(kind: kind, signer: key.publicText, body: body, signature: signature)
    }

    /// The payload's content, once its kind is the one expected and its signature verifies under the
    /// pinned key `trusted`. Anything else is refused before a byte of the body is decoded.
    public func open<T: Decodable>(_ type: T.Type, as expected: PayloadKind, trusting trusted: String) throws(UnitError) -> T {
        guard kind == expected else { throw UnitError.wrongKind(expected: expected, got: kind) }
        guard UnitKey.publicKey(trusted) != nil else { throw UnitError.badKey(trusted) }
        guard isSigned(by: trusted) else { throw UnitError.badSignature(kind: kind, signer: signer) }
        if let scanned = T.self as? any ScannedPayload.Type, let value = scanned.scan(body) as? T { return value }
        do { return try UnitCoding.decoder.decode(T.self, from: body) } catch { throw UnitError.malformed("\(error)") }
    }

    /// How a payload is named in records and logs (a refusal): its kind and its signer's fingerprint.
    public var label: String { "a \(kind.rawValue) signed by \(UnitKey.fingerprint(signer))" }

    /// Whether the payload is signed by `key` and its signature holds over its kind and body.
    public func isSigned(by key: String) -> Bool {
        guard signer == key, let publicKey = UnitKey.publicKey(key) else { return false }
        return publicKey.isValidSignature(signature, for: Self.signedBytes(kind, body))
    }

    static func signedBytes(_ kind: PayloadKind, _ body: Data) -> Data {
        var bytes = Data("mediad-unit/1\n\(kind.rawValue)\n".utf8)
        bytes.append(body)
        return bytes
    }
}

/// One JSON form for everything that is signed or chained: sorted keys, so two encodings of one
/// value are the same bytes.
public enum UnitCoding {
    public static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    public static var decoder: JSONDecoder { JSONDecoder() }
}
