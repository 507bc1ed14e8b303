#if LIBFUZZER
#if canImport(Glibc)
import Glibc
#endif

// libFuzzer's side, in the build `make fuzz` makes (`-sanitize=fuzzer -DLIBFUZZER`): libFuzzer
// links its own `main`, which calls `LLVMFuzzerInitialize` with the command line before it reads
// its flags, then `LLVMFuzzerTestOneInput` for every input.

/// The target `fuzz <target>` chose: a C callback carries no context.
nonisolated(unsafe) private var selected: FuzzTarget?

/// `mediad-fuzz fuzz <target> [libFuzzer flags and corpus folders…]`: takes `fuzz <target>` off the
/// command line libFuzzer goes on to read. Any other command runs here and ends the process.
@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(_ argc: UnsafeMutablePointer<Int32>,
                             _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>) -> Int32 {
    let count = Int(argc.pointee)
    let arguments = (1..<max(count, 1)).map { String(cString: argv.pointee[$0]!) }
    guard arguments.first == "fuzz" else {
        MediadFuzz.run(arguments)
        Scratch.cleanUp()
        exit(0)
    }
    guard arguments.count >= 2 else { fail(usage) }
    selected = target(arguments[1])
    // Swift's crash handler (the backtracer) holds these signals from the start, and libFuzzer
    // leaves a signal that has a handler alone: a crash would then be reported by Swift, the input
    // neither saved nor counted. Back to the default, libFuzzer installs its own after this call.
    for number in [SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGSEGV] { signal(number, SIG_DFL) }
    // argv[0] stays; `fuzz <target>` go: libFuzzer sees only its own flags and folders.
    let vector = argv.pointee
    for index in 1..<(count - 2) { vector[index] = vector[index + 2] }
    vector[count - 2] = nil
    argc.pointee = Int32(count - 2)
    atexit { Scratch.cleanUp() }
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = size == 0 || data == nil ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    selected?.run(bytes)
    return 0
}
#endif
