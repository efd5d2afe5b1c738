import Foundation
import XCTest
@testable import Ephemeris

final class SpiceReaderTests: XCTestCase {
    func testRotationMatchesSkyfield() throws {
        let spice = try SharedSpice.get()
        let fx = try SkyfieldFixture.load()
        var worst = 0.0
        for row in fx.epochs {
            let m = try spice.icrfToME(at: Epoch(tdbSecondsPastJ2000: row.tdbSecondsPastJ2000)).elements
            for k in 0..<9 { worst = max(worst, abs(m[k] - row.icrfToME[k])) }
        }
        print("ICRF->ME matrix, max element difference vs skyfield: \(worst)")
        XCTAssertLessThan(worst, 1e-9)
    }

    func testPositionsMatchSkyfield() throws {
        let spice = try SharedSpice.get()
        let fx = try SkyfieldFixture.load()
        XCTAssertGreaterThanOrEqual(fx.epochs.count, 50)
        var worstAngle = [String: Double](), worstKm = [String: Double]()
        for row in fx.epochs {
            let e = Epoch(tdbSecondsPastJ2000: row.tdbSecondsPastJ2000)
            let moon = try spice.spk.barycentricState(of: 301, at: e.tdbSecondsPastJ2000).position
            worstKm["moonSSB", default: 0] = max(worstKm["moonSSB", default: 0], Vector3.length(moon - vec(row.moonBarycentricKm)))
            let cases: [(String, Body, AberrationCorrection, [Double])] = [
                ("sun geometric", .sun, .geometric, row.sunGeometricKm), ("sun apparent", .sun, .apparent, row.sunApparentKm),
                ("earth geometric", .earth, .geometric, row.earthGeometricKm), ("earth apparent", .earth, .apparent, row.earthApparentKm),
            ]
            for (label, body, corr, ref) in cases {
                let p = try spice.checkedPosition(of: body, at: e, correction: corr)
                worstAngle[label, default: 0] = max(worstAngle[label, default: 0], angle(p, vec(ref)))
                worstKm[label, default: 0] = max(worstKm[label, default: 0], Vector3.length(p - vec(ref)))
            }
        }
        for (k, v) in worstAngle.sorted(by: { $0.key < $1.key }) {
            print("SPICE reader vs skyfield, \(k): max angle \(v) deg, max position difference \(worstKm[k]!) km")
            XCTAssertLessThan(v, 0.001, k)
            XCTAssertLessThan(worstKm[k]!, 3.0, k)
        }
        XCTAssertLessThan(worstKm["moonSSB"]!, 0.01)
    }
}
