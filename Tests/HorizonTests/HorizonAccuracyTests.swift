import XCTest
import GeoRaster
import Horizon

final class HorizonAccuracyTests: XCTestCase {
    static let R = 1_737_400.0

    /// Sweep vs brute force at random (cell, azimuth) pairs.
    func measure(width: Int, height: Int, dx: Double, dy: Double, h: Double, seed: UInt64) -> (half: ErrorStats, fine: ErrorStats) {
        let dem = syntheticLunarDEM(width: width, height: height, dx: dx, dy: dy, seed: seed)
        var rng = TestRNG(seed: seed ^ 0xABCDEF)
        var sweeper = HorizonSweeper(dem: dem, dx: dx, dy: dy, observerHeight: h, radius: Self.R, threads: 2)
        var diffs: [Double] = [], fine: [Double] = []
        for _ in 0..<30 {
            let az = rng.uniform(0, 360)
            let band = sweeper.horizon(azimuthDegrees: az)
            for _ in 0..<120 {
                let r = rng.int(height), c = rng.int(width)
                let ref = bruteForceHorizon(dem, dx: dx, dy: dy, row: r, column: c, azimuthDegrees: az, observerHeight: h, radius: Self.R)
                diffs.append(Double(band[r * width + c]) - ref)
                let refFine = bruteForceHorizon(dem, dx: dx, dy: dy, row: r, column: c, azimuthDegrees: az, observerHeight: h,
                                                radius: Self.R, stepCells: 0.1)
                fine.append(Double(band[r * width + c]) - refFine)
            }
        }
        return (ErrorStats(diffs), ErrorStats(fine))
    }

    /// Prints the error against the half-cell reference (the issue's: bilinear heights every half smaller cell
    /// along the exact ray from the eye at the cell centre + h, exact sphere) and against a 0.1-cell reference.
    /// Asserts the target against the half-cell reference: RMS <= 0.1 and p99 <= 0.5 degrees, |bias| <= 0.06.
    ///
    /// The sweep samples the first `nearCells` (12) smaller-cell sizes of every ray exactly where this reference
    /// does (same half-cell positions, same bilinear weights), so the near field, where the reference's own
    /// sampling convention dominates (the h = 0 slope at half a cell), agrees by construction; beyond it the
    /// exact ray is sampled at the two half-cell samples bracketing each hull tangent, and the ray's last
    /// sample before the DEM edge is taken as the reference takes it. Measured (seeds below): RMS 0.009-0.054,
    /// p99 0.03-0.15 (row-crossing re-evaluation before: RMS 0.037-0.068, p99 0.15-0.33). Against the 0.1-cell reference the h = 0 cases differ by RMS ~0.19: that is the half-cell
    /// sampling itself (the local slope between 0.1 and 0.5 cells on 35-40 degree walls), not the sweep,
    /// so that comparison is printed and only loosely bounded.
    func check(_ name: String, _ s: (half: ErrorStats, fine: ErrorStats)) {
        print("horizon accuracy \(name) vs 0.5-cell reference: \(s.half)")
        print("horizon accuracy \(name) vs 0.1-cell reference: \(s.fine)")
        XCTAssertLessThanOrEqual(s.half.rms, 0.1, name)
        XCTAssertLessThanOrEqual(s.half.p99, 0.5, name)
        XCTAssertLessThanOrEqual(abs(s.half.mean), 0.06, name)
        XCTAssertLessThanOrEqual(s.fine.rms, 0.25, name)
    }

    func testAccuracySquareCellsGround() {
        check("square 20 m, h=0", measure(width: 240, height: 200, dx: 20, dy: 20, h: 0, seed: 11))
    }

    func testAccuracySquareCellsTwoMetres() {
        check("square 20 m, h=2", measure(width: 240, height: 200, dx: 20, dy: 20, h: 2, seed: 12))
    }

    func testAccuracyNonSquareCellsGround() {
        check("non-square 20x35 m, h=0", measure(width: 200, height: 240, dx: 20, dy: 35, h: 0, seed: 13))
    }

    func testAccuracyNonSquareCellsTwoMetres() {
        check("non-square 30x18 m, h=2", measure(width: 220, height: 200, dx: 30, dy: 18, h: 2, seed: 14))
    }

    func testAccuracyCoarseLargeDEM() {
        // 400 m cells over 100 km: curvature matters.
        check("square 400 m, h=2", measure(width: 250, height: 250, dx: 400, dy: 400, h: 2, seed: 15))
    }
}
