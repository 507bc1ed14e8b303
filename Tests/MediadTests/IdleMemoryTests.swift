#if canImport(Glibc)
import Glibc
#endif
@testable import MediadCore
import SystemSupport
import Testing

/// What an idle mediad gives back (`IdleMemory`): the code after the guard's marker, within the
/// program's own code mapping, and never the marker's page or anything before it.
@Suite struct IdleMemoryTests {
    static var marker: UInt { IdleMemory.guardCodeEnd }

    @Test func whatIsGivenBackLiesAfterTheMarkerInItsCodeMapping() throws {
        let range = try #require(IdleMemory.beyondGuard)
        let mapping = try #require(ResidentCode.mapping(containing: Self.marker))
        let page = UInt(sysconf(Int32(_SC_PAGESIZE)))
        #expect(range.lowerBound > Self.marker, "the marker's own page is kept")
        #expect(range.lowerBound - Self.marker <= page)
        #expect(range.lowerBound % page == 0)
        #expect(range.upperBound == mapping.end)
    }

    @Test func releasingGivesPagesBackAndTheProgramRunsOn() throws {
        let range = try #require(IdleMemory.beyondGuard)
        let before = try #require(ResidentCode.residentPages(in: range))
        IdleMemory.release()
        let after = try #require(ResidentCode.residentPages(in: range))
        #expect(before > 0, "the tests run code after the marker")
        #expect(after < before, "\(before) pages mapped before, \(after) after")
    }
}
