import Ephemeris
import Foundation
import GeoRaster
import Horizon
import Orbits
import TestSupport
@testable import Visibility
import XCTest

/// Relay maps against direct geometry: for every cell and step, the satellite's exact elevation and grid
/// azimuth from the cell (parallax exact), the floored horizon at that azimuth, the minimum elevation.
final class RelayMapTests: XCTestCase {
    struct Direct { var fraction: [Double]; var gap: [Double] }

    func direct(dem: Grid, transform: GeoTransform, transformer: CoordinateTransformer, cube: HorizonCube,
                positions: [SIMD3<Double>], minElevation: Double, cells: [Int], stepHours: Double) throws -> Direct {
        var out = Direct(fraction: [], gap: [])
        for cell in cells {
            let r = cell / dem.width, c = cell % dem.width
            let frame = try SurfaceFrame.frames(transform: transform, transformer: transformer, rows: r..<(r + 1), columns: c..<(c + 1))[0]
            let site = frame.normal * (1737.4 + Double(dem[r, c]) / 1000)
            var hits = 0, run = 0, longest = 0
            for p in positions {
                let (e, a, _) = RelayMapEngine.look(p, site: site, frame: frame)
                let h = max(0, Double(cube.elevation(cell: cell, azimuthDegrees: a * 180 / .pi))) * .pi / 180
                if e >= minElevation * .pi / 180 && e >= h { hits += 1; run = 0 } else { run += 1; longest = max(longest, run) }
            }
            out.fraction.append(Double(hits) / Double(positions.count))
            out.gap.append(Double(longest) * stepHours)
        }
        return out
    }

    func check(dem: Grid, transform: GeoTransform, crs: String, cell: Double, orbit: any Satellite, days: Double,
               file: StaticString = #filePath, line: UInt = #line) throws -> RelayMaps {
        let transformer = try CoordinateTransformer(crs: SpatialReference(definition: crs))
        let cube = HorizonMap.cube(dem, dx: cell, dy: cell, options: HorizonOptions(azimuthCount: 90, threads: 2))
        let start = try Epoch("2024-06-01T00:00:00Z")
        let step = 600.0
        let positions = (0..<Int(days * 144)).map { orbit.positionME(at: start.addingSeconds(Double($0) * step)) }
        let earth = (0..<positions.count).map { AnalyticalEphemeris().earthPosition(at: start.addingSeconds(Double($0) * step)) }
        var engine = RelayMapEngine()
        engine.threads = 2
        engine.tileSize = 16
        let maps = try engine.run(dem: dem, transform: transform, transformer: transformer, horizon: cube,
                                  satellites: [positions], earth: earth, stepHours: step / 3600)
        let cells = Array(stride(from: 0, to: dem.width * dem.height, by: 37))
        let d = try direct(dem: dem, transform: transform, transformer: transformer, cube: cube, positions: positions,
                           minElevation: 5, cells: cells, stepHours: step / 3600)
        var worstFraction = 0.0, worstGap = 0.0
        for (i, cell) in cells.enumerated() {
            worstFraction = max(worstFraction, abs(Double(maps.relayFraction.values[cell]) - d.fraction[i]))
            worstGap = max(worstGap, abs(Double(maps.relayMaxGapHours.values[cell]) - d.gap[i]))
        }
        print("relay map vs direct geometry (\(crs)): max |fraction diff| \(worstFraction), max |gap diff| \(worstGap) h; fraction \(d.fraction.min()!)...\(d.fraction.max()!)")
        XCTAssertLessThanOrEqual(worstFraction, 0.01, file: file, line: line)
        XCTAssertLessThanOrEqual(worstGap, step / 3600 + 1e-9, "one step", file: file, line: line)
        XCTAssertGreaterThan(d.fraction.max()!, 0.1, "the orbit is seen at all", file: file, line: line)
        return maps
    }

    /// A smooth sphere around the Chang'e-6 site (geographic grid), Queqiao-2 for 3 days.
    func testSmoothSphereFarSide() throws {
        let size = 64, cell = 500.0
        let dLat = cell / 1_737_400 * 180 / .pi, dLon = dLat / cos(41.6385 * .pi / 180)
        let transform = GeoTransform(originX: -153.9852 - 32 * dLon, originY: -41.6385 + 32 * dLat, pixelWidth: dLon, pixelHeight: -dLat)
        let maps = try check(dem: Grid(width: size, height: size, repeating: -5250), transform: transform, crs: "IAU_2015:30100",
                             cell: cell, orbit: BuiltInOrbits.queqiao2, days: 3)
        XCTAssertEqual(maps.commsFraction.values[0], maps.relayFraction.values[0], "no direct Earth link on the far side")
    }

    /// Terrain near the south pole (polar stereographic), with a north-south ridge: cells right behind it
    /// lose the satellite when it is low on the other side; the engine still matches direct geometry.
    func testRidgeBlocksAndMatchesDirectGeometry() throws {
        let size = 64, cell = 200.0
        var dem = Grid(width: size, height: size, repeating: 0)
        for r in 0..<size { for c in 30..<34 { dem[r, c] = 2500 } }
        let transform = GeoTransform(originX: -Double(size) * cell / 2, originY: 60_000 + Double(size) * cell / 2, pixelWidth: cell, pixelHeight: -cell)
        let maps = try check(dem: dem, transform: transform, crs: "IAU_2015:30135", cell: cell, orbit: BuiltInOrbits.queqiao2, days: 2)
        let west = maps.relayFraction[32, 27], east = maps.relayFraction[32, 36], far = maps.relayFraction[32, 2]
        print("ridge: fraction west \(west), east \(east), far \(far)")
        XCTAssertNotEqual(west, east, "the ridge blocks different directions on its two sides")
        XCTAssertLessThan(min(west, east), far, "next to the ridge, less sky than far from it")
    }
}
