// swift-tools-version:6.0
import PackageDescription

/// How the executables are linked on Linux. Idle memory (bench/findings.md, section 5), measured on
/// mediad's static release build: lld packs the ~90,000 relative relocations into DT_RELR (2 MB of
/// .rela.dyn that the loader reads at every start → 17 KB; needs glibc 2.36, and older glibc refuses
/// such a binary outright), and --no-export-dynamic undoes the toolchain's -export-dynamic for
/// static-stdlib links (1 MB of dynamic symbols nobody looks up): VmRSS 23,016 → 20,160 kB. gold,
/// the default, can do neither, and warns about the static Foundation's use of mktemp.
let leanLinking: [LinkerSetting] = [
    .unsafeFlags(["-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs", "-Xlinker", "--no-export-dynamic"],
                 .when(platforms: [.linux])),
]

let package = Package(
    name: "mediad",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "mediad", targets: ["mediad"]),
        .executable(name: "mediactl", targets: ["mediactl"]),
        .executable(name: "mediahub", targets: ["mediahub"]),
        .executable(name: "mediad-sync", targets: ["mediad-sync"]),
        .library(name: "AssetCore", targets: ["AssetCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        // The unit: the hub's PostgreSQL, its HTTPS endpoint for the couriers, the courier's client.
        // None of them is linked into mediad, which opens no IP socket.
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        .systemLibrary(
            name: "CUdev",
            pkgConfig: "libudev",
            providers: [.apt(["libudev-dev"])]
        ),
        // What the system gives and the rules do not decide: threads, user-database look-ups, socket
        // addresses. No dependencies, so AssetCore stays the brain and the three parts share it.
        .target(name: "SystemSupport"),
        .target(
            name: "AssetCore",
            dependencies: [
                "SystemSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                // The raw SQLite calls of the streamed reports.
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Reading the hardware: libudev and sysfs (`UdevContext`, `Sysfs`, what the guard reads and
        // writes devices through) and this computer's inventory from them and /proc. The daemon
        // watches the inventory and mediactl registers it, so it belongs to neither.
        .target(name: "HardwareProbe", dependencies: ["AssetCore", "SystemSupport", "CUdev"]),
        // The control socket's security, shared by mediad and mediahub so that both serve mediactl
        // the same way: peer credentials from the kernel, roles from Unix groups, deny by default,
        // a thread per connection with read timeouts, bounded connections, streamed listings.
        .target(
            name: "ControlSocket",
            dependencies: [
                "AssetCore",
                "SystemSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The daemon's logic, a library so that it is tested in-process; `mediad` is its thin main.
        .target(
            name: "MediadCore",
            dependencies: [
                "AssetCore",
                "SystemSupport",
                "ControlSocket",
                "CUdev",
                "HardwareProbe",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "mediad",
            dependencies: ["MediadCore"],
            linkerSettings: leanLinking
        ),
        .executableTarget(
            name: "mediactl",
            dependencies: [
                "AssetCore",
                "SystemSupport",
                "HardwareProbe",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            linkerSettings: leanLinking
        ),
        // The unit ledger in PostgreSQL: migrations, the mirrored ledger rows and their versions, change
        // sets, enrolled computers, the computers' records and receipts.
        .target(
            name: "HubStore",
            dependencies: [
                "AssetCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The hub: the unit ledger's rules (AssetCore's service over a working copy whose every commit
        // is first written to PostgreSQL), mediactl's Unix socket and the couriers' HTTPS endpoint.
        .target(
            name: "HubCore",
            dependencies: [
                "AssetCore",
                "SystemSupport",
                "ControlSocket",
                "HubStore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(name: "mediahub", dependencies: ["HubCore"]),
        // The courier: unprivileged, between mediad's control socket and the hub's HTTPS endpoint.
        .target(
            name: "SyncCore",
            dependencies: [
                "AssetCore",
                "SystemSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(name: "mediad-sync", dependencies: ["SyncCore"]),
        .executableTarget(name: "mediad-bench", dependencies: ["AssetCore"], linkerSettings: leanLinking),
        // The fuzz harnesses (fuzz/README.md): `make test` runs their smoke from the ordinary build,
        // `make fuzz` builds them again with libFuzzer (-sanitize=fuzzer -DLIBFUZZER) in .build-fuzz.
        .executableTarget(name: "mediad-fuzz", dependencies: ["AssetCore", "HardwareProbe", "MediadCore"]),
        // The unit's load generator (bench/run-unit.sh): thousands of computers speaking the couriers'
        // protocol to a real mediahub.
        .executableTarget(name: "unit-bench", dependencies: ["AssetCore", "SyncCore",
                                                             .product(name: "AsyncHTTPClient", package: "async-http-client"),
                                                             .product(name: "NIOSSL", package: "swift-nio-ssl")]),
        .testTarget(
            name: "SystemSupportTests",
            dependencies: ["SystemSupport"]
        ),
        .testTarget(
            name: "AssetCoreTests",
            dependencies: ["AssetCore"]
        ),
        .testTarget(
            name: "MediactlTests",
            // ControlSocket: mediactl --hub is tested against the listener mediahub serves with.
            dependencies: ["mediactl", "ControlSocket"]
        ),
        .testTarget(
            name: "HubTests",
            dependencies: ["HubStore", "HubCore", "SyncCore", "AssetCore"]
        ),
        .testTarget(
            name: "MediadTests",
            dependencies: ["MediadCore", "ControlSocket", "AssetCore", "HardwareProbe"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
