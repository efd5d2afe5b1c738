// swift-tools-version:6.1
// FarSide's benchmarks (package-benchmark), kept out of the main package so `swift test` does not
// build the benchmark harness. Run: cd Benchmarks && swift package benchmark
import Foundation
import PackageDescription

/// A path dependency is named after its folder (the clone's name), so derive it.
let farSide = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent.lowercased()

let package = Package(
    name: "FarSideBenchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/package-benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // Plain executable for Scripts/compare-numpy-scorer.py (scores raw layer files, prints kernel time).
        .executableTarget(
            name: "scorebench",
            dependencies: [
                .product(name: "SiteSelection", package: farSide),
                .product(name: "GeoRaster", package: farSide),
            ],
            path: "Benchmarks/ScoreBench"
        ),
        .executableTarget(
            name: "TerrainBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "Terrain", package: farSide),
                .product(name: "GeoRaster", package: farSide),
            ],
            path: "Benchmarks/TerrainBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
        .executableTarget(
            name: "HorizonBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "Horizon", package: farSide),
                .product(name: "Terrain", package: farSide),
                .product(name: "GeoRaster", package: farSide),
            ],
            path: "Benchmarks/HorizonBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
        .executableTarget(
            name: "TraverseBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "Traverse", package: farSide),
                .product(name: "FarSideCore", package: farSide),
            ],
            path: "Benchmarks/TraverseBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
    ]
)
