#if canImport(Glibc)
import Glibc
#endif
import SystemSupport
import Testing

/// The one retry of interrupted system calls, and the whole-buffer transfers built on it.
@Suite struct DescriptorTests {
    /// A system call that fails with `errors` first (one errno each), then returns `result`.
    final class FakeCall {
        var errors: [Int32]
        var calls = 0
        init(errors: [Int32]) { self.errors = errors }

        func callAgain<R: SignedInteger>(_ result: R) -> R {
            calls += 1
            guard !errors.isEmpty else { return result }
            errno = errors.removeFirst()
            return -1
        }
    }

    @Test func anInterruptedCallIsCalledAgain() {
        let call = FakeCall(errors: [EINTR, EINTR])
        #expect(Descriptor.retryingInterrupts { call.callAgain(Int32(5)) } == 5)
        #expect(call.calls == 3)
    }

    @Test func anyOtherFailureIsReturnedAtOnceWithItsErrno() {
        let call = FakeCall(errors: [EAGAIN])
        #expect(Descriptor.retryingInterrupts { call.callAgain(5) } == -1)
        #expect(errno == EAGAIN)
        #expect(call.calls == 1)
    }

    @Test func transferAllGoesOnAfterShortTransfersAndInterruptions() {
        let bytes: [UInt8] = Array(0..<10)
        var taken: [UInt8] = []
        let call = FakeCall(errors: [EINTR])
        let complete = bytes.withUnsafeBytes { buffer in
            Descriptor.transferAll(buffer) { chunk in
                let count = call.callAgain(min(chunk.count, 3))
                if count > 0 { taken += chunk.prefix(count) }
                return count
            }
        }
        #expect(complete)
        #expect(taken == bytes)
    }

    @Test func transferAllStopsWhenNothingMoreIsTaken() {
        let bytes: [UInt8] = [1, 2, 3]
        #expect(!bytes.withUnsafeBytes { Descriptor.transferAll($0) { _ in 0 } })
        let call = FakeCall(errors: [EPIPE])
        #expect(!bytes.withUnsafeBytes { Descriptor.transferAll($0) { call.callAgain($0.count) } })
        #expect(errno == EPIPE)
    }

    @Test func fillAllReadsThroughAPipeToTheLastByte() throws {
        var ends: [Int32] = [-1, -1]
        try #require(pipe(&ends) == 0)
        defer { close(ends[0]) }
        let sent: [UInt8] = Array("one framed request".utf8)
        let wrote = sent.withUnsafeBytes { bytes in Descriptor.transferAll(bytes) { write(ends[1], $0.baseAddress, $0.count) } }
        #expect(wrote)
        close(ends[1])
        var received = [UInt8](repeating: 0, count: sent.count)
        #expect(received.withUnsafeMutableBytes { buffer in Descriptor.fillAll(buffer) { read(ends[0], $0.baseAddress, $0.count) } })
        #expect(received == sent)
        var more = [UInt8](repeating: 0, count: 1)
        #expect(!more.withUnsafeMutableBytes { buffer in Descriptor.fillAll(buffer) { read(ends[0], $0.baseAddress, $0.count) } },
                "end of stream before the buffer is full")
    }
}
