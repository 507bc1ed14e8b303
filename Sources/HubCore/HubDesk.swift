import AssetCore
import Crypto
import Foundation
import GRDB
import HubStore
import Logging

/// The hub's answers to the couriers (`CourierDesk`): enrolment with a one-time code, the change
/// sets a computer has not applied, and a computer's records, checked against its pinned key and its
/// chain, stored once, receipted. Ledger reads run on `HubWorkers` and deliveries wait for the
/// ingest lane (`IngestLane`): no thread of the cooperative pool ever blocks on the working copy.
public struct HubDesk: CourierDesk {
    public let ledger: HubLedger
    public let hubName: String?
    /// A computer further behind than this gets a snapshot instead of every change since.
    public static let snapshotAfter: Int64 = 500

    public init(ledger: HubLedger, hubName: String?) {
        self.ledger = ledger
        self.hubName = hubName
    }

    public func ledgerVersion() async -> Int64 { ledger.ledgerVersion }

    public func enrol(_ request: EnrolmentRequest) async throws(CourierRefusal) -> EnrolmentAnswer {
        try await enrol(request, standalone: false)
    }

    /// Enrols a computer with its one-time code; a standalone one (enrolled by a bundle) is told
    /// no token it could use, since it has no courier.
    func enrol(_ request: EnrolmentRequest, standalone: Bool) async throws(CourierRefusal) -> EnrolmentAnswer {
        let computer = request.computer.trimmingWhitespace()
        guard UnitKey.publicKey(request.publicKey) != nil else {
            throw CourierRefusal(status: 400, zh: "计算机公钥无效", en: "the computer's public key is not a valid Ed25519 key")
        }
        let registered = try await refusing(status: 500) { [ledger] in
            try await HubWorkers.run { try ledger.store.hasComputer(computer) }
        }
        guard registered else { throw CourierRefusal(status: 403, LedgerError.computerNotFound(computer)) }
        let token = Self.randomToken()
        let now = ledger.clock.now()
        try await refusing(status: 403) { [ledger] in
            try await ledger.database.enrol(computer: computer, codeHash: Self.digest(request.code.trimmingWhitespace()),
                                            publicKey: request.publicKey, tokenHash: Self.digest(token), at: now,
                                            standalone: standalone)
        }
        ledger.logger.notice("computer enrolled", metadata: ["COMPUTER": "\(computer)", "KEY": "\(UnitKey.fingerprint(request.publicKey))",
                                                             "STANDALONE": "\(standalone)"])
        return EnrolmentAnswer(unit: ledger.unit, unitKey: ledger.key.publicText, computer: computer, courierToken: token, hub: hubName)
    }

    public func deliver(token: String, batch payload: SignedPayload) async throws(CourierRefusal) -> SignedPayload {
        let computer = try await enrolled(token)
        let batch: EventBatch
        do { batch = try Self.open(payload, from: computer, unit: ledger.unit) } catch { throw CourierRefusal(status: 403, error.ledgerError) }
        // Every record's hash depends on the record alone: worked out here, in the request's task,
        // so the lane's one writer only compares numbers and hashes.
        let after = try await ingest(batch, records: HashedRecords(batch.records))
        let receipt = Receipt(unit: ledger.unit, computer: computer.computer, seq: after.seq, hash: after.hash, at: ledger.clock.now())
        do { return try SignedPayload.sign(receipt, kind: .receipt, with: ledger.key) } catch { throw CourierRefusal(status: 500, error.ledgerError) }
    }

    /// A batch from `computer`, however it came (its courier, or a bundle carried by hand), opened
    /// under its pinned key and checked to be its own and this unit's.
    static func open(_ payload: SignedPayload, from computer: EnrolledComputer, unit: String) throws(UnitError) -> EventBatch {
        let batch = try payload.open(EventBatch.self, as: .eventBatch, trusting: computer.publicKey)
        guard batch.unit == unit else { throw UnitError.otherUnit(expected: unit, got: batch.unit) }
        guard batch.computer == computer.computer else { throw UnitError.otherComputer(expected: computer.computer, got: batch.computer) }
        return batch
    }

    /// Stores an opened batch once, through the ingest lane; the computer's chain end after it.
    func ingest(_ batch: EventBatch, records: HashedRecords) async throws(CourierRefusal) -> ChainState {
        try await refusing(status: 500) { [ledger] in try await ledger.ingest(batch, records: records) }
    }

    /// A one-time code for `computer`, registered in the unit ledger, stored as its hash only.
    public func issueCode(computer: String, hours: Int, by actor: String) async throws(LedgerError) -> EnrolmentCode {
        let asset = computer.trimmingWhitespace()
        let registered = try await ledgerCall { [ledger] in
            try await HubWorkers.run { try ledger.store.hasComputer(asset) }
        }
        guard registered else { throw LedgerError.computerNotFound(asset) }
        let code = Self.readableCode()
        let now = ledger.clock.now()
        let expires = Timestamp(secondsSinceEpoch: now.secondsSinceEpoch + Int64(hours) * 3600)
        try await ledgerCall { [ledger] in
            try await ledger.database.issueEnrolmentCode(computer: asset, codeHash: Self.digest(code), expiresAt: expires,
                                                         issuedBy: actor, at: now)
        }
        return EnrolmentCode(computer: asset, code: code, expiresAt: expires, unit: ledger.unit,
                             unitKeyFingerprint: UnitKey.fingerprint(ledger.key.publicText))
    }

    func enrolled(_ token: String) async throws(CourierRefusal) -> EnrolledComputer {
        guard !token.isEmpty else { throw .unauthorized }
        let found = try await refusing(status: 500) { [ledger] in try await ledger.database.enrolled(tokenHash: Self.digest(token)) }
        guard let found else { throw .unauthorized }
        return found
    }

    static func digest(_ text: String) -> String {
        // Asked for every delivery (the token): hex without a `String(format:)` per byte.
        SHA256.hash(data: Data(text.utf8)).map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }

    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return Data((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }).base64EncodedString()
    }

    /// Twelve characters an administrator can read out and type: no 0/O, 1/I/L.
    static func readableCode() -> String {
        let alphabet = Array("ABCDEFGHJKMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        let letters = (0..<12).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] }
        return String(letters[0..<4]) + "-" + String(letters[4..<8]) + "-" + String(letters[8..<12])
    }

    func refusing<T: Sendable>(status: Int, _ body: @Sendable () async throws -> T) async throws(CourierRefusal) -> T {
        do { return try await body() } catch { throw CourierRefusal(status: status, Self.ledgerError(error)) }
    }

    func ledgerCall<T: Sendable>(_ body: @Sendable () async throws -> T) async throws(LedgerError) -> T {
        do { return try await body() } catch { throw Self.ledgerError(error) }
    }

    static func ledgerError(_ error: any Error) -> LedgerError {
        switch error {
        case let error as LedgerError: error
        case let error as UnitError: error.ledgerError
        case let error as HubStoreError: LedgerError(.unavailable, zh: error.zh, en: error.description)
        default: LedgerError(.storage, zh: "\(error)", en: "\(error)")
        }
    }
}
