#if canImport(Glibc)
import Glibc
#endif

/// The fuzz smoke that `make test` runs in the ordinary debug build, without libFuzzer: every seed
/// of every target's corpus, then `mutations` inputs mutated from them by a fixed-seed generator,
/// so that a run is the same run everywhere and a crash it finds replays. It finds less than
/// `make fuzz` (no coverage feedback), but it keeps every harness and every seed working.
struct Smoke {
    var corpus: String
    var mutations: Int
    var seed: UInt64
    var targets: [FuzzTarget]

    /// Runs every target; a crash ends the process (`CrashReport` names the input first).
    func run() -> Int {
        var total = 0
        let started = Clock.seconds()
        for target in targets {
            let start = Clock.seconds()
            let seeds = Corpus.read(corpus + "/" + target.name)
            var random = SplitMix(seed: seed ^ UInt64(truncatingIfNeeded: target.name.hashValueStable))
            var runs = 0
            for (name, input) in seeds {
                CrashReport.current(target: target.name, label: "seed \(name)", input: input)
                target.run(input)
                runs += 1
            }
            let pool = seeds.isEmpty ? [[UInt8]()] : seeds.map(\.1)
            for index in 0..<mutations {
                let input = Mutator.mutate(pool[random.below(pool.count)], pool: pool, random: &random)
                CrashReport.current(target: target.name, label: "mutation \(index) of seed \(seed)", input: input)
                target.run(input)
                runs += 1
            }
            total += runs
            print("fuzz smoke: \(target.name): \(seeds.count) seeds + \(mutations) mutations = \(runs) inputs, "
                  + "\(Clock.format(Clock.seconds() - start)) s")
        }
        CrashReport.clear()
        print("fuzz smoke: \(targets.count) targets, \(total) inputs, no crash, \(Clock.format(Clock.seconds() - started)) s")
        return total
    }
}

/// A corpus folder's files, by name, sorted so that runs are alike; none when it does not exist.
enum Corpus {
    static func read(_ directory: String) -> [(String, [UInt8])] {
        guard let stream = opendir(directory) else { return [] }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            if !name.hasPrefix(".") { names.append(name) }
        }
        return names.sorted().compactMap { name in readFile(directory + "/" + name).map { (name, $0) } }
    }

    static func readFile(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            bytes += buffer[0..<count]
        }
        return bytes
    }
}

/// A small deterministic generator (SplitMix64): the smoke's runs must not depend on the machine.
struct SplitMix {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `0..<bound` (`bound` > 0).
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}

extension String {
    /// FNV-1a: `hashValue` is seeded per process, and the smoke must not be.
    var hashValueStable: UInt64 {
        utf8.reduce(0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01B3 }
    }
}

enum Clock {
    static func seconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    static func format(_ seconds: Double) -> String {
        let tenths = Int((seconds * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}
