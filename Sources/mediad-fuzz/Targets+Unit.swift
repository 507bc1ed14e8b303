import AssetCore
import Foundation

/// The unit's signed payloads. The envelope target feeds raw bytes to the decoders that meet them
/// before any signature is checked (a bundle file, a courier's request); the others sign the
/// fuzzer's bytes with a fixed key first, so that the bodies reach the decoders past the
/// signature check, as the hub's own or an enrolled computer's payloads would.
extension FuzzTarget {
    /// A `SignedPayload` as JSON, and a bundle file as `BundleFile.read` and `bundle show` take it.
    static let signedEnvelope = FuzzTarget(name: "signed-envelope", summary: "signed payloads and bundle files, unsigned bytes (SignedPayload, BundleFile)") { bytes in
        let data = Data(bytes)
        if let payload = try? UnitCoding.decoder.decode(SignedPayload.self, from: data) {
            consume(payload.label)
            consume(payload.isSigned(by: payload.signer))
            FuzzKeys.openAny(payload)
        }
        switch Result(catching: { () throws(UnitError) in try BundleFile.read(data) }) {
        case .success(let payload): consume(try? BundleSummary.of(payload))
        case .failure(let error): consume(error.description)
        }
    }

    /// A change set's body (or a snapshot part's), signed by the unit key, opened as mediad opens it.
    static let changeSet = FuzzTarget(name: "change-set", summary: "change set, snapshot and snapshot-part bodies (ChangeSet, SnapshotAssembly)") { bytes in
        for kind in [PayloadKind.changeSet, .snapshotPart] {
            FuzzKeys.openAny(FuzzKeys.sign(bytes, kind: kind, with: FuzzKeys.unit))
        }
    }

    /// An event batch's body, signed by the computer's key, opened as the hub opens it: the fast
    /// scanner, held to its promise of the very value `JSONDecoder` gives, then the chain check.
    static let eventBatch = FuzzTarget(name: "event-batch", summary: "event-batch bodies (JSONScanner, EventBatch, ChainCheck)") { bytes in
        let payload = FuzzKeys.sign(bytes, kind: .eventBatch, with: FuzzKeys.computer)
        let opened = try? payload.open(EventBatch.self, as: .eventBatch, trusting: FuzzKeys.computer.publicText)
        let decoded = try? UnitCoding.decoder.decode(EventBatch.self, from: payload.body)
        FuzzCheck.require(opened == decoded, "the event-batch scanner and JSONDecoder disagree: \(String(describing: opened)) / \(String(describing: decoded))")
        if let opened {
            consume(ChainCheck(records: opened.records, after: .empty))
            consume(ChainCheck(records: opened.records, after: ChainState(seq: opened.head, hash: RecordChain.genesis)))
        }
    }

    /// A ledger or records bundle's body, signed by the key it would carry, then every payload inside
    /// opened under the keys a computer or the hub would trust.
    ///
    /// The kind is the one the body reads as (a ledger bundle when none): a body of another kind
    /// only meets the same refusal, at the price of two more signatures (slow in a debug build).
    static let bundle = FuzzTarget(name: "bundle", summary: "ledger, records and enrolment bundle bodies (LedgerBundle, RecordBundle)") { bytes in
        let data = Data(bytes)
        let kind: PayloadKind = if (try? UnitCoding.decoder.decode(RecordBundle.self, from: data)) != nil { .recordBundle }
            else if (try? UnitCoding.decoder.decode(EnrolmentRequestBundle.self, from: data)) != nil { .enrolmentRequest }
            else { .ledgerBundle }
        let payload = FuzzKeys.sign(bytes, kind: kind, with: kind == .ledgerBundle ? FuzzKeys.unit : FuzzKeys.computer)
        // Through the file form and back, as a person carries it.
        guard let file = try? BundleFile.bytes(payload), let read = try? BundleFile.read(file) else {
            FuzzCheck.require(false, "a signed bundle of \(bytes.count) bytes does not read back from its file")
            return
        }
        consume(try? BundleSummary.of(read))
        FuzzKeys.openAny(read)
    }
}

/// Fixed keys, so that a crash found with a signature in it replays.
enum FuzzKeys {
    static let unit = key(0x11)
    static let computer = key(0x22)

    private static func key(_ byte: UInt8) -> SigningKey {
        do { return try SigningKey(rawRepresentation: Data(repeating: byte, count: 32)) } catch {
            fatalError("harness: a fixed key is refused: \(error)")
        }
    }

    /// The bytes as the body of a payload of `kind`, signed with `key` over exactly those bytes.
    static func sign(_ body: [UInt8], kind: PayloadKind, with key: SigningKey) -> SignedPayload {
        let data = Data(body)
        var signed = Data("mediad-unit/1\n\(kind.rawValue)\n".utf8)
        signed.append(data)
        do {
            return SignedPayload(kind: kind, signer: key.publicText, body: data, signature: try key.privateKey.signature(for: signed))
        } catch {
            fatalError("harness: cannot sign: \(error)")
        }
    }

    /// Opens `payload` as what its kind says, under the key that kind is trusted with, and goes on
    /// into what it carries: the payloads inside a bundle, a snapshot's parts.
    static func openAny(_ payload: SignedPayload, depth: Int = 0) {
        let unitKey = unit.publicText, computerKey = computer.publicText
        switch payload.kind {
        case .changeSet, .snapshot:
            consume(try? payload.open(ChangeSet.self, as: payload.kind, trusting: unitKey))
        case .snapshotPart:
            consume(try? payload.open(SnapshotPart.self, as: .snapshotPart, trusting: unitKey))
            if let header = try? payload.open(SnapshotPart.Header.self, as: .snapshotPart, trusting: unitKey) {
                switch Result(catching: { () throws(SnapshotPartError) in try SnapshotAssembly(header, payload) }) {
                case .success(var assembly):
                    consume(assembly.isComplete)
                    consume(assembly.incomplete)
                    consume(try? assembly.add(header, payload))
                case .failure(let error):
                    consume(error)
                }
            }
        case .eventBatch:
            consume(try? payload.open(EventBatch.self, as: .eventBatch, trusting: computerKey))
        case .receipt:
            consume(try? payload.open(Receipt.self, as: .receipt, trusting: unitKey))
        case .ledgerBundle:
            guard let bundle = try? payload.open(LedgerBundle.self, as: .ledgerBundle, trusting: unitKey), depth < 2 else { return }
            for inner in bundle.payloads + (bundle.receipt.map { [$0] } ?? []) { openAny(inner, depth: depth + 1) }
        case .recordBundle:
            guard let bundle = try? payload.open(RecordBundle.self, as: .recordBundle, trusting: computerKey), depth < 2 else { return }
            for inner in bundle.batches { openAny(inner, depth: depth + 1) }
        case .enrolmentRequest:
            consume(try? payload.open(EnrolmentRequestBundle.self, as: .enrolmentRequest, trusting: computerKey))
        }
    }
}
