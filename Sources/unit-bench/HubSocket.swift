import AssetCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// mediahub's Unix socket, spoken as mediactl speaks it (`ControlProtocol`): one connection per call,
/// a 4-byte big-endian length and the JSON `ControlRequest`, then one framed `ControlResponse`.
/// Registering 5,000 computers this way costs what the hub's writes cost, not 10,000 processes.
struct HubSocket: Sendable {
    let path: String

    func call(_ call: ControlCall) throws -> ControlReply {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw BenchError.failed("socket: errno \(errno)") }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { throw BenchError.failed("socket path too long: \(path)") }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else { throw BenchError.failed("cannot reach mediahub at \(path): errno \(errno)") }
        let frame = try ControlProtocol.frame(ControlRequest(call: call))
        try frame.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let sent = send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if sent < 0, errno == EINTR { continue }
                guard sent > 0 else { throw BenchError.failed("send to mediahub: errno \(errno)") }
                offset += sent
            }
        }
        let header = try read(fd, 4)
        guard case .message(let length) = ControlProtocol.replyFrame(ofHeader: header) else {
            throw BenchError.failed("unexpected reply frame from mediahub")
        }
        let body = try read(fd, length)
        return try JSONDecoder().decode(ControlResponse.self, from: Data(body)).reply
    }

    /// A ledger request; its response, or the hub's refusal as an error.
    func ledger(_ request: Request) throws -> Response {
        switch try call(.ledger(request)) {
        case .response(let response): return response
        case .error(let error): throw BenchError.failed("mediahub refused \(request.verb): \(error.message.en)")
        default: throw BenchError.failed("unexpected reply to \(request.verb)")
        }
    }

    private func read(_ fd: Int32, _ count: Int) throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        var offset = 0
        while offset < count {
            let got = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress! + offset, count - offset, 0) }
            if got < 0, errno == EINTR { continue }
            guard got > 0 else { throw BenchError.failed("mediahub closed the connection") }
            offset += got
        }
        return buffer
    }
}
