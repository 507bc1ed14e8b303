// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "mediad",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "mediad", targets: ["mediad"]),
        .executable(name: "mediactl", targets: ["mediactl"]),
        .library(name: "AssetCore", targets: ["AssetCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        .systemLibrary(
            name: "CUdev",
            pkgConfig: "libudev",
            providers: [.apt(["libudev-dev"])]
        ),
        .target(
            name: "AssetCore",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                // The raw SQLite calls of the streamed reports.
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "mediad",
            dependencies: [
                "AssetCore",
                "CUdev",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "mediactl",
            dependencies: [
                "AssetCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "mediad-bench", dependencies: ["AssetCore"]),
        .testTarget(
            name: "AssetCoreTests",
            dependencies: ["AssetCore"]
        ),
        .testTarget(
            name: "MediactlTests",
            dependencies: ["mediactl"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
