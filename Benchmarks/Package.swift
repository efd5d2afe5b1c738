// swift-tools-version:6.1
// FarSide's benchmarks (package-benchmark), kept out of the main package so `swift test` does not
// build the benchmark harness. Run: cd Benchmarks && swift package benchmark
import Foundation
import PackageDescription

/// A path dependency is named after its folder (the clone's name), so derive it.
let farSide = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent.lowercased()

/// A package-benchmark executable in Benchmarks/NAME using FarSide's `products`.
func benchmarkTarget(_ name: String, using products: [String]) -> Target {
    .executableTarget(
        name: name,
        dependencies: [.product(name: "Benchmark", package: "package-benchmark")] + products.map { .product(name: $0, package: farSide) },
        path: "Benchmarks/\(name)",
        plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
    )
}

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
        benchmarkTarget("TerrainBenchmarks", using: ["Terrain", "GeoRaster"]),
        benchmarkTarget("HorizonBenchmarks", using: ["Horizon", "Terrain", "GeoRaster"]),
        benchmarkTarget("TraverseBenchmarks", using: ["Traverse", "FarSideCore"]),
    ]
)
