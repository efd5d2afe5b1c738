import Ephemeris
import Foundation
import GeoRaster
import Horizon
import Orbits
@testable import Visibility
import XCTest

/// Engine tiles aligned to the raster's grid: a cell's illumination and relay results are bit-identical
/// whether computed over the whole raster or over any window whose edges fall on multiples of
/// `EngineTiles.blockAlignment` (or on the raster's edges), as whole-basin runs split into tiles need.
final class AlignedBlocksTests: XCTestCase {
    static let width = 300, height = 260, cell = 97.3

    /// A rugged surface around the south pole (polar stereographic, 97.3 m cells): ridges, two deep
    /// craters (permanent shadow), deterministic noise, and a patch of nodata around an engine tile's
    /// centre cell (the reference site then comes from the tile's mean height).
    static func terrain() -> Grid {
        var dem = Grid(width: width, height: height, repeating: 0)
        var state: UInt64 = 7
        for r in 0..<height {
            for c in 0..<width {
                let x = Double(c), y = Double(r)
                var z = 800 * sin(0.07 * x + 0.3) * cos(0.05 * y) + 500 * sin(0.13 * (x + y)) + 300 * sin(0.31 * x - 0.17 * y)
                for (cr, cc, radius) in [(80.0, 210.0, 35.0), (190.0, 70.0, 28.0)] {
                    let d = hypot(y - cr, x - cc) / radius
                    if d < 1 { z -= 2500 * (1 - d * d) } else if d < 1.3 { z += 400 * (1.3 - d) / 0.3 }
                }
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                z += Double(state >> 40) / Double(1 << 24) * 100 - 50
                dem[r, c] = Float(z)
            }
        }
        for r in 148..<153 { for c in 47..<53 { dem[r, c] = .nan } }
        return dem
    }

    /// Not round numbers, so a window's own geotransform (`GeoTransform.offset`) differs from the raster's
    /// in the last bits, which would shift its frames.
    static let transform = GeoTransform(originX: -Double(width) * cell / 2 + 1_234.567, originY: Double(height) * cell / 2 + 5_432.1,
                                        pixelWidth: cell, pixelHeight: -cell)

    struct Maps { var illumination: [(String, Grid)]; var relay: [(String, Grid)] }

    /// Both engines on the window of `rows` x `columns` of the raster (the whole raster's horizons and DEM
    /// cropped to it), told where the window lies.
    func run(rows: Range<Int>, columns: Range<Int>, dem: Grid, cube: HorizonCube, transformer: CoordinateTransformer,
             track: BodyTrack, satellite: [SIMD3<Double>], earth: [SIMD3<Double>]) throws -> Maps {
        let window = dem.window(rows: rows, columns: columns)
        let horizons = HorizonWindow(base: cube, rowOffset: rows.lowerBound, columnOffset: columns.lowerBound,
                                     width: columns.count, height: rows.count)
        let origin = RasterOrigin(row: rows.lowerBound, column: columns.lowerBound)
        let transform = Self.transform.offset(column: columns.lowerBound, row: rows.lowerBound)
        var illumination = IlluminationEngine()
        illumination.threads = 2
        illumination.rasterOrigin = origin
        illumination.rasterTransform = Self.transform
        let i = try illumination.run(dem: window, transform: transform, transformer: transformer, horizon: horizons, track: track, stepHours: 4)
        var relay = RelayMapEngine()
        relay.threads = 2
        relay.rasterOrigin = origin
        relay.rasterTransform = Self.transform
        let m = try relay.run(dem: window, transform: transform, transformer: transformer, horizon: horizons,
                              satellites: [satellite], earth: earth, stepHours: 0.25)
        return Maps(illumination: [("sun", i.sunFraction), ("darkness", i.maxDarknessHours), ("psr", i.psr), ("earth", i.earthFraction)],
                    relay: [("relay", m.relayFraction), ("gap", m.relayMaxGapHours), ("comms", m.commsFraction)])
    }

    /// Cells of `part` (the window at `rows` x `columns`) that differ from `whole` (NaN equals NaN).
    func differences(_ whole: Grid, _ part: Grid, rows: Range<Int>, columns: Range<Int>) -> Int {
        var n = 0
        for r in rows {
            for c in columns {
                let a = whole[r, c], b = part[r - rows.lowerBound, c - columns.lowerBound]
                if !(a == b || (a.isNaN && b.isNaN)) { n += 1 }
            }
        }
        return n
    }

    func testWindowsOnTheAlignmentMatchTheWholeRasterBitForBit() throws {
        let w = Self.width, h = Self.height
        let dem = Self.terrain()
        let transformer = try CoordinateTransformer(crs: SpatialReference.moonSouthPolar())
        let a = try EngineTiles.blockAlignment(transform: Self.transform, transformer: transformer)
        XCTAssertEqual(a, 102, "97.3 m cells: 102-cell illumination tiles, 51-cell relay tiles")
        let cube = HorizonMap.cube(dem, dx: Self.cell, dy: Self.cell, options: HorizonOptions(azimuthCount: 64, threads: 2))
        let start = try Epoch("2024-03-01T00:00:00Z")
        let track = BodyTrack.compute(AnalyticalEphemeris(), window: try TimeWindow(start: start, end: start.addingSeconds(30 * 86_400), step: 4 * 3600), threads: 2)
        let times = (0..<96).map { start.addingSeconds(Double($0) * 900) }
        let satellite = times.map { BuiltInOrbits.queqiao2.positionME(at: $0) }
        let earth = times.map { AnalyticalEphemeris().earthPosition(at: $0) }
        func run(_ rows: Range<Int>, _ columns: Range<Int>) throws -> Maps {
            try self.run(rows: rows, columns: columns, dem: dem, cube: cube, transformer: transformer, track: track, satellite: satellite, earth: earth)
        }
        let whole = try run(0..<h, 0..<w)
        // Enough shadow, sunlight, nodata and relay gaps for the comparison to mean something.
        let sun = whole.illumination[0].1.values, psr = whole.illumination[2].1.values, relay = whole.relay[0].1.values
        XCTAssertGreaterThan(psr.filter { $0 == 1 }.count, 100)
        XCTAssertGreaterThan(sun.filter { $0 > 0.3 }.count, 1000)
        XCTAssertEqual(sun.filter { $0.isNaN }.count, 30)
        XCTAssertGreaterThan(Set(relay.filter { !$0.isNaN }).count, 20)

        // Windows at the raster's corner and edges, spanning several tiles, with uneven last tiles (260 rows, 300 columns).
        let windows = [(0..<a, 0..<a), (a..<h, 2 * a..<w), (0..<h, a..<w), (a..<2 * a, 0..<w), (2 * a..<h, 0..<2 * a)]
        for (rows, columns) in windows {
            let part = try run(rows, columns)
            for ((name, g), (_, p)) in zip(whole.illumination + whole.relay, part.illumination + part.relay) {
                XCTAssertEqual(differences(g, p, rows: rows, columns: columns), 0, "\(name) in rows \(rows), columns \(columns)")
            }
        }

        // A window whose edges are not on the alignment has other tiles (reference frames, relay corners):
        // its results may differ in some cells (documented, not asserted).
        let (rows, columns) = (30..<190, 70..<250)
        let part = try run(rows, columns)
        let report = zip(whole.illumination + whole.relay, part.illumination + part.relay).map { whole, part in
            "\(whole.0) \(differences(whole.1, part.1, rows: rows, columns: columns))"
        }
        print("unaligned window rows \(rows), columns \(columns): cells differing from the whole raster:",
              report.joined(separator: ", "), "of \(rows.count * columns.count)")
    }

    func testTilesAreCutAtMultiplesOfTheirSizeInRasterCells() {
        XCTAssertEqual(BlockTiles.segments(0..<260, origin: 0, size: 100), [0..<100, 100..<200, 200..<260])
        XCTAssertEqual(BlockTiles.segments(0..<260, origin: 40, size: 100), [0..<60, 60..<160, 160..<260])
        XCTAssertEqual(BlockTiles.segments(60..<160, origin: 40, size: 50), [60..<110, 110..<160])
        XCTAssertEqual(BlockTiles.segments(0..<0, origin: 40, size: 50), [])
    }

    /// A 20 m south polar stereographic grid (as LOLA's): 256-cell illumination tiles, 128-cell relay tiles.
    func testAlignmentOfATwentyMetrePolarGrid() throws {
        let transformer = try CoordinateTransformer(crs: SpatialReference.moonSouthPolar())
        let transform = GeoTransform(originX: -304_000, originY: 304_000, pixelWidth: 20, pixelHeight: -20)
        XCTAssertEqual(try EngineTiles.blockAlignment(transform: transform, transformer: transformer), 256)
        XCTAssertEqual(try EngineTiles.blockAlignment(transform: transform, transformer: transformer, illuminationTileSize: 96, relayTileSize: 64), 192)
    }

    /// A window away from the raster's corner needs the raster's geotransform, and one that agrees with it.
    func testRasterOriginNeedsAConsistentRasterTransform() throws {
        let transformer = try CoordinateTransformer(crs: SpatialReference.moonSouthPolar())
        let dem = Grid(width: 8, height: 8, repeating: 0)
        let cube = HorizonMap.cube(dem, dx: Self.cell, dy: Self.cell, options: HorizonOptions(azimuthCount: 8))
        let start = try Epoch("2024-03-01T00:00:00Z")
        let track = BodyTrack.compute(AnalyticalEphemeris(), window: try TimeWindow(start: start, end: start.addingSeconds(86_400), step: 6 * 3600))
        var engine = IlluminationEngine()
        engine.rasterOrigin = RasterOrigin(row: 100, column: 200)
        let window = Self.transform.offset(column: 200, row: 100)
        XCTAssertThrowsError(try engine.run(dem: dem, transform: window, transformer: transformer, horizon: cube, track: track, stepHours: 6))
        engine.rasterTransform = Self.transform
        XCTAssertThrowsError(try engine.run(dem: dem, transform: Self.transform, transformer: transformer, horizon: cube, track: track, stepHours: 6))
        XCTAssertNoThrow(try engine.run(dem: dem, transform: window, transformer: transformer, horizon: cube, track: track, stepHours: 6))
    }
}
