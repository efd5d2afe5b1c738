import Foundation
import GeoRaster
@testable import Mission
import TestSupport
import Traverse
import XCTest

/// psr_traverse_m / psr_traverse_h against references written here: a plain Dijkstra over 16 moves on a
/// grid with nodata holes, and the exact driving time down a tilted plane (the direction matters: the
/// rover drives from the cell to the shadow).
final class PSRAccessTests: XCTestCase {
    var folder: URL!
    override func setUp() { folder = TestSupport.scratchDirectory("psr-access") }
    override func tearDown() { try? FileManager.default.removeItem(at: folder) }

    func open(_ dem: Grid, cell: Double) throws -> RasterDataset {
        let path = folder.appendingPathComponent("dem-\(UUID().uuidString.prefix(6)).tif").path
        try TestSupport.writeRaster(dem, to: path, transform: GeoTransform(originX: 5000, originY: 5000 + Double(dem.height) * cell, pixelWidth: cell,
                                                                           pixelHeight: -cell), crs: "IAU_2015:30135")
        return try RasterDataset.open(path)
    }

    /// A static traverse lets the window's slope and roughness go before its search: the cells that need
    /// them later (route vertices, refusals) read them back from the dataset, with the same values, on a
    /// rugged window with nodata holes, at its edges and corners too.
    func testReleasedWindowTerrainReadsTheSameSlopes() throws {
        let w = 19, h = 13
        var rng = SplitMix64(seed: 3)
        var dem = Grid(width: w, height: h, repeating: 0)
        for i in dem.values.indices { dem.values[i] = Float(rng.next() % 4000) / 10 }
        for i in dem.values.indices where rng.next() % 9 == 0 { dem.values[i] = .nan }
        let dataset = try open(dem, cell: 20)
        defer { dataset.close() }
        let rover = try RoverProfile.load("yutu-class")
        for window in [RasterWindow.whole(width: w, height: h), RasterWindow(column: 3, row: 2, width: 9, height: 7)] {
            let held = try WindowTerrain.read(dataset, window: window, roughness: true, threads: 2)
            var released = held
            released.releaseAll()
            XCTAssertNil(released.slope)
            XCTAssertEqual(released.dem.values.count, 0)
            for cell in 0..<window.cellCount {
                XCTAssertEqual(released.slope(at: cell).bitPattern, held.slope(at: cell).bitPattern, "\(window) cell \(cell)")
                XCTAssertEqual(released.refusal(rover, cell: cell, psr: nil), held.refusal(rover, cell: cell, psr: nil), "\(window) cell \(cell)")
            }
        }
    }

    func testMetresEqualAPlainDijkstraThroughHoles() throws {
        let w = 23, h = 17, cell = 20.0
        var rng = SplitMix64(seed: 7)
        var dem = Grid(width: w, height: h, repeating: 100)
        for i in dem.values.indices where rng.next() % 5 == 0 { dem.values[i] = .nan }
        var shadowed = Grid(width: w, height: h, repeating: 0)
        for i in shadowed.values.indices where rng.next() % 40 == 0 && !dem.values[i].isNaN { shadowed.values[i] = 1 }
        let dataset = try open(dem, cell: cell)
        defer { dataset.close() }
        let rover = try RoverProfile.load("distance")
        let layers = try PSRAccess.layers(dataset, window: .whole(width: w, height: h), dem: dem, shadowed: shadowed, rover: rover,
                                          reachM: 1e9, metres: true, hours: false, threads: 1)
        let metres = try XCTUnwrap(layers.metres)
        // Reference: O(n^2) Dijkstra, moves to the 16 neighbours between non-nodata cells (flat: every slope 0).
        let n = w * h
        var d = [Double](repeating: .infinity, count: n), done = [Bool](repeating: false, count: n)
        for i in 0..<n where shadowed.values[i] == 1 { d[i] = 0 }
        let moves = [(-1, 0), (0, 1), (1, 0), (0, -1), (-1, 1), (1, 1), (1, -1), (-1, -1),
                     (-2, 1), (-1, 2), (1, 2), (2, 1), (2, -1), (1, -2), (-1, -2), (-2, -1)]
        while true {
            var u = -1
            for i in 0..<n where !done[i] && d[i].isFinite && (u < 0 || d[i] < d[u]) { u = i }
            if u < 0 { break }
            done[u] = true
            for (dr, dc) in moves {
                let r = u / w + dr, c = u % w + dc
                guard (0..<h).contains(r), (0..<w).contains(c), !dem[r, c].isNaN else { continue }
                let v = r * w + c
                d[v] = min(d[v], d[u] + cell * Double(dr * dr + dc * dc).squareRoot())
            }
        }
        for i in 0..<n {
            if dem.values[i].isNaN { XCTAssertTrue(metres.values[i].isNaN); continue }
            if d[i].isInfinite { XCTAssertEqual(metres.values[i], .infinity, "cell \(i)"); continue }
            XCTAssertEqual(Double(metres.values[i]), d[i], accuracy: d[i] * 1e-6 + 1e-9, "cell \(i)")
        }
    }

    func testHoursAreTheDriveFromTheCellDownToTheShadow() throws {
        // A plane rising 10 deg to the east; the shadow is the western column, so every drive to it is
        // downhill: S / speed(-10 deg) per move (the table is asymmetric: uphill would be slower).
        let w = 12, h = 3, cell = 20.0, tilt = 10.0 * .pi / 180
        var dem = Grid(width: w, height: h, repeating: 0)
        for r in 0..<h { for c in 0..<w { dem[r, c] = Float(Double(c) * cell * tan(tilt)) } }
        var shadowed = Grid(width: w, height: h, repeating: 0)
        for r in 0..<h { shadowed[r, 0] = 1 }
        let dataset = try open(dem, cell: cell)
        defer { dataset.close() }
        var rover = try RoverProfile.load("viper-class")
        rover.motion.speed = try SlopeTable(points: [(-20, 0.1), (0, 0.2), (20, 0.05)])
        rover.maxRoughnessM = nil  // 7 m of relief per 3 x 3 window on this plane
        let layers = try PSRAccess.layers(dataset, window: .whole(width: w, height: h), dem: dem, shadowed: shadowed, rover: rover,
                                          reachM: 1e9, metres: false, hours: true, threads: 1)
        let hours = try XCTUnwrap(layers.hours)
        let down = rover.motion.speed(-10)
        XCTAssertEqual(down, 0.15, accuracy: 1e-12)
        for c in 1..<(w - 1) {
            let expected = Double(c) * cell / cos(tilt) / down / 3600
            XCTAssertEqual(Double(hours[1, c]), expected, accuracy: expected * 1e-6, "column \(c)")
        }
    }
}
