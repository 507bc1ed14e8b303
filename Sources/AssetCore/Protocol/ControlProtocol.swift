#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The wire format between mediactl and mediad: a 4-byte big-endian length, then that many bytes of
/// JSON. Pure functions, so the daemon's handling of hostile input is unit-tested here.
public enum ControlProtocol {
    /// Bumped when a message changes incompatibly; a request of another version gets an error.
    public static let version = 1
    /// Requests above this are refused before they are read (a ledger import of ~100,000 rows fits).
    public static let maxRequestBytes = 32 << 20
    /// Replies may be larger (a full ledger listing).
    public static let maxReplyBytes = 512 << 20

    public static func frame<T: Encodable>(_ value: T) throws -> [UInt8] {
        let body = try JSONEncoder().encode(value)
        let length = UInt32(body.count)
        return [UInt8(length >> 24), UInt8((length >> 16) & 0xFF), UInt8((length >> 8) & 0xFF), UInt8(length & 0xFF)]
            + Array(body)
    }

    /// Marks a frame of raw report bytes: a reply frame's length never reaches 2^31, so the top bit
    /// of the header is free, and a streamed report costs no encoding on either side.
    static let rawFrameBit: UInt32 = 0x8000_0000
    /// Report bytes per raw frame at most; the daemon sends blocks of about 64 KiB.
    public static let maxChunkBytes = 16 << 20

    /// The header of a raw frame of `count` report bytes.
    public static func reportChunkHeader(count: Int) -> [UInt8] {
        let word = UInt32(count) | rawFrameBit
        return [UInt8(word >> 24), UInt8((word >> 16) & 0xFF), UInt8((word >> 8) & 0xFF), UInt8(word & 0xFF)]
    }

    /// What a reply frame's header announces.
    public enum ReplyFrame: Equatable {
        /// A JSON `ControlResponse` of this many bytes.
        case message(Int)
        /// This many bytes of a streamed report, to be copied out as they are.
        case chunk(Int)
    }

    /// A reply header read, or nil when it announces more than a reply may hold.
    public static func replyFrame(ofHeader header: [UInt8]) -> ReplyFrame? {
        guard let word = length(ofHeader: header) else { return nil }
        if UInt32(word) & rawFrameBit != 0 {
            let count = Int(UInt32(word) & ~rawFrameBit)
            return count <= maxChunkBytes ? .chunk(count) : nil
        }
        return word <= maxReplyBytes ? .message(word) : nil
    }

    public static func length(ofHeader header: [UInt8]) -> Int? {
        guard header.count == 4 else { return nil }
        return Int(header[0]) << 24 | Int(header[1]) << 16 | Int(header[2]) << 8 | Int(header[3])
    }

    /// Decodes a request body, turning every way it can be wrong into an error a client can show.
    public static func decodeRequest(_ body: [UInt8]) -> Result<ControlRequest, LedgerError> {
        struct VersionOnly: Decodable { var version: Int }
        guard let probe = try? JSONDecoder().decode(VersionOnly.self, from: Data(body)) else {
            return .failure(LedgerError(.usage, zh: "请求不是有效的 mediad 协议消息", en: "the request is not a valid mediad protocol message"))
        }
        guard probe.version == version else {
            return .failure(LedgerError(.usage,
                zh: "协议版本 \(probe.version) 不受支持（本守护进程为 \(version)）；请使用同一版本的 mediactl",
                en: "protocol version \(probe.version) is not supported (this daemon speaks \(version)); use the mediactl of the same release"))
        }
        do {
            return .success(try JSONDecoder().decode(ControlRequest.self, from: Data(body)))
        } catch {
            return .failure(LedgerError(.usage, zh: "无法识别的请求", en: "unknown or malformed request"))
        }
    }
}
