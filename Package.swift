// swift-tools-version:6.0
import PackageDescription

/// Release builds of the hot kernels want the host's vector units (AVX2 on x86-64).
/// `FARSIDE_TARGET_CPU` (set by Scripts/setup.sh) names the CPU; unset means the toolchain default.
let targetCPU = Context.environment["FARSIDE_TARGET_CPU"].flatMap { $0.isEmpty ? nil : $0 }
/// The SIMD kernels run up to 170 times slower unoptimised (a 96^2 x 360 horizon cube: 120 s against 0.7 s),
/// which would make the test suite (built in debug) spend its time waiting on them: the kernel modules are
/// optimised in debug builds too.
let optimisedInDebug: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]
let kernelFlags: [SwiftSetting] = targetCPU.map { [.unsafeFlags(["-target-cpu", $0])] } ?? []

let package = Package(
    name: "FarSide",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "farside", targets: ["farside"]),
        .library(name: "FarSideCore", targets: ["FarSideCore"]),
        .library(name: "GeoRaster", targets: ["GeoRaster"]),
        .library(name: "Terrain", targets: ["Terrain"]),
        .library(name: "Ephemeris", targets: ["Ephemeris"]),
        .library(name: "Horizon", targets: ["Horizon"]),
        .library(name: "Visibility", targets: ["Visibility"]),
        .library(name: "Orbits", targets: ["Orbits"]),
        .library(name: "SiteSelection", targets: ["SiteSelection"]),
        .library(name: "Mission", targets: ["Mission"]),
        .library(name: "Batch", targets: ["Batch"]),
        .library(name: "Traverse", targets: ["Traverse"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CGDAL",
            path: "Sources/CGDAL",
            pkgConfig: "gdal",
            providers: [.apt(["libgdal-dev", "libproj-dev"])]
        ),
        // Async-signal-safe clean-up of temporaries on SIGINT/SIGTERM and crashes (C: signal handlers).
        .target(name: "CFarSideSupport"),
        // The GDAL-free core: grids, cell metrics, geotransforms, windows, errors, lane math, constants. The
        // kernels (Horizon, SiteSelection) and the parsers (StrictYAML, Orbits) need nothing else.
        .target(name: "FarSideCore"),
        .target(
            name: "GeoRaster",
            dependencies: ["FarSideCore", "CGDAL", "CFarSideSupport"]
        ),
        .target(
            name: "Terrain",
            dependencies: ["GeoRaster"],
            swiftSettings: kernelFlags + optimisedInDebug
        ),
        .target(name: "Ephemeris"),
        // Compiler builtins for the kernels (software prefetch), as swift-numerics reaches them.
        .target(name: "CKernelShims"),
        .target(name: "Horizon", dependencies: ["FarSideCore", "CKernelShims"], swiftSettings: kernelFlags + optimisedInDebug),
        .target(name: "StrictYAML", dependencies: ["FarSideCore", .product(name: "Yams", package: "Yams")]),
        .target(name: "Orbits", dependencies: ["Ephemeris", "FarSideCore", "StrictYAML", .product(name: "Yams", package: "Yams")]),
        // Route searches (cost distance, earliest arrival in time): pure kernels over grids.
        .target(name: "Traverse", dependencies: ["FarSideCore", "CKernelShims", .product(name: "HeapModule", package: "swift-collections"),
                                                 .product(name: "DequeModule", package: "swift-collections")],
                swiftSettings: kernelFlags + optimisedInDebug),
        .target(name: "SiteSelection", dependencies: ["FarSideCore"], swiftSettings: kernelFlags + optimisedInDebug),
        .target(name: "Mission", dependencies: ["GeoRaster", "Terrain", "Ephemeris", "Horizon", "Visibility", "Orbits",
                                                "SiteSelection", "StrictYAML", "Traverse"]),
        .target(name: "Visibility", dependencies: ["GeoRaster", "Ephemeris", "Horizon"], swiftSettings: kernelFlags + optimisedInDebug),
        .target(name: "Batch", dependencies: ["GeoRaster", "Terrain", "Ephemeris", "Visibility", "Orbits", "Mission"]),
        .target(
            name: "FarSideCLI",
            dependencies: [
                "GeoRaster", "Terrain", "Ephemeris", "Horizon", "Visibility", "Orbits", "Mission", "Batch", "Traverse",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "farside", dependencies: ["FarSideCLI"]),
        .target(name: "TestSupport", dependencies: ["GeoRaster"], path: "Tests/TestSupport"),
        .testTarget(name: "GeoRasterTests", dependencies: ["GeoRaster", "TestSupport"]),
        .testTarget(name: "TerrainTests", dependencies: ["Terrain", "GeoRaster", "TestSupport"]),
        .testTarget(name: "VisibilityTests", dependencies: ["Visibility", "Horizon", "Ephemeris", "GeoRaster", "Orbits", "Terrain", "TestSupport"]),
        .testTarget(name: "MissionTests", dependencies: ["Mission", "Traverse", "StrictYAML", "FarSideCore", "GeoRaster", "TestSupport", "Ephemeris", "Visibility", "farside"]),
        // Kernel tests without GDAL (FarSideCore only); those that need GDAL-made terrain or files are apart.
        .target(name: "HorizonTestSupport", dependencies: ["FarSideCore", "Horizon"], path: "Tests/HorizonTestSupport"),
        .testTarget(name: "SiteSelectionTests", dependencies: ["SiteSelection", "FarSideCore"]),
        .testTarget(name: "OrbitsTests", dependencies: ["Orbits", "Ephemeris", "FarSideCore"]),
        .testTarget(name: "HorizonTests", dependencies: ["Horizon", "FarSideCore", "HorizonTestSupport"]),
        .testTarget(name: "HorizonTerrainTests", dependencies: ["Horizon", "GeoRaster", "Terrain", "HorizonTestSupport"]),
        .testTarget(name: "EphemerisTests", dependencies: ["Ephemeris", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "BatchTests", dependencies: ["Batch", "GeoRaster", "Mission", "Visibility", "Ephemeris", "Orbits", "Terrain", "SiteSelection", "TestSupport"]),
        .testTarget(name: "TraverseTests", dependencies: ["Traverse"]),
        .testTarget(name: "FarSideCoreTests", dependencies: ["FarSideCore"]),
        .testTarget(name: "CLITests", dependencies: ["farside", "GeoRaster", "TestSupport"]),
    ],
    swiftLanguageModes: [.v5]
)
