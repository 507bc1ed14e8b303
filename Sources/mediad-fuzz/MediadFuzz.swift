#if canImport(Glibc)
import Glibc
#endif

// mediad-fuzz: the fuzz harnesses of mediad's decoders of outside bytes (README, "Fuzzing").
//   mediad-fuzz list                         the targets
//   mediad-fuzz smoke [options] [target…]    seeds and seeded mutations, no libFuzzer (make test)
//   mediad-fuzz replay <target> <file>…      one target on the given inputs (a crash found)
//   mediad-fuzz seeds <dir>                  writes the generated seeds (fuzz/corpus/<target>/gen-*)
//   mediad-fuzz fuzz <target> [libFuzzer arguments…]   libFuzzer, in the build `make fuzz` makes

let usage = """
    usage: mediad-fuzz list
           mediad-fuzz smoke [--corpus DIR] [--mutations N] [--seed S] [--crash-dir DIR] [TARGET…]
           mediad-fuzz replay TARGET FILE…
           mediad-fuzz seeds DIR
           mediad-fuzz fuzz TARGET [LIBFUZZER-ARGUMENTS…]   (only when built by `make fuzz`)
    """

func fail(_ message: String) -> Never {
    let line = Array("mediad-fuzz: \(message)\n".utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    exit(2)
}

func target(_ name: String) -> FuzzTarget {
    guard let target = FuzzTarget.named(name) else {
        fail("no target \(name); targets: \(FuzzTarget.all.map(\.name).joined(separator: ", "))")
    }
    return target
}

#if !LIBFUZZER
/// The entry point of the ordinary build. The libFuzzer build has libFuzzer's `main` instead, which
/// hands the command line to `LLVMFuzzerInitialize` (LibFuzzer.swift) first.
@main
enum MediadFuzzMain {
    static func main() {
        MediadFuzz.run(Array(CommandLine.arguments.dropFirst()))
    }
}
#endif

enum MediadFuzz {
    /// Runs a command other than `fuzz`; in the libFuzzer build `fuzz` is libFuzzer's.
    static func run(_ commandLine: [String]) {
        var arguments = commandLine
        let command = arguments.isEmpty ? "" : arguments.removeFirst()
        switch command {
        case "list":
            for target in FuzzTarget.all { print("\(target.name)\t\(target.summary)") }
        case "smoke":
            var smoke = Smoke(corpus: "fuzz/corpus", mutations: 2000, seed: 1, targets: [])
            while let option = arguments.first, option.hasPrefix("--") {
                arguments.removeFirst()
                guard let value = arguments.first else { fail("\(option) needs a value") }
                arguments.removeFirst()
                switch option {
                case "--corpus": smoke.corpus = value
                case "--mutations":
                    guard let count = Int(value), count >= 0 else { fail("--mutations \(value): not a count") }
                    smoke.mutations = count
                case "--seed":
                    guard let seed = UInt64(value) else { fail("--seed \(value): not a number") }
                    smoke.seed = seed
                case "--crash-dir": CrashReport.directory = value
                default: fail("unknown option \(option)\n\(usage)")
                }
            }
            smoke.targets = arguments.isEmpty ? FuzzTarget.all : arguments.map(target)
            // Run from elsewhere, the smoke would quietly have no seeds: it is run from the tree's top.
            guard access(smoke.corpus, R_OK) == 0 else { fail("no corpus at \(smoke.corpus); run from the top of the tree or pass --corpus") }
            CrashReport.install()
            _ = smoke.run()
            Scratch.cleanUp()
        case "replay":
            guard !arguments.isEmpty else { fail(usage) }
            let chosen = target(arguments.removeFirst())
            CrashReport.install()
            for path in arguments {
                guard let input = Corpus.readFile(path) else { fail("cannot read \(path)") }
                CrashReport.current(target: chosen.name, label: "replay of \(path)", input: input)
                chosen.run(input)
                print("\(chosen.name): \(path): \(input.count) bytes, no crash")
            }
            CrashReport.clear()
            Scratch.cleanUp()
        case "seeds":
            guard arguments.count == 1 else { fail(usage) }
            Seeds.write(to: arguments[0])
        case "fuzz":
            fail("this mediad-fuzz was built without libFuzzer; run `make fuzz`, which builds one in .build-fuzz")
        default:
            fail(usage)
        }
    }
}
