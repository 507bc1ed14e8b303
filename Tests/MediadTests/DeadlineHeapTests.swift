@testable import MediadCore
import Testing

/// The executor's timers: due jobs come out earliest first, ties in the order they were added, and
/// nothing before its deadline.
@Suite struct DeadlineHeapTests {
    @Test func dueJobsComeOutEarliestFirstTiesInArrivalOrder() {
        var heap = DeadlineHeap<String>()
        for (name, deadline) in [("c", 30), ("a", 10), ("b1", 20), ("d", 40), ("b2", 20), ("e", 50)] as [(String, UInt64)] {
            heap.push(name, deadline: deadline)
        }
        #expect(heap.earliest == 10)
        var out: [String] = []
        while let job = heap.popDue(asOf: 30) { out.append(job) }
        #expect(out == ["a", "b1", "b2", "c"])
        #expect(heap.earliest == 40, "the loop sleeps until the next deadline")
        #expect(heap.popDue(asOf: 39) == nil)
        #expect(heap.popDue(asOf: UInt64.max) == "d")
        #expect(heap.popDue(asOf: UInt64.max) == "e")
        #expect(heap.earliest == nil)
    }

    @Test func manyTimersStayInOrder() {
        var heap = DeadlineHeap<Int>()
        // A fixed scramble of 0..<500 (multiplying by a unit modulo 500).
        for index in 0..<500 { heap.push(index * 7 % 500, deadline: UInt64(index * 7 % 500)) }
        var out: [Int] = []
        while let job = heap.popDue(asOf: 1_000) { out.append(job) }
        #expect(out == Array(0..<500))
    }
}
