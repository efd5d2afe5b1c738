import Foundation
import FarSideCore
@testable import SiteSelection
import XCTest

/// SphericalDistance: exact great-circle distances to the nearest target, across a pole included.
final class SphericalDistanceTests: XCTestCase {
    func unit(_ lat: Double, _ lon: Double) -> SIMD3<Double> {
        let p = lat * .pi / 180, l = lon * .pi / 180
        return SIMD3(cos(p) * cos(l), cos(p) * sin(l), sin(p))
    }

    /// A geographic cap 87 S ... 90 S (0.25 deg cells): random targets, every cell against brute force.
    func testMatchesBruteForceOnAPolarCap() {
        let w = 1440, h = 12, R = 1_737_400.0
        var points: [SIMD3<Double>] = []
        for r in 0..<h { for c in 0..<w { points.append(unit(-87 - 0.25 * (Double(r) + 0.5), 0.25 * (Double(c) + 0.5))) } }
        var mask = Grid(width: w, height: h, repeating: 0)
        var generator = SystemRandomNumberGenerator()
        var targets: [SIMD3<Double>] = []
        for _ in 0..<60 {
            let i = Int.random(in: 0..<(w * h), using: &generator)
            mask.values[i] = 1
            targets.append(points[i])
        }
        let d = SphericalDistance.distance(to: mask, points: points, radius: R, threads: 2)
        for i in stride(from: 0, to: w * h, by: 37) {
            let exact = targets.map { t -> Double in
                let dot = max(-1, min(1, (t * points[i]).sum()))
                return R * acos(dot)
            }.min()!
            XCTAssertEqual(Double(d.values[i]), exact, accuracy: max(0.5, exact * 1e-5), "cell \(i)")
        }
        // Across the pole: a single target at 89.875 S, 0.125 E is 0.25 deg (7.6 km) from the cell at
        // 89.875 S, 180.125 E, though 720 columns away in the grid.
        var one = Grid(width: w, height: h, repeating: 0)
        one[h - 1, 0] = 1
        let across = SphericalDistance.distance(to: one, points: points, radius: R)
        XCTAssertEqual(Double(across[h - 1, 720]), R * 0.25 * .pi / 180, accuracy: 5)
    }

    func testNoTargetIsInfinite() {
        let d = SphericalDistance.distance(to: Grid(width: 2, height: 1, repeating: 0), points: [unit(0, 0), unit(0, 1)], radius: 1)
        XCTAssertEqual(d.values, [.infinity, .infinity])
    }
}
