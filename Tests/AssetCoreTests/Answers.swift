@testable import AssetCore
import Testing

/// Each answer's payload, nil for every other answer, so that a test takes the one it expects with
/// `#require` (through `answer`): a wrong answer fails the test and names what came back, where
/// an early return on the wrong case would have let the test pass without checking anything.
extension Response {
    var computer: Computer? { if case .computer(let value) = self { value } else { nil } }
    var inventory: InventoryView? { if case .inventory(let value) = self { value } else { nil } }
    var baseline: (baseline: HardwareBaseline, closed: Int)? {
        if case .baseline(let value, let closed) = self { (value, closed) } else { nil }
    }
    var computerHistory: ComputerHistory? { if case .computerHistory(let value) = self { value } else { nil } }
    var peripherals: [Peripheral]? { if case .peripherals(let list) = self { list } else { nil } }
    var computers: [Computer]? { if case .computers(let list) = self { list } else { nil } }
    var people: [Person]? { if case .people(let list) = self { list } else { nil } }
    var departed: (person: Person, stillHeld: [Medium])? {
        if case .departed(let person, let held) = self { (person, held) } else { nil }
    }
    var medium: MediumDetail? { if case .medium(let detail) = self { detail } else { nil } }
    var media: [Medium]? { if case .media(let list) = self { list } else { nil } }
    var movements: [Movement]? { if case .movements(_, let list) = self { list } else { nil } }
    var imported: [String]? { if case .imported(let numbers) = self { numbers } else { nil } }
    var verification: TrailVerification? { if case .verification(let result) = self { result } else { nil } }
    var trail: [TrailEntry]? { if case .trail(let rows) = self { rows } else { nil } }
    var events: [GuardEvent]? { if case .events(let list) = self { list } else { nil } }
    var violations: [ViolationRecord]? { if case .violations(let list) = self { list } else { nil } }
}

/// The payload of the answer the test expects; any other answer fails the test, naming it.
func answer<T>(_ response: Response, _ payload: KeyPath<Response, T?>,
               sourceLocation: SourceLocation = #_sourceLocation) throws -> T {
    try #require(response[keyPath: payload], "unexpected response: \(response)", sourceLocation: sourceLocation)
}

extension Fixture {
    /// Runs `request` and returns the payload of the answer the test expects; any other answer fails
    /// the test, naming it.
    func answer<T>(_ request: Request, _ payload: KeyPath<Response, T?>, as caller: Caller? = nil,
                   sourceLocation: SourceLocation = #_sourceLocation) throws -> T {
        try AssetCoreTests.answer(run(request, as: caller), payload, sourceLocation: sourceLocation)
    }
}
