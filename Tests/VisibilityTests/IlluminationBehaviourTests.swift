import Ephemeris
import Foundation
import GeoRaster
import Horizon
import TestSupport
@testable import Visibility
import XCTest

final class IlluminationBehaviourTests: XCTestCase {
    func testDiscFractionIsTheCircularSegment() {
        XCTAssertEqual(SolarDisc.visibleFraction(-1), 0)
        XCTAssertEqual(SolarDisc.visibleFraction(0), 0.5, accuracy: 1e-12)
        XCTAssertEqual(SolarDisc.visibleFraction(1), 1)
        // Segment of height 0.5 radius: (pi/3 - sqrt(3)/4) / pi of the disc.
        XCTAssertEqual(SolarDisc.visibleFraction(-0.5), (Double.pi / 3 - 3.0.squareRoot() / 4) / .pi, accuracy: 1e-12)
        XCTAssertEqual(SolarDisc.visibleFraction(0.3) + SolarDisc.visibleFraction(-0.3), 1, accuracy: 1e-12)
        XCTAssertEqual(SolarDisc.angularRadius(distanceKm: 149_597_870.7) * 180 / .pi, 0.2666, accuracy: 0.0005)
    }

    func testTablesMatchDirectSums() {
        var rng = SplitMixTest(seed: 3)
        let n = 500
        let e = (0..<n).map { _ in rng.next(-0.03, 0.03) }
        let r = (0..<n).map { _ in rng.next(0.00455, 0.00475) }
        let k = (0..<n).map { _ in Int32(rng.next(0, 4)) }
        let tables = ElevationBinTables(elevations: e, radii: r, bins: k, binCount: 4)
        let points = ElevationBinTables(pointElevations: e, bins: k, binCount: 4)
        for theta in stride(from: -0.04, through: 0.04, by: 0.00317) {
            for bin in 0..<4 {
                let direct = (0..<n).filter { k[$0] == Int32(bin) }.map { SolarDisc.visibleFraction((e[$0] - theta) / r[$0]) }.reduce(0, +)
                XCTAssertEqual(tables.value(bin: bin, theta: theta), direct, accuracy: 0.02 + 1e-3 * direct)
                let above = (0..<n).filter { k[$0] == Int32(bin) && e[$0] > theta }.count
                // Interpolated between table points 0.0002 rad apart: off by at most the steps in one interval.
                let near = (0..<n).filter { k[$0] == Int32(bin) && abs(e[$0] - theta) < 0.0002 }.count
                XCTAssertEqual(points.value(bin: bin, theta: theta), Double(above), accuracy: Double(near) + 1e-9)
            }
        }
    }

    /// A deep bowl on the pole: its floor never sees the Sun (PSR, darkness = the whole window);
    /// the rim sees more Sun than the floor; a window of steps gives darkness in hours.
    func testDeepPolarCraterFloorIsPermanentlyShadowed() throws {
        let size = 61, cell = 250.0
        var dem = Grid(width: size, height: size, repeating: 0)
        for r in 0..<size {
            for c in 0..<size {
                let d = hypot(Double(r - size / 2), Double(c - size / 2)) * cell
                if d < 4000 { dem[r, c] = Float(-2500 * (1 - pow(d / 4000, 2))) } else if d < 5000 { dem[r, c] = Float(300 * (1 - (d - 4000) / 1000)) }
            }
        }
        let crs = try SpatialReference.moonSouthPolar()
        let transform = GeoTransform(originX: -Double(size) * cell / 2, originY: Double(size) * cell / 2, pixelWidth: cell, pixelHeight: -cell)
        let cube = HorizonMap.cube(dem, dx: cell, dy: cell, options: HorizonOptions(azimuthCount: 90, threads: 2))
        let window = try TimeWindow(start: Epoch("2024-03-01T00:00:00Z"), end: Epoch("2024-05-01T00:00:00Z"), step: 6 * 3600)
        let track = BodyTrack.compute(AnalyticalEphemeris(), window: window, threads: 2)
        var engine = IlluminationEngine()
        engine.threads = 2
        let maps = try engine.run(dem: dem, transform: transform, transformer: CoordinateTransformer(crs: crs), horizon: cube, track: track, stepHours: 6)
        let floor = (size / 2) * size + size / 2
        XCTAssertEqual(maps.psr.values[floor], 1)
        XCTAssertEqual(maps.sunFraction.values[floor], 0)
        XCTAssertEqual(Double(maps.maxDarknessHours.values[floor]), Double(window.count) * 6, accuracy: 1e-6)
        let rim = (size / 2) * size + size / 2 + 18  // 4.5 km out: on the rim
        XCTAssertEqual(maps.psr.values[rim], 0)
        XCTAssertGreaterThan(maps.sunFraction.values[rim], 0.2)
        XCTAssertLessThan(maps.maxDarknessHours.values[rim], maps.maxDarknessHours.values[floor])
    }

    func testWindowAndStepParsing() throws {
        XCTAssertEqual(try TimeWindow.parseStep("1h"), 3600)
        XCTAssertEqual(try TimeWindow.parseStep("10m"), 600)
        XCTAssertEqual(try TimeWindow.parseStep("2d"), 172_800)
        XCTAssertThrowsError(try TimeWindow.parseStep("fast"))
        XCTAssertThrowsError(try TimeWindow.parseStep("-1h"))
        let w = try TimeWindow(start: Epoch("2024-01-01T00:00:00Z"), end: Epoch("2024-01-02T00:00:00Z"), step: 3600)
        XCTAssertEqual(w.count, 24)
        XCTAssertThrowsError(try TimeWindow(start: Epoch("2024-01-02T00:00:00Z"), end: Epoch("2024-01-01T00:00:00Z"), step: 3600))
    }
}

/// A tiny deterministic generator for the table test.
struct SplitMixTest {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next(_ lo: Double, _ hi: Double) -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return lo + (hi - lo) * Double(z >> 11) * 0x1.0p-53
    }
}
