import SystemSupport

/// What mediad gives back once a piece of work other than guarding is done, so that an idle guard
/// holds about what the guard needs, enrolled in a unit or not (issue 15: "mediad's idle memory
/// unchanged by the sync path").
///
/// Two things stay behind such work. The heap it freed: a change set or snapshot is decoded,
/// checked and applied on a connection's thread, and glibc keeps what it freed in that thread's
/// arena (an enrolled mediad that had applied a snapshot of 5,001 computers kept 8.9 MiB of free
/// heap: idle at 30.1 MiB VmRSS, 21.5 MiB with `malloc_trim`; medians of 3 runs of
/// bench/unit_bench.py's idle step). And the code it ran: the unit's code (enrolment, the replica's
/// apply, signing records, the held outbox call) stayed mapped, 1.1 MiB of the binary. The link
/// order (link/mediad.order, bench/order.py) lays out the guard's code first and ends it with
/// `mediad_guard_code_end`; everything after it is dropped from the page tables here
/// (`ResidentCode`) and mapped again when it next runs.
///
/// Called when mediad is ready (what starting ran), as each held outbox call goes to sleep, and
/// after a control request (a unit change applied, say) once no other is worked on or waiting
/// (`ControlListener.afterEach`; a flood keeps the gate busy and runs it seldom): the moments a
/// guard goes idle, enrolled or not. Nothing the guard decides by is touched: only free heap, and
/// code pages the file holds. One call costs about 0.1 ms (most of it the page-table walk).
enum IdleMemory {
    /// The code pages after the guard's; nil when the marker is not in a file-backed code mapping
    /// (then only the heap is given back).
    static let beyondGuard: Range<UInt>? = {
        guard let mapping = ResidentCode.mapping(containing: guardCodeEnd) else { return nil }
        return ResidentCode.pages(of: mapping, from: guardCodeEnd)
    }()

    /// The marker's address (taken here, in the module that defines it: a C function pointer made
    /// elsewhere would define the C symbol a second time).
    static var guardCodeEnd: UInt {
        let marker: @convention(c) () -> Void = mediadGuardCodeEnd
        return UInt(bitPattern: unsafeBitCast(marker, to: Int.self))
    }

    static func release() {
        FreeHeap.giveBack()
        if let beyondGuard { ResidentCode.release(beyondGuard) }
    }
}

/// Marks where the guard's code ends in mediad's text: link/mediad.order names it right after the
/// functions the guard runs (bench/order.py), so `IdleMemory` knows which pages to keep. Its body
/// is never run; only its address is used.
@_cdecl("mediad_guard_code_end")
func mediadGuardCodeEnd() {}
