import Foundation

/// unit-bench: many computers of a unit, simulated, speaking the couriers' protocol to a real
/// mediahub (bench/run-unit.sh runs it; see BENCHMARKS.md, "the unit").
///
///   unit-bench enrol     --socket HUB.sock --hub https://127.0.0.1:PORT --ca CERT --state FILE [--computers 5000] [--concurrency 8]
///   unit-bench ingest    --hub URL --ca CERT --state FILE --batch B --events N [--concurrency 64] [--kind device_event|violation]
///   unit-bench propagate --socket HUB.sock --hub URL --ca CERT --state FILE [--couriers 100] [--rounds 5] [--hold-ms 1500]
///   unit-bench micro     [--batch 500] [--rounds 20]   (the hub's per-record steps, timed in process)
///
/// Each command prints its figures as JSON on stdout.
let arguments = CommandLine.arguments.dropFirst()
do {
    guard let command = arguments.first else { throw BenchError.usage("unit-bench enrol|ingest|propagate --name value …") }
    let options = try Options(arguments.dropFirst())
    switch command {
    case "enrol": try await EnrolCommand.run(options)
    case "ingest": try await IngestCommand.run(options)
    case "propagate": try await PropagateCommand.run(options)
    case "micro": try await MicroCommand.run(options)
    default: throw BenchError.usage("unknown command '\(command)'")
    }
} catch {
    FileHandle.standardError.write(Data("unit-bench: \(error)\n".utf8))
    exit(1)
}
