import Foundation
import TestSupport
import XCTest
@testable import Ephemeris

/// Locations of the shared kernels and the fixtures, relative to this file.
enum TestPaths {
    /// .../Tests/EphemerisTests
    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    /// The repository root (two levels above Tests/EphemerisTests).
    static let repositoryRoot = testsDirectory.deletingLastPathComponent().deletingLastPathComponent()
    /// ../shared/data/kernels next to the repository.
    static let kernels = repositoryRoot.deletingLastPathComponent()
        .appendingPathComponent("shared/data/kernels").standardizedFileURL.path
    static let fixture = testsDirectory.appendingPathComponent("Fixtures/skyfield-moon-me.json").path
}

/// The skyfield fixture file (Scripts/make-ephemeris-fixtures.py).
struct SkyfieldFixture: Decodable {
    struct Row: Decodable {
        let utc: String
        let tdbSecondsPastJ2000: Double
        let icrfToME: [Double]
        let moonBarycentricKm: [Double]
        let sunGeometricKm: [Double]
        let sunApparentKm: [Double]
        let earthGeometricKm: [Double]
        let earthApparentKm: [Double]
    }
    struct Site: Decodable {
        let name: String
        let lat: Double
        let lon: Double
        let heightM: Double
        let utc: String
        let sunElevationDeg: Double
        let sunAzimuthDeg: Double
        let earthElevationDeg: Double
        let earthAzimuthDeg: Double
    }
    let epochs: [Row]
    let topocentric: [Site]

    static func load() throws -> SkyfieldFixture {
        let data = try Data(contentsOf: URL(fileURLWithPath: TestPaths.fixture))
        return try JSONDecoder().decode(SkyfieldFixture.self, from: data)
    }
}

func vec(_ a: [Double]) -> SIMD3<Double> { SIMD3(a[0], a[1], a[2]) }

/// One SpiceEphemeris shared by all tests (loading takes a few tens of milliseconds).
enum SharedSpice {
    static let result: Result<SpiceEphemeris, Error> = Result { try SpiceEphemeris(kernelDirectory: TestPaths.kernels) }

    static func get() throws -> SpiceEphemeris {
        try TestSupport.require(file: TestPaths.kernels, "the SPICE kernels")
        return try result.get()
    }
}

/// Angular difference in degrees.
func angle(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> Double { Vector3.angleDegrees(a, b) }

/// Signed longitude difference folded into -180...180.
func lonDiff(_ a: Double, _ b: Double) -> Double {
    var d = (a - b).truncatingRemainder(dividingBy: 360)
    if d > 180 { d -= 360 }
    if d < -180 { d += 360 }
    return d
}
