import XCTest
import GeoRaster
import Horizon
import Terrain

/// The sweep against `referenceHorizon` (a 0.05-cell march along the exact ray with its local maxima
/// refined, exact sphere, Double; it shares neither the sweep's hulls nor its closed-form piece maxima) on
/// rugged terrain: FarSide's own south-polar synthetic at 20 m (crater walls of hundreds of metres per
/// cell), the fBm-and-craters terrain with non-square cells, and 400 m cells over 100 km (curvature).
/// Random cells, random azimuths that are not multiples of 45 degrees, observers at 0 and 2 m; about
/// 11,000 cell-azimuths in all. Targets (issue 18): RMS <= 0.03, p99 <= 0.15, max <= 1, |mean| <= 0.01
/// degrees; the near field (horizon within 3 cells) is reported separately.
final class HorizonAccuracyTests: XCTestCase {
    static let R = 1_737_400.0

    struct Measured { var all: ErrorStats; var near: ErrorStats }

    func measure(_ dem: Grid, dx: Double, dy: Double, h: Double, seed: UInt64, azimuths: Int, cellsPerAzimuth: Int) -> Measured {
        var rng = TestRNG(seed: seed ^ 0xABCDEF)
        var sweeper = HorizonSweeper(dem: dem, dx: dx, dy: dy, observerHeight: h, radius: Self.R, threads: 2)
        var diffs: [Double] = [], near: [Double] = []
        for _ in 0..<azimuths {
            var az = rng.uniform(0, 360)
            while abs(az / 45 - (az / 45).rounded()) * 45 < 0.5 { az = rng.uniform(0, 360) }
            let band = sweeper.horizon(azimuthDegrees: az)
            for _ in 0..<cellsPerAzimuth {
                let r = rng.int(dem.height), c = rng.int(dem.width)
                let ref = referenceHorizonAndDistance(dem, dx: dx, dy: dy, row: r, column: c, azimuthDegrees: az,
                                                      observerHeight: h, radius: Self.R)
                if ref.degrees.isNaN { continue }
                let d = Double(band[r * dem.width + c]) - ref.degrees
                diffs.append(d)
                if abs(d) > 0.3 { print(String(format: "horizon accuracy: large error at row %d column %d azimuth %.4f: %.3f vs %.3f", r, c, az, band[r * dem.width + c], ref.degrees)) }
                if ref.distance <= 3 * min(dx, dy) { near.append(d) }
            }
        }
        return Measured(all: ErrorStats(diffs), near: ErrorStats(near))
    }

    func check(_ name: String, _ m: Measured) {
        print("horizon accuracy \(name): \(m.all)")
        print("horizon accuracy \(name), horizon within 3 cells: \(m.near)")
        XCTAssertLessThanOrEqual(m.all.rms, 0.03, name)
        XCTAssertLessThanOrEqual(m.all.p99, 0.15, name)
        XCTAssertLessThanOrEqual(m.all.max, 1, name)
        XCTAssertLessThanOrEqual(abs(m.all.mean), 0.01, name)
        XCTAssertLessThanOrEqual(m.near.max, 1, name)
    }

    func southPole(size: Int, seed: UInt64) throws -> Grid {
        try TerrainSynthesizer(preset: .southPole, size: size, resolution: 20, seed: seed).generate().grid
    }

    func testRuggedSouthPoleTwoMetres() throws {
        check("south-pole 20 m, seed 7, h=2", measure(try southPole(size: 320, seed: 7), dx: 20, dy: 20, h: 2, seed: 21,
                                                     azimuths: 20, cellsPerAzimuth: 120))
    }

    func testRuggedSouthPoleGround() throws {
        check("south-pole 20 m, seed 11, h=0", measure(try southPole(size: 288, seed: 11), dx: 20, dy: 20, h: 0, seed: 22,
                                                      azimuths: 20, cellsPerAzimuth: 120))
    }

    func testRuggedSouthPoleOtherSeedTwoMetres() throws {
        check("south-pole 20 m, seed 3, h=2", measure(try southPole(size: 256, seed: 3), dx: 20, dy: 20, h: 2, seed: 23,
                                                     azimuths: 20, cellsPerAzimuth: 120))
    }

    func testNonSquareCellsGround() {
        let dem = syntheticLunarDEM(width: 200, height: 240, dx: 20, dy: 35, seed: 13)
        check("fBm 20x35 m, h=0", measure(dem, dx: 20, dy: 35, h: 0, seed: 13, azimuths: 16, cellsPerAzimuth: 120))
    }

    func testNonSquareCellsTwoMetres() {
        let dem = syntheticLunarDEM(width: 220, height: 200, dx: 30, dy: 18, seed: 14)
        check("fBm 30x18 m, h=2", measure(dem, dx: 30, dy: 18, h: 2, seed: 14, azimuths: 16, cellsPerAzimuth: 120))
    }

    func testCoarseLargeDEM() {
        // 400 m cells over 100 km: curvature matters.
        let dem = syntheticLunarDEM(width: 250, height: 250, dx: 400, dy: 400, seed: 15)
        check("fBm 400 m, h=2", measure(dem, dx: 400, dy: 400, h: 2, seed: 15, azimuths: 16, cellsPerAzimuth: 120))
    }

    /// The cell of the issue: seed 7, 1024 x 1024 at 20 m, row 1007, column 361, grid azimuth 20 degrees,
    /// observer 2 m. A crater rim 1.35 km away, 556 m above the cell: 22.34 degrees by the issue's march
    /// (22.38 with the crest refined); the sweep gave 15.47 when it read the ray only beside its line's
    /// tangent.
    func testIssueCellOnRuggedPolarTerrain() throws {
        let dem = try southPole(size: 1024, seed: 7)
        let band = HorizonMap.horizon(dem, dx: 20, dy: 20, azimuthDegrees: 20, observerHeight: 2, radius: Self.R, threads: 2)
        let ref = referenceHorizon(dem, dx: 20, dy: 20, row: 1007, column: 361, azimuthDegrees: 20, observerHeight: 2, radius: Self.R)
        XCTAssertEqual(ref, 22.34, accuracy: 0.06)
        XCTAssertEqual(Double(band[1007 * 1024 + 361]), ref, accuracy: 0.01)
    }
}
