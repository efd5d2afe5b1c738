import Foundation
@testable import Visibility
import XCTest

/// The chunked darkness scan (whole-chunk skips, runs kept in registers, best taken before a run ends)
/// against the plain per-lane, per-step definition, and the fast disc fraction against libm's.
final class DarknessScanTests: XCTestCase {
    func testChunkedScanEqualsPlainLoop() {
        let L = DarknessScan.lanes
        for seed in 1...6 as ClosedRange<UInt64> {
            var rng = SplitMixTest(seed: seed)
            let K = [4, 36, 360][Int(seed) % 3]
            // Thresholds alike across lanes (as in a compact chunk) plus per-lane noise; some lanes equal.
            var theta = [Float](repeating: 0, count: (K + 1) * L)
            for k in 0..<K {
                let base = rng.next(-0.05, 0.05)
                for lane in 0..<L { theta[k * L + lane] = Float(base + rng.next(-0.004, 0.004)) }
                theta[k * L + 5] = theta[k * L + 4]
            }
            for lane in 0..<L { theta[K * L + lane] = theta[lane] }
            // Steps in slowly drifting bins, tops sweeping through the thresholds: long bright and dark
            // stretches (whole-chunk skips) and mixed steps; some tops exactly at a threshold.
            var steps: [SunStep] = []
            var azimuth = rng.next(0, Double(K))
            for t in 0..<5000 {
                azimuth = (azimuth + rng.next(0, 0.3)).truncatingRemainder(dividingBy: Double(K))
                let bin = Int(azimuth), weight = Float(azimuth - Double(bin))
                var top = Float(0.08 * sin(Double(t) / 150) + rng.next(-0.01, 0.01))
                if t % 97 == 0 { top = theta[bin * L + 3] }
                steps.append(SunStep(top: top, weight: t % 89 == 0 ? 0 : weight, bin: Int32(bin)))
            }
            var hi = [Float](repeating: 0, count: K), lo = hi, longest = [Float](repeating: -1, count: L)
            theta.withUnsafeBufferPointer { th in
                DarknessScan.bounds(theta: th.baseAddress!, bins: K, hi: &hi, lo: &lo)
                steps.withUnsafeBufferPointer { s in
                    DarknessScan.longestRuns(theta: th.baseAddress!, hi: hi, lo: lo, steps: s, longest: &longest)
                }
            }
            let reference = theta.withUnsafeBufferPointer { DarknessScan.longestRunsReference(theta: $0.baseAddress!, steps: steps) }
            XCTAssertEqual(longest, reference, "seed \(seed)")
            XCTAssertGreaterThan(reference.max()!, 0)
        }
    }

    func testAllDarkAndAllBrightWindows() {
        let L = DarknessScan.lanes, K = 8
        let theta = [Float](repeating: 0.01, count: (K + 1) * L)
        var hi = [Float](repeating: 0, count: K), lo = hi, longest = [Float](repeating: 0, count: L)
        for (top, expected) in [(Float(-0.5), Float(300)), (0.5, 0)] {
            let steps = (0..<300).map { SunStep(top: top, weight: 0.25, bin: Int32($0 % K)) }
            theta.withUnsafeBufferPointer { th in
                DarknessScan.bounds(theta: th.baseAddress!, bins: K, hi: &hi, lo: &lo)
                steps.withUnsafeBufferPointer { DarknessScan.longestRuns(theta: th.baseAddress!, hi: hi, lo: lo, steps: $0, longest: &longest) }
            }
            XCTAssertEqual(longest, [Float](repeating: expected, count: L))
        }
    }

    func testFastDiscFractionMatchesLibm() {
        var worst = 0.0
        for i in -20_001...20_001 {
            let x = Double(i) / 20_000
            worst = max(worst, abs(SolarDisc.visibleFractionFast(x) - SolarDisc.visibleFraction(x)))
        }
        XCTAssertLessThan(worst, 1e-14)
    }
}
