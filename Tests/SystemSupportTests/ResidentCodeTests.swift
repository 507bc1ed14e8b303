#if canImport(Glibc)
import Glibc
#endif
import SystemSupport
import Testing

/// Code pages given back (`ResidentCode`): what mediad drops once work other than guarding is done
/// must be code read from a file, and must run again afterwards with nothing lost.
@Suite struct ResidentCodeTests {
    /// An address in this test binary's code.
    static var someCode: UInt {
        let function: @convention(c) (Int32) -> Int32 = { $0 &* 3 &+ 1 }
        return UInt(bitPattern: unsafeBitCast(function, to: Int.self))
    }

    @Test func theCodeOfThisProgramIsAFileMapping() throws {
        let mapping = try #require(ResidentCode.mapping(containing: Self.someCode))
        #expect(mapping.start <= Self.someCode && Self.someCode < mapping.end)
        #expect(mapping.path.hasPrefix("/"), "code mapped from a file, named by its path")
    }

    @Test func heapAndStackAreNotCode() throws {
        let heap = UnsafeMutableRawPointer.allocate(byteCount: 64, alignment: 8)
        defer { heap.deallocate() }
        #expect(ResidentCode.mapping(containing: UInt(bitPattern: heap)) == nil)
        var local = 0
        withUnsafeMutablePointer(to: &local) { #expect(ResidentCode.mapping(containing: UInt(bitPattern: $0)) == nil) }
        #expect(ResidentCode.mapping(containing: 0) == nil)
    }

    @Test func pagesStartAtTheNextWholePage() throws {
        let size = UInt(sysconf(Int32(_SC_PAGESIZE)))
        let mapping = ResidentCode.Mapping(start: 10 * size, end: 20 * size, path: "/x")
        #expect(ResidentCode.pages(of: mapping, from: 12 * size) == 12 * size..<20 * size)
        #expect(ResidentCode.pages(of: mapping, from: 12 * size + 1) == 13 * size..<20 * size)
        #expect(ResidentCode.pages(of: mapping, from: 5 * size) == 10 * size..<20 * size)
        #expect(ResidentCode.pages(of: mapping, from: 19 * size + 1) == nil)
    }

    /// The whole of this program's code dropped from the page tables while it runs: the pages
    /// leave its RSS and come back as it runs on, computing what it computed before.
    @Test func releasedCodeLeavesTheResidentSetAndStillRuns() throws {
        let mapping = try #require(ResidentCode.mapping(containing: Self.someCode))
        let all = mapping.start..<mapping.end
        let before = try #require(ResidentCode.residentPages(in: all))
        #expect(before > 16, "a running test binary has code mapped")
        #expect(ResidentCode.release(all))
        let after = try #require(ResidentCode.residentPages(in: all))
        // What runs between the release and the count (this test, the counting, the test runner's
        // other threads) maps some of it again, a few 64 KiB windows, far from all of it.
        #expect(after < before / 2, "released \(before) pages, \(after) mapped again at once")
        let function: @convention(c) (Int32) -> Int32 = { $0 &* 3 &+ 1 }
        #expect(function(14) == 43)
    }

    @Test func anEmptyRangeIsNotReleased() {
        #expect(!ResidentCode.release(0..<0))
        #expect(ResidentCode.residentPages(in: 0..<0) == 0)
    }
}
