import FarSideCore
import Horizon
import HorizonTestSupport
import XCTest

/// The sweep against `referenceHorizon` (a 0.05-cell march along the exact ray with its local maxima
/// refined, exact sphere, Double; it shares neither the sweep's hulls nor its closed-form piece maxima) on
/// the fBm-and-craters terrain with non-square cells and 400 m cells over 100 km (curvature), GDAL-free;
/// the rugged 20 m south-polar synthetic is in HorizonTerrainTests (it is made through PROJ). Random cells,
/// random azimuths that are not multiples of 45 degrees, observers at 0 and 2 m (`HorizonAccuracy`).
final class HorizonAccuracyTests: XCTestCase {
    func measure(_ dem: Grid, dx: Double, dy: Double, h: Double, seed: UInt64, azimuths: Int, cellsPerAzimuth: Int) -> HorizonAccuracy.Measured {
        HorizonAccuracy.measure(dem, dx: dx, dy: dy, h: h, seed: seed, azimuths: azimuths, cellsPerAzimuth: cellsPerAzimuth)
    }
    func check(_ name: String, _ m: HorizonAccuracy.Measured) { HorizonAccuracy.check(name, m) }

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

}
