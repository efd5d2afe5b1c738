import HorizonTestSupport
import XCTest
import FarSideCore
import Horizon

final class HorizonExactTests: XCTestCase {
    let R = 1_737_400.0

    func testSpikeOnFlatGround() {
        var g = Grid(width: 64, height: 64, repeating: 0)
        g[20, 40] = 100
        let dx = 10.0
        // East from (20, 10): 30 cells = 300 m.
        let east = HorizonMap.horizon(g, dx: dx, dy: dx, azimuthDegrees: 90)
        XCTAssertEqual(Double(east[20 * 64 + 10]), sphereElevation(s: 300, zj: 100, eye: 0), accuracy: 0.002)
        // North from (50, 40): 30 cells.
        let north = HorizonMap.horizon(g, dx: dx, dy: dx, azimuthDegrees: 0, observerHeight: 2)
        XCTAssertEqual(Double(north[50 * 64 + 40]), sphereElevation(s: 300, zj: 100, eye: 2), accuracy: 0.002)
        // Diagonal NE from (40, 20): 20 cells each way, so the ray passes through the spike's centre (282.8 m),
        // the exact maximum of the bilinear surface along it (a half-cell march misses it: 14.14 degrees).
        let ne = HorizonMap.horizon(g, dx: dx, dy: dx, azimuthDegrees: 45)
        XCTAssertEqual(Double(ne[40 * 64 + 20]), sphereElevation(s: 200 * 2.0.squareRoot(), zj: 100, eye: 0), accuracy: 0.002)
        XCTAssertEqual(Double(ne[40 * 64 + 20]), referenceHorizon(g, dx: dx, dy: dx, row: 40, column: 20, azimuthDegrees: 45,
                                                                   observerHeight: 0, radius: R), accuracy: 0.002)
        // The spike is not in the west: a cell east of it looking west sees it, one west of it does not.
        let west = HorizonMap.horizon(g, dx: dx, dy: dx, azimuthDegrees: 270)
        XCTAssertEqual(Double(west[20 * 64 + 60]), sphereElevation(s: 200, zj: 100, eye: 0), accuracy: 0.002)
        XCTAssertEqual(west[20 * 64 + 30], 0, accuracy: 1e-6)        // flat ground falling away: 0 at the eye
        // Non-square cells: dy = 25 m, north over 30 rows = 750 m.
        let ns = HorizonMap.horizon(g, dx: 10, dy: 25, azimuthDegrees: 0)
        XCTAssertEqual(Double(ns[50 * 64 + 40]), sphereElevation(s: 750, zj: 100, eye: 0), accuracy: 0.002)
    }

    func testFlatSphere() {
        let g = Grid(width: 80, height: 40, repeating: 0)
        let dx = 100.0
        // h = 0: the sphere falls away from the eye, so the horizon is its limit at the eye: 0 degrees (the
        // tangent plane), not the elevation of any sample (-theta/2 at half a cell).
        let east0 = HorizonMap.horizon(g, dx: dx, dy: dx, azimuthDegrees: 90)
        XCTAssertEqual(Double(east0[10 * 80 + 5]), 0, accuracy: 1e-4)
        XCTAssertLessThanOrEqual(east0[10 * 80 + 5], 0)
        // h = 100 m: geometric horizon at sqrt(2Rh) = 18.6 km is beyond the DEM, so the DEM edge is the horizon.
        let h = 100.0
        let east = HorizonMap.horizon(g, dx: dx, dy: dx, azimuthDegrees: 90, observerHeight: h)
        let west = HorizonMap.horizon(g, dx: dx, dy: dx, azimuthDegrees: 270, observerHeight: h)
        let south = HorizonMap.horizon(g, dx: dx, dy: dx, azimuthDegrees: 180, observerHeight: h)
        for c in [0, 10, 40, 78] {
            let s = Double(79 - c) * dx
            XCTAssertEqual(Double(east[10 * 80 + c]), sphereElevation(s: s, zj: 0, eye: h), accuracy: 0.001, "c=\(c)")
            XCTAssertEqual(Double(west[10 * 80 + 79 - c]), sphereElevation(s: s, zj: 0, eye: h), accuracy: 0.001)
        }
        XCTAssertEqual(Double(south[5 * 80 + 7]), sphereElevation(s: 34 * dx, zj: 0, eye: h), accuracy: 0.001)
        // Edge cells looking out of the DEM see nothing: -90.
        XCTAssertEqual(east[10 * 80 + 79], -90, accuracy: 1e-3)
        // Oblique azimuth, compared with the brute-force reference (exact sphere).
        let az = 63.0
        let ob = HorizonMap.horizon(g, dx: dx, dy: dx, azimuthDegrees: az, observerHeight: h)
        for (r, c) in [(30, 5), (20, 20), (39, 0)] {
            let ref = referenceHorizon(g, dx: dx, dy: dx, row: r, column: c, azimuthDegrees: az, observerHeight: h, radius: R)
            XCTAssertEqual(Double(ob[r * 80 + c]), ref, accuracy: 0.001)
        }
    }

    func testNodataHoles() {
        var g = Grid(width: 60, height: 30, repeating: 0)
        g[10, 40] = 200                                   // spike
        for r in 0..<30 { g[r, 30] = .nan }               // a NaN wall between observer and spike
        g[12, 12] = .nan
        let hz = HorizonMap.horizon(g, dx: 10, dy: 10, azimuthDegrees: 90, threads: 2)
        XCTAssertTrue(hz[10 * 60 + 30].isNaN)
        XCTAssertTrue(hz[12 * 60 + 12].isNaN)
        // The wall does not block; the spike is still seen through it.
        XCTAssertEqual(Double(hz[10 * 60 + 20]), sphereElevation(s: 200, zj: 200, eye: 0), accuracy: 0.005)
        // A NaN spike is not a blocker.
        g[10, 40] = .nan
        let hz2 = HorizonMap.horizon(g, dx: 10, dy: 10, azimuthDegrees: 90)
        XCTAssertEqual(hz2[10 * 60 + 20], 0, accuracy: 1e-6)         // flat ground only
        XCTAssertEqual(hz2.filter { $0.isNaN }.count, 32)
    }

    /// The overlapped stream hands the consumer exactly forEachAzimuth's bands, in order, on another
    /// thread; a consumer error stops the stream (no later band is consumed) and is rethrown.
    func testStreamAzimuthsMatchesForEachAndStopsOnError() throws {
        let dem = syntheticLunarDEM(width: 45, height: 38, dx: 30, dy: 30, seed: 5)
        let options = HorizonOptions(azimuthCount: 9, observerHeight: 2, threads: 2)
        var expected: [[Float]] = []
        HorizonMap.forEachAzimuth(dem, dx: 30, dy: 30, options: options) { _, _, band in expected.append(band) }
        final class Sink: @unchecked Sendable { var bands: [[Float]] = []; var order: [Int] = [] }
        let sink = Sink()
        try HorizonMap.streamAzimuths(dem, dx: 30, dy: 30, options: options) { k, az, band in
            XCTAssertEqual(az, HorizonMap.azimuth(band: k, count: 9))
            sink.order.append(k); sink.bands.append(band)
            band = [Float](repeating: 0, count: band.count)        // scratch: must not leak into later bands
        }
        XCTAssertEqual(sink.order, Array(0..<9))
        for k in 0..<9 { XCTAssertEqual(sink.bands[k].map { $0.isNaN ? 999 : $0 }, expected[k].map { $0.isNaN ? 999 : $0 }, "band \(k)") }
        struct Stop: Error {}
        let seen = Sink()
        XCTAssertThrowsError(try HorizonMap.streamAzimuths(dem, dx: 30, dy: 30, options: options) { k, _, _ in
            seen.order.append(k)
            if k == 3 { throw Stop() }
        }) { XCTAssertTrue($0 is Stop) }
        XCTAssertEqual(seen.order, [0, 1, 2, 3])
    }

    func testAzimuthCountNotDividing360AndCube() {
        let dem = syntheticLunarDEM(width: 50, height: 40, dx: 30, dy: 30, seed: 3)
        let options = HorizonOptions(azimuthCount: 7, observerHeight: 1, threads: 2)
        var bands: [[Float]] = []
        var azimuths: [Double] = []
        HorizonMap.forEachAzimuth(dem, dx: 30, dy: 30, options: options) { k, az, band in
            XCTAssertEqual(k, bands.count)
            bands.append(band); azimuths.append(az)
        }
        XCTAssertEqual(azimuths.count, 7)
        XCTAssertEqual(azimuths[3], 3 * 360 / 7.0, accuracy: 1e-12)
        for k in 0..<7 {
            XCTAssertEqual(bands[k], HorizonMap.horizon(dem, dx: 30, dy: 30, azimuthDegrees: azimuths[k], observerHeight: 1))
            var diffs: [Double] = []
            for cell in stride(from: 0, to: 2000, by: 37) {
                let ref = referenceHorizon(dem, dx: 30, dy: 30, row: cell / 50, column: cell % 50, azimuthDegrees: azimuths[k], observerHeight: 1, radius: R)
                diffs.append(Double(bands[k][cell]) - ref)
            }
            // Each band is the horizon of its own azimuth (a neighbouring band would be degrees off).
            XCTAssertLessThan(ErrorStats(diffs).rms, 0.03)
        }
        // Cube storage and interpolation between bands, with wrap-around.
        let cube = HorizonMap.cube(dem, dx: 30, dy: 30, options: options)
        let cube16 = HorizonMap.cube(dem, dx: 30, dy: 30, options: options, storage: .int16CentiDegrees)
        XCTAssertEqual(cube.band(2), bands[2])
        let cell = 777
        XCTAssertEqual(cube.elevation(cell: cell, azimuthDegrees: azimuths[4]), bands[4][cell])
        let mid = (azimuths[6] + 360) / 2                 // halfway between band 6 and band 0 (wraps)
        XCTAssertEqual(cube.elevation(cell: cell, azimuthDegrees: mid), (bands[6][cell] + bands[0][cell]) / 2, accuracy: 1e-4)
        XCTAssertEqual(cube.elevation(cell: cell, azimuthDegrees: mid - 360), (bands[6][cell] + bands[0][cell]) / 2, accuracy: 1e-4)
        XCTAssertEqual(cube16.elevation(cell: cell, azimuthDegrees: mid), cube.elevation(cell: cell, azimuthDegrees: mid), accuracy: 0.006)
        let az8 = SIMD8<Float>(0, 10, 51.4, 100, 200, 300, 359.9, 725)
        let v = cube.elevations(cells: 800, azimuthsDegrees: az8)
        for l in 0..<8 {
            XCTAssertEqual(v[l], cube.elevation(cell: 800 + l, azimuthDegrees: Double(az8[l])), accuracy: 1e-3)
        }
        let all = cube.elevations(azimuthDegrees: 100)
        XCTAssertEqual(all[cell], cube.elevation(cell: cell, azimuthDegrees: 100), accuracy: 1e-4)
    }

    /// The sweep indexes its padded frames with 32-bit lane integers; larger DEMs are refused up front.
    func testSupportedSizes() {
        XCTAssertTrue(HorizonSweeper.supports(width: 40_000, height: 40_000))
        XCTAssertFalse(HorizonSweeper.supports(width: 50_000, height: 50_000))
        XCTAssertFalse(HorizonSweeper.supports(width: 33_000_000, height: 64))   // fits; its transpose does not
    }

    func testThreadCountInvarianceAndReuse() {
        let dem = syntheticLunarDEM(width: 97, height: 61, dx: 20, dy: 27, seed: 9)
        for az in [0.0, 17.3, 45, 133.7, 200, 271.1, 333.3] {
            let one = HorizonMap.horizon(dem, dx: 20, dy: 27, azimuthDegrees: az, observerHeight: 2, threads: 1)
            for t in [2, 3, 5] {
                XCTAssertEqual(HorizonMap.horizon(dem, dx: 20, dy: 27, azimuthDegrees: az, observerHeight: 2, threads: t), one, "az \(az) threads \(t)")
            }
        }
        // A reused sweeper gives the same band as a fresh one (no stale cells).
        var sweeper = HorizonSweeper(dem: dem, dx: 20, dy: 27, threads: 2)
        _ = sweeper.horizon(azimuthDegrees: 10)
        XCTAssertEqual(sweeper.horizon(azimuthDegrees: 250), HorizonMap.horizon(dem, dx: 20, dy: 27, azimuthDegrees: 250))
    }

    func testFarFieldRidge() {
        // Fine grid: 40 x 40 cells of 100 m, flat, centred in a far grid of 60 x 60 cells of 1 km.
        let near = Grid(width: 40, height: 40, repeating: 0)
        let nearT = GeoTransform(originX: -2000, originY: 2000, pixelWidth: 100, pixelHeight: -100)
        var far = Grid(width: 60, height: 60, repeating: 0)
        let farT = GeoTransform(originX: -30_000, originY: 30_000, pixelWidth: 1000, pixelHeight: -1000)
        for r in 0..<60 { far[r, 50] = 3000 }              // a ridge 20.5 km east (x = 20,500 m)
        let ff = FarField(dem: far, transform: farT, nearTransform: nearT)
        let options = HorizonOptions(azimuthCount: 8, observerHeight: 2, threads: 2)
        var withFar: [[Float]] = [], without: [[Float]] = []
        HorizonMap.forEachAzimuth(near, dx: 100, dy: 100, options: options, farField: ff) { _, _, b in withFar.append(b) }
        HorizonMap.forEachAzimuth(near, dx: 100, dy: 100, options: options) { _, _, b in without.append(b) }
        let cell = 20 * 40 + 20                            // map position (50, -50)
        // East (band 2): raised to about the ridge's elevation (3000 m at ~20.45 km).
        XCTAssertGreaterThan(withFar[2][cell], without[2][cell] + 5)
        XCTAssertEqual(Double(withFar[2][cell]), sphereElevation(s: 20_450, zj: 3000, eye: 2), accuracy: 0.3)
        // North-east and south-east see the ridge too; west, north and south do not change.
        XCTAssertGreaterThan(withFar[1][cell], without[1][cell] + 3)
        XCTAssertGreaterThan(withFar[3][cell], without[3][cell] + 3)
        // (The far grid's flat sphere, 1 km cells, gives -0.088 vs the near DEM's -0.090 there: within 0.01.)
        for k in [0, 4, 5, 6, 7] { XCTAssertEqual(withFar[k][cell], without[k][cell], accuracy: 0.01, "band \(k)") }
    }
}
