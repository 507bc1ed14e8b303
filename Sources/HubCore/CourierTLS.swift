import Foundation
import NIOSSL

/// The hub's certificate and private key for the couriers' endpoint, as PEM files. The couriers
/// trust exactly this certificate (or the CA that issued it), named by `ca` in their sync.conf.
public struct CourierTLS: Sendable, Hashable {
    public var certificatePath: String
    public var keyPath: String

    public init(certificatePath: String, keyPath: String) {
        self.certificatePath = certificatePath
        self.keyPath = keyPath
    }

    /// The server's TLS configuration (TLS 1.2 at least), checked before anything listens: a
    /// missing file, a file that is not PEM, or a key that does not belong to the certificate is
    /// named here rather than failing every handshake later with a cryptic alert.
    public func serverConfiguration() throws(CourierSetupError) -> TLSConfiguration {
        let chain = try Self.certificates(at: certificatePath)
        guard let keyBytes = FileManager.default.contents(atPath: keyPath) else {
            throw CourierSetupError(zh: "无法读取私钥文件 \(keyPath)（不存在或无权读取）",
                                    en: "cannot read the private key file \(keyPath) (missing or not readable)")
        }
        let key: NIOSSLPrivateKey
        do { key = try NIOSSLPrivateKey(bytes: [UInt8](keyBytes), format: .pem) } catch {
            throw CourierSetupError(zh: "\(keyPath) 不是 PEM 格式的私钥", en: "\(keyPath) is not a PEM private key")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        do { _ = try NIOSSLContext(configuration: configuration) } catch {
            throw CourierSetupError(zh: "私钥 \(keyPath) 与证书 \(certificatePath) 不匹配（\(error)）",
                                    en: "the private key \(keyPath) does not belong to the certificate \(certificatePath) (\(error))")
        }
        return configuration
    }

    /// Every certificate in a PEM file, the server's first; a file with none is an error.
    static func certificates(at path: String) throws(CourierSetupError) -> [NIOSSLCertificate] {
        guard let bytes = FileManager.default.contents(atPath: path) else {
            throw CourierSetupError(zh: "无法读取证书文件 \(path)（不存在或无权读取）",
                                    en: "cannot read the certificate file \(path) (missing or not readable)")
        }
        let certificates = (try? NIOSSLCertificate.fromPEMBytes([UInt8](bytes))) ?? []
        guard !certificates.isEmpty else {
            throw CourierSetupError(zh: "\(path) 中没有 PEM 格式的证书", en: "\(path) holds no PEM certificate")
        }
        return certificates
    }
}

/// Why the couriers' endpoint could not start, in both languages (mediahub prints it and exits).
public struct CourierSetupError: Error, Sendable, Hashable, CustomStringConvertible {
    public var zh: String
    public var en: String

    public init(zh: String, en: String) {
        self.zh = zh
        self.en = en
    }

    public var description: String { en }
}
