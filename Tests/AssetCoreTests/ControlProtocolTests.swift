@testable import AssetCore
import Foundation
import Testing

@Suite struct ControlProtocolTests {
    @Test func reportChunksAreTellableFromMessages() throws {
        let header = ControlProtocol.reportChunkHeader(count: 65_536)
        #expect(header == [0x80, 0x01, 0x00, 0x00])
        #expect(ControlProtocol.replyFrame(ofHeader: header) == .chunk(65_536))
        #expect(ControlProtocol.replyFrame(ofHeader: ControlProtocol.reportChunkHeader(count: 0)) == .chunk(0))
        let message = try ControlProtocol.frame(ControlResponse(reply: .finished))
        #expect(ControlProtocol.replyFrame(ofHeader: Array(message.prefix(4))) == .message(message.count - 4))
    }

    @Test func oversizedFramesAreRefusedBeforeTheyAreRead() {
        #expect(ControlProtocol.replyFrame(ofHeader: ControlProtocol.reportChunkHeader(count: ControlProtocol.maxChunkBytes + 1)) == nil)
        #expect(ControlProtocol.replyFrame(ofHeader: [0x7F, 0xFF, 0xFF, 0xFF]) == nil)
        #expect(ControlProtocol.replyFrame(ofHeader: [0x00, 0x01]) == nil)
        // A request header with the raw bit is no valid request: its length is far over the limit.
        #expect(ControlProtocol.length(ofHeader: [0x80, 0, 0, 4])! > ControlProtocol.maxRequestBytes)
    }

    @Test func aReportCallKeepsTheListingsRoleCheck() throws {
        let call = ControlCall.report(ReportCall(listing: .violations(ViolationFilter()), format: .table, language: .zh))
        #expect(call.permission == Request.violationsList(ViolationFilter()).permission)
        #expect(call.verb == "violations list")
        let decoded = try JSONDecoder().decode(ControlCall.self, from: JSONEncoder().encode(call))
        #expect(decoded == call)
    }
}
