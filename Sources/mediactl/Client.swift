import AssetCore
import Foundation
import SystemSupport
#if canImport(Glibc)
import Glibc
#endif

/// mediactl's side of a control socket (mediad's, or mediahub's with `--hub`: both speak the same
/// protocol): one framed request, one framed reply (many, for `watch`).
struct ControlClient {
    static let defaultPath = "/run/mediad/mediad.sock"
    /// The unit hub's socket, where `mediactl --hub` runs (on the hub's own machine).
    static let defaultHubPath = "/run/mediahub/mediahub.sock"

    let path: String
    private let fd: Int32

    init(path: String) throws(ControlClientError) {
        self.path = path
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .unreachable(path: path) }
        let connected = UnixSocketAddress.with(path) { connect(fd, $0, $1) }
        guard connected == 0 else {
            let denied = errno == EACCES
            Glibc.close(fd)
            throw denied ? .permission(path: path) : .unreachable(path: path)
        }
    }

    func send(_ call: ControlCall) throws(ControlClientError) {
        guard let frame = try? ControlProtocol.frame(ControlRequest(call: call)) else { throw .unencodable }
        let sent = frame.withUnsafeBytes { bytes in
            Descriptor.transferAll(bytes) { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        }
        guard sent else { throw .unreachable(path: path) }
    }

    /// The next reply, or nil when the daemon closed the connection.
    func receive() throws(ControlClientError) -> ControlReply? {
        guard let header = read(4) else { return nil }
        guard case .message(let length) = ControlProtocol.replyFrame(ofHeader: header) else { throw .unreadable }
        return try message(length)
    }

    /// A streamed report (`ControlCall.report`): each raw frame goes to `sink` as it arrives, until
    /// the daemon says `.finished`. A connection that ends first, or an `.error`, throws: the
    /// output so far is then incomplete, and the caller must not pass it off as the whole listing.
    /// Throws a `ControlClientError` (the socket), the daemon's `LedgerError`, or the sink's
    /// `ReportSinkError`; the caller gives each its exit status.
    func receiveReport(into sink: (UnsafeRawBufferPointer) throws(ReportSinkError) -> Void) throws {
        var buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 << 10, alignment: 8)
        defer { buffer.deallocate() }
        while true {
            guard let header = read(4) else { throw ControlClientError.cutShort }
            switch ControlProtocol.replyFrame(ofHeader: header) {
            case .chunk(let count):
                if count > buffer.count {
                    buffer.deallocate()
                    buffer = .allocate(byteCount: count, alignment: 8)
                }
                guard count == 0 || readInto(buffer.baseAddress!, count) else { throw ControlClientError.cutShort }
                try sink(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            case .message(let length):
                switch try message(length) {
                case .finished: return
                case .error(let error): throw error
                default: throw ControlClientError.unreadable
                }
            case nil:
                throw ControlClientError.unreadable
            }
        }
    }

    private func message(_ length: Int) throws(ControlClientError) -> ControlReply {
        guard let body = read(length), let response = try? JSONDecoder().decode(ControlResponse.self, from: Data(body)) else {
            throw .unreadable
        }
        return response.reply
    }

    func close() { Glibc.close(fd) }

    private func read(_ count: Int) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: count)
        let complete = buffer.withUnsafeMutableBytes { count == 0 || readInto($0.baseAddress!, count) }
        return complete ? buffer : nil
    }

    private func readInto(_ start: UnsafeMutableRawPointer, _ count: Int) -> Bool {
        Descriptor.fillAll(UnsafeMutableRawBufferPointer(start: start, count: count)) { recv(fd, $0.baseAddress, $0.count, 0) }
    }
}
