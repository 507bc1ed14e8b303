import AssetCore
import Foundation
import SystemSupport
#if canImport(Glibc)
import Glibc
#endif

/// mediactl's side of the control socket: one framed request, one framed reply (many, for `watch`).
struct ControlClient {
    static let defaultPath = "/run/mediad/mediad.sock"

    let path: String
    private let fd: Int32

    init(path: String) throws(LedgerError) {
        self.path = path
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Self.unreachable(path) }
        let connected = UnixSocketAddress.with(path) { connect(fd, $0, $1) }
        guard connected == 0 else {
            let denied = errno == EACCES
            Glibc.close(fd)
            if denied {
                throw LedgerError(.permission,
                    zh: "无权连接 \(path)：需加入 mediad 组（及 mediad-admin/-officer/-auditor 之一）",
                    en: "no permission to connect to \(path): join the group mediad (and one of mediad-admin, -officer, -auditor)")
            }
            throw Self.unreachable(path)
        }
    }

    static func unreachable(_ path: String) -> LedgerError {
        LedgerError(.unavailable,
            zh: "无法连接 mediad（\(path)）：守护进程未运行？离线操作台账请用 --db PATH",
            en: "cannot reach mediad at \(path): is it running? For offline work on a ledger file use --db PATH")
    }

    func send(_ call: ControlCall) throws(LedgerError) {
        guard let frame = try? ControlProtocol.frame(ControlRequest(call: call)) else {
            throw LedgerError(.usage, zh: "无法编码请求", en: "cannot encode the request")
        }
        let sent = frame.withUnsafeBytes { bytes in
            Descriptor.transferAll(bytes) { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        }
        guard sent else { throw Self.unreachable(path) }
    }

    /// The next reply, or nil when the daemon closed the connection.
    func receive() throws(LedgerError) -> ControlReply? {
        guard let header = read(4) else { return nil }
        guard case .message(let length) = ControlProtocol.replyFrame(ofHeader: header) else { throw Self.unreadable }
        return try message(length)
    }

    /// A streamed report (`ControlCall.report`): each raw frame goes to `sink` as it arrives, until
    /// the daemon says `.finished`. A connection that ends first, or an `.error`, throws: the
    /// output so far is then incomplete, and the caller must not pass it off as the whole listing.
    func receiveReport(into sink: (UnsafeRawBufferPointer) throws(LedgerError) -> Void) throws(LedgerError) {
        var buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 << 10, alignment: 8)
        defer { buffer.deallocate() }
        while true {
            guard let header = read(4) else { throw Self.cutShort }
            switch ControlProtocol.replyFrame(ofHeader: header) {
            case .chunk(let count):
                if count > buffer.count {
                    buffer.deallocate()
                    buffer = .allocate(byteCount: count, alignment: 8)
                }
                guard count == 0 || readInto(buffer.baseAddress!, count) else { throw Self.cutShort }
                try sink(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            case .message(let length):
                switch try message(length) {
                case .finished: return
                case .error(let error): throw error
                default: throw Self.unreadable
                }
            case nil:
                throw Self.unreadable
            }
        }
    }

    static let unreadable = LedgerError(.storage, zh: "mediad 的回复无法识别（版本不一致？）",
                                        en: "mediad's reply could not be read (a different release?)")
    static let cutShort = LedgerError(.unavailable, zh: "mediad 在列表结束前断开了连接；以上输出不完整",
                                      en: "mediad closed the connection before the listing ended; the output above is incomplete")

    private func message(_ length: Int) throws(LedgerError) -> ControlReply {
        guard let body = read(length), let response = try? JSONDecoder().decode(ControlResponse.self, from: Data(body)) else {
            throw Self.unreadable
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
