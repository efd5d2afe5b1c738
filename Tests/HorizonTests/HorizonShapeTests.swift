import HorizonTestSupport
import XCTest
import FarSideCore
import Horizon

/// Shapes whose horizons a sampled ray gets wrong and an exact one must not: a single spike seen from
/// every direction, a knife-edge ridge at an odd angle, a crater rim seen from its floor. Expected values
/// are the exact sphere elevation where the geometry gives it, `referenceHorizon` elsewhere.
final class HorizonShapeTests: XCTestCase {
    let R = 1_737_400.0

    /// A 300 m spike on flat ground, seen from 40 cells around it at their own azimuths toward it (rays
    /// through the spike's centre, off every axis): the horizon is the spike's top, exactly.
    func testSpikeFromEveryAzimuth() {
        let n = 81, centre = 40, dx = 20.0
        var g = Grid(width: n, height: n, repeating: 0)
        g[centre, centre] = 300
        var rng = TestRNG(seed: 99)
        var seen = 0
        for _ in 0..<40 {
            let dr = rng.int(61) - 30, dc = rng.int(61) - 30
            if abs(dr) < 2 && abs(dc) < 2 { continue }
            let az = atan2(Double(dc), Double(-dr)) * 180 / .pi     // clockwise from up, toward the spike
            let band = HorizonMap.horizon(g, dx: dx, dy: dx, azimuthDegrees: (az + 360).truncatingRemainder(dividingBy: 360),
                                          observerHeight: 2, radius: R)
            let s = dx * Double(dr * dr + dc * dc).squareRoot()
            let cell = (centre - dr) * n + (centre - dc)           // the observer, dr rows below and dc columns left
            XCTAssertEqual(Double(band[cell]), sphereElevation(s: s, zj: 300, eye: 2), accuracy: 0.002, "offset (\(dr), \(dc))")
            seen += 1
        }
        XCTAssertGreaterThan(seen, 30)
    }

    /// A one-cell knife-edge ridge 150 m high along a line at 37 degrees to the columns, across flat ground:
    /// seen from both sides at many azimuths, the sweep matches the exact reference everywhere.
    func testKnifeEdgeRidgeAtAnOddAngle() {
        let n = 120, dx = 25.0
        var g = Grid(width: n, height: n, repeating: 0)
        let slope = tan(37 * Double.pi / 180)
        for c in 0..<n {
            let r = Int((Double(n) / 2 + (Double(c) - Double(n) / 2) * slope).rounded())
            if r >= 0 && r < n { g[r, c] = 150 }
        }
        var rng = TestRNG(seed: 37)
        var diffs: [Double] = []
        for az in [11.0, 58.3, 101.7, 163.9, 208.2, 251.4, 297.1, 342.6] {
            let band = HorizonMap.horizon(g, dx: dx, dy: dx, azimuthDegrees: az, observerHeight: 0, radius: R)
            for _ in 0..<40 {
                let r = rng.int(n), c = rng.int(n)
                let ref = referenceHorizon(g, dx: dx, dy: dx, row: r, column: c, azimuthDegrees: az, observerHeight: 0, radius: R)
                diffs.append(Double(band[r * n + c]) - ref)
            }
        }
        let stats = ErrorStats(diffs)
        print("knife-edge ridge: \(stats)")
        XCTAssertLessThanOrEqual(stats.max, 0.05)
    }

    /// A simple crater 3 km across at 20 m cells (bowl 600 m deep, rim 120 m above the plain, walls near
    /// 40 degrees): every floor cell's horizon in every direction is the rim, seen from below.
    func testCraterRimSeenFromItsFloor() {
        let n = 200, dx = 20.0, radius = 1500.0
        var g = Grid(width: n, height: n, repeating: 0)
        for r in 0..<n {
            for c in 0..<n {
                let x = (Double(c) - 99.5) * dx, y = (Double(r) - 99.5) * dx
                let q = (x * x + y * y).squareRoot() / radius
                g[r, c] = Float(q < 1 ? -600 + 720 * q * q : 120 * pow(q, -3))
            }
        }
        var rng = TestRNG(seed: 7)
        var diffs: [Double] = []
        for k in 0..<12 {
            let az = Double(k) * 30 + 7.7
            let band = HorizonMap.horizon(g, dx: dx, dy: dx, azimuthDegrees: az, observerHeight: 2, radius: R)
            for _ in 0..<30 {
                let r = 70 + rng.int(60), c = 70 + rng.int(60)        // on the floor
                let ref = referenceHorizon(g, dx: dx, dy: dx, row: r, column: c, azimuthDegrees: az, observerHeight: 2, radius: R)
                XCTAssertGreaterThan(ref, 5)                              // the rim is well above the floor's eye
                diffs.append(Double(band[r * n + c]) - ref)
            }
        }
        let stats = ErrorStats(diffs)
        print("crater rim from the floor: \(stats)")
        XCTAssertLessThanOrEqual(stats.max, 0.01)
    }
}
