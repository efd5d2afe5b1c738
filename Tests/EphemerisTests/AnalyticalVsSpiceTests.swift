import Foundation
import XCTest
@testable import Ephemeris

final class AnalyticalVsSpiceTests: XCTestCase {
    /// 1200 epochs spread evenly over 1990-01-01 .. 2050-01-01 with a pseudo-random offset so
    /// that every lunar phase and libration is sampled.
    static func epochs(count: Int = 1200) throws -> [Epoch] {
        let start = try Epoch("1990-01-01T00:00:00Z").tdbSecondsPastJ2000
        let end = try Epoch("2050-01-01T00:00:00Z").tdbSecondsPastJ2000
        let step = (end - start) / Double(count)
        var state: UInt64 = 0x9E3779B97F4A7C15
        return (0..<count).map { i in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let jitter = Double(state >> 11) / Double(1 << 53)
            return Epoch(tdbSecondsPastJ2000: start + (Double(i) + jitter) * step)
        }
    }

    func testDirectionsWithinTwoHundredthsOfADegree() throws {
        let spice = try SharedSpice.get()
        let analytical = AnalyticalEphemeris()
        let epochs = try Self.epochs()
        XCTAssertGreaterThanOrEqual(epochs.count, 1000)
        for correction in AberrationCorrection.allCases {
            for body in Body.allCases {
                var maxErr = 0.0, sumSq = 0.0, maxDistRel = 0.0
                var worstEpoch = epochs[0]
                for e in epochs {
                    let a = analytical.position(of: body, at: e, correction: correction)
                    let s = try spice.checkedPosition(of: body, at: e, correction: correction)
                    let err = angle(a, s)
                    if err > maxErr { maxErr = err; worstEpoch = e }
                    sumSq += err * err
                    maxDistRel = max(maxDistRel, abs(Vector3.length(a) / Vector3.length(s) - 1))
                }
                let rms = (sumSq / Double(epochs.count)).squareRoot()
                print(String(format: "analytical vs SPICE, %@ %@ (%d epochs 1990-2050): max %.5f deg (at %@), RMS %.5f deg, max relative distance error %.2e",
                             correction.rawValue, body.rawValue, epochs.count, maxErr, worstEpoch.utcISO8601, rms, maxDistRel))
                XCTAssertLessThanOrEqual(maxErr, 0.02, "\(correction) \(body)")
                XCTAssertLessThan(maxDistRel, 1e-3, "\(correction) \(body)")
            }
        }
    }

    /// The pieces separately: ICRF positions and the orientation model.
    func testComponentsAgainstKernels() throws {
        let spice = try SharedSpice.get()
        let analytical = AnalyticalEphemeris()
        var maxSun = 0.0, maxEarth = 0.0, maxFrame = 0.0
        for e in try Self.epochs(count: 300) {
            maxSun = max(maxSun, angle(analytical.icrfPosition(of: .sun, at: e, correction: .geometric),
                                       try spice.icrfPosition(of: .sun, at: e, correction: .geometric)))
            maxEarth = max(maxEarth, angle(analytical.icrfPosition(of: .earth, at: e, correction: .geometric),
                                           try spice.icrfPosition(of: .earth, at: e, correction: .geometric)))
            // Orientation: compare where the two frames put the ME axes.
            let iau = LunarOrientation.icrfToME(at: e), de = try spice.icrfToME(at: e)
            for axis in [SIMD3<Double>(1, 0, 0), SIMD3(0, 1, 0), SIMD3(0, 0, 1)] {
                maxFrame = max(maxFrame, angle(iau.transposed * axis, de.transposed * axis))
            }
        }
        print(String(format: "ICRF directions: Sun max %.5f deg, Earth max %.5f deg; IAU 2009 vs MOON_ME_DE421 axes max %.5f deg",
                     maxSun, maxEarth, maxFrame))
        XCTAssertLessThan(maxSun, 0.005)     // VSOP87 + Meeus 47: a few arcsec
        XCTAssertLessThan(maxEarth, 0.01)    // Meeus 47: ~10 arcsec
        XCTAssertLessThan(maxFrame, 0.015)   // IAU 2009 model: ~0.005-0.01 deg
    }
}
