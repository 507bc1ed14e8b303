import Dispatch
import Synchronization

/// How many requests a daemon works on at once, whatever the number of connections it serves.
///
/// A connection's thread spends most of its life asleep (waiting for the request's bytes, for a
/// slow reader, for a stream's next event); what costs the processor is decoding, the ledger's
/// reads and encoding the reply. mediad passes that part through a gate one request wide: a flood
/// of `status` from every user the socket admits then keeps at most one of mediad's threads busy
/// for it, at the daemon's own priority, and the guard's threads find a core at once. Without the
/// gate, up to 64 connection threads were runnable beside them and mediad spent 1.1 cores on a
/// flood of 7,300 requests a second; the decisions' p99 was ten times the quiet one
/// (bench/findings.md, floods). Lowering the connection threads' priority instead made it worse:
/// a thread preempted while holding what the process shares kept the guard waiting.
///
/// Whatever may block for long leaves the gate first: a reply the socket does not take at once, a
/// streamed listing, `watch`, a held call (`ControlConnection`).
public final class RequestGate: Sendable {
    private let slots: DispatchSemaphore
    private let waiting = Atomic<Int>(0)
    private let inside = Atomic<Int>(0)

    /// Requests waiting for their turn now.
    public var queued: Int { waiting.load(ordering: .relaxed) }

    /// No request is worked on or waiting now.
    public var isIdle: Bool { inside.load(ordering: .relaxed) == 0 && waiting.load(ordering: .relaxed) == 0 }

    /// - Parameter width: requests worked on at once.
    public init(width: Int) {
        precondition(width > 0, "a gate lets at least one request through")
        slots = DispatchSemaphore(value: width)
    }

    /// Takes a place, waiting at most `seconds`; false when none came free meanwhile.
    func enter(waitingAtMost seconds: Int) -> Bool {
        waiting.add(1, ordering: .relaxed)
        defer { waiting.subtract(1, ordering: .relaxed) }
        guard slots.wait(timeout: .now() + .seconds(seconds)) == .success else { return false }
        inside.add(1, ordering: .relaxed)
        return true
    }

    func leave() {
        inside.subtract(1, ordering: .relaxed)
        slots.signal()
    }
}

/// One request's place in a `RequestGate`, given back once: by whatever part of the answer may
/// block first, or by the listener when the responder returns. Used on its connection's thread only.
final class GatePass: @unchecked Sendable {
    private var gate: RequestGate?

    init(_ gate: RequestGate) { self.gate = gate }

    func leave() {
        gate?.leave()
        gate = nil
    }
}
