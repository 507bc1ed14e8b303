import Crypto
import Foundation

/// Ed25519 keys of the unit (the hub signs ledger changes and receipts) and of each enrolled computer
/// (mediad signs its event batches). Public keys travel and are pinned as base64 text.
public enum UnitKey {
    public static func publicKey(_ text: String) -> Curve25519.Signing.PublicKey? {
        guard let raw = Data(base64Encoded: text) else { return nil }
        return try? Curve25519.Signing.PublicKey(rawRepresentation: raw)
    }

    /// A short form an administrator can compare by eye: the first 16 hex digits of the key's SHA-256.
    public static func fingerprint(_ text: String) -> String {
        let digest = SHA256.hash(data: Data(text.utf8))
        return digest.prefix(8).map { String(format: "%02x", $0) }.joined()
    }
}

/// A private signing key and how it is kept: 32 raw bytes in a file only its owner can read.
public struct SigningKey: Sendable {
    /// The 32 raw bytes (CryptoKit's key type is not Sendable; the bytes are).
    public let rawRepresentation: Data
    public let publicText: String

    public init() { self.init(Curve25519.Signing.PrivateKey()) }

    private init(_ key: Curve25519.Signing.PrivateKey) {
        rawRepresentation = key.rawRepresentation
        publicText = key.publicKey.rawRepresentation.base64EncodedString()
    }

    public init(rawRepresentation: Data) throws(UnitError) {
        do { self.init(try Curve25519.Signing.PrivateKey(rawRepresentation: rawRepresentation)) } catch {
            throw UnitError.badKey("\(rawRepresentation.count) bytes")
        }
    }

    public var privateKey: Curve25519.Signing.PrivateKey {
        // The bytes were a valid key when this value was made.
        try! Curve25519.Signing.PrivateKey(rawRepresentation: rawRepresentation)
    }

    /// Reads the key at `path`, or makes one there (mode 0600, written beside and renamed, so a crash
    /// never leaves half a key) when `create` and the file does not exist. A key file readable by
    /// others is refused: anyone who can read it can sign as its owner.
    public static func load(path: String, create: Bool) throws(UnitError) -> SigningKey {
        var info = stat()
        if stat(path, &info) == 0 {
            guard info.st_mode & 0o077 == 0 else { throw UnitError.keyFileOpen(path) }
            guard let data = FileManager.default.contents(atPath: path), data.count == 32 else {
                throw UnitError.keyFileUnreadable(path)
            }
            return try SigningKey(rawRepresentation: data)
        }
        guard create else { throw UnitError.keyFileUnreadable(path) }
        let key = SigningKey()
        let temporary = path + ".new"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw UnitError.keyFileUnreadable(path) }
        let raw = [UInt8](key.rawRepresentation)
        let written = raw.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd) == 0
        close(fd)
        guard written == 32, synced, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw UnitError.keyFileUnreadable(path)
        }
        return key
    }
}
