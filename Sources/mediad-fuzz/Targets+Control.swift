import AssetCore
import Foundation

/// The control socket's bytes, both ways: a stream of frames (4-byte big-endian length, then a JSON
/// body) as mediad reads requests (`ControlProtocol.decodeRequest`) and as mediactl reads replies
/// (`replyFrame(ofHeader:)`, a `ControlResponse` or a raw report chunk).
extension FuzzTarget {
    static let controlFrame = FuzzTarget(name: "control-frame", summary: "control socket frames, requests and replies (ControlProtocol)") { bytes in
        var offset = 0
        while offset + 4 <= bytes.count {
            let header = Array(bytes[offset..<offset + 4])
            offset += 4
            let requestLength = ControlProtocol.length(ofHeader: header)
            let reply = ControlProtocol.replyFrame(ofHeader: header)
            // The body is what the stream holds of it: a short read ends the stream, as a hang-up does.
            let announced = requestLength ?? 0
            let body = Array(bytes[offset..<min(bytes.count, offset + max(0, announced))])
            offset += body.count
            if announced <= ControlProtocol.maxRequestBytes {
                switch ControlProtocol.decodeRequest(body) {
                case .success(let request): consume(request.call.verb); consume(request.call.permission)
                case .failure(let error): consume(error.description)
                }
            }
            if case .message = reply {
                consume(try? JSONDecoder().decode(ControlResponse.self, from: Data(body)))
            }
        }
    }
}
