import Foundation

/// `--name value` pairs after the command word; every value named once, unknown names refused.
struct Options {
    private var values: [String: String] = [:]

    init(_ arguments: ArraySlice<String>) throws(BenchError) {
        var rest = arguments
        while let name = rest.popFirst() {
            guard name.hasPrefix("--"), let value = rest.popFirst() else { throw .usage("expected --name value, got '\(name)'") }
            values[String(name.dropFirst(2))] = value
        }
    }

    func text(_ name: String) throws(BenchError) -> String {
        guard let value = values[name] else { throw .usage("--\(name) is required") }
        return value
    }

    func text(_ name: String, default fallback: String) -> String { values[name] ?? fallback }

    func int(_ name: String, default fallback: Int? = nil) throws(BenchError) -> Int {
        guard let raw = values[name] else {
            guard let fallback else { throw .usage("--\(name) is required") }
            return fallback
        }
        guard let number = Int(raw.replacingOccurrences(of: "_", with: "")) else { throw .usage("--\(name) takes a whole number") }
        return number
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String

    static func usage(_ text: String) -> BenchError { BenchError(description: "usage: \(text)") }
    static func failed(_ text: String) -> BenchError { BenchError(description: text) }
}

/// Writes `value` as JSON on stdout (what bench/unit_bench.py reads) and a line for people on stderr.
func emit<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    FileHandle.standardOutput.write(try encoder.encode(value))
    FileHandle.standardOutput.write(Data("\n".utf8))
}

func say(_ text: String) {
    FileHandle.standardError.write(Data("unit-bench: \(text)\n".utf8))
}

/// Seconds on the monotonic clock.
func now() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

/// Median, percentiles and range of a sample (nearest rank).
struct Spread: Codable {
    var count: Int
    var median: Double
    var p50: Double
    var p90: Double
    var p99: Double
    var min: Double
    var max: Double
    var mean: Double

    init(_ values: [Double]) {
        let sorted = values.sorted()
        count = sorted.count
        func rank(_ p: Double) -> Double {
            guard !sorted.isEmpty else { return 0 }
            let index = Int((p * Double(sorted.count)).rounded(.up)) - 1
            return sorted[Swift.max(0, Swift.min(sorted.count - 1, index))]
        }
        let n = sorted.count
        median = n == 0 ? 0 : n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
        p50 = rank(0.50)
        p90 = rank(0.90)
        p99 = rank(0.99)
        min = sorted.first ?? 0
        max = sorted.last ?? 0
        mean = n == 0 ? 0 : sorted.reduce(0, +) / Double(n)
    }
}
