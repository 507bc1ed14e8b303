#if canImport(Glibc)
import Glibc
#endif

/// Giving the heap's free pages back to the system (glibc's malloc_trim(3)).
///
/// Why: glibc keeps what a thread freed in that thread's arena for its next allocations. A daemon
/// thread that once decoded a large request or printed a report leaves megabytes behind that
/// nothing will use again; the daemons call this where such work ends.
public enum FreeHeap {
    /// Returns the free pages of every arena (the top of the main one, whole free pages elsewhere).
    /// Nothing in use is touched.
    public static func giveBack() {
        _ = malloc_trim(0)
    }
}

/// glibc's malloc_trim(3): <malloc.h> is not part of the Glibc module.
@_silgen_name("malloc_trim")
private func malloc_trim(_ pad: Int) -> Int32
