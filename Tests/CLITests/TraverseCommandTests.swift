import Foundation
import GeoRaster
import TestSupport
import XCTest

/// `farside traverse`: a wall with one gap (the route must use it and never step on impassable ground),
/// the cost raster against the route, and the bad inputs (exit 2 and 3 with one line).
final class TraverseCommandTests: XCTestCase {
    var folder: URL!
    override func setUp() { folder = TestSupport.scratchDirectory("traverse") }
    override func tearDown() { try? FileManager.default.removeItem(at: folder) }
    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    let size = 60, cell = 20.0
    /// 3 km from the pole, so lat/lon round trips are well conditioned.
    let origin = (x: 3000.0, y: 3000.0)
    var transform: GeoTransform { GeoTransform(originX: origin.x, originY: origin.y + Double(size) * cell, pixelWidth: cell, pixelHeight: -cell) }

    /// "LAT,LON" of the centre of a cell.
    func point(row: Int, column: Int) throws -> String {
        let t = try CoordinateTransformer(crs: SpatialReference(definition: "IAU_2015:30135"))
        let xy = transform.map(column: Double(column) + 0.5, row: Double(row) + 0.5)
        let ll = try XCTUnwrap(t.latLon(x: xy.x, y: xy.y))
        return String(format: "%.10f,%.10f", ll.lat, ll.lon)
    }

    /// Flat ground with a wall of nodata two cells thick (columns 30 and 31: a knight's move jumps one
    /// cell) and a gap in rows 39 ... 45; a 45 deg ramp in rows 20 ... 26, columns 2 ... 14; with `ring`, a
    /// closed nodata wall around rows 5 ... 15, columns 45 ... 55 (an unreachable pocket inside).
    func writeDEM(ring: Bool = false) throws {
        var dem = Grid(width: size, height: size, repeating: 0)
        for r in 0..<size where !(39...45).contains(r) { dem[r, 30] = .nan; dem[r, 31] = .nan }
        for r in 20...26 { for c in 2...14 { dem[r, c] = Float(Double(c) * cell) } }
        if ring {
            for r in 5...15 { for c in [45, 46, 54, 55] { dem[r, c] = .nan } }
            for c in 45...55 { for r in [5, 6, 14, 15] { dem[r, c] = .nan } }
        }
        try TestSupport.writeRaster(dem, to: path("dem.tif"), transform: transform, crs: "IAU_2015:30135")
    }

    func testRouteGoesThroughTheGapAndMatchesTheCostRaster() throws {
        try writeDEM()
        let r = try FarSideBinary.run(["traverse", path("dem.tif"), "-o", path("out"), "--from", try point(row: 10, column: 10),
                                       "--to", try point(row: 10, column: 50), "--neighbours", "16", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        for name in ["cost_distance.tif", "route.geojson", "route.gpkg", "route.csv", "report.html"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: path("out/\(name)")), name)
        }
        let rows = try String(contentsOfFile: path("out/route.csv"), encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = rows[0]
        func column(_ name: String) -> Int { header.firstIndex(of: name)! }
        let vertices = rows.dropFirst()
        var crossed = false
        for v in vertices {
            XCTAssertLessThanOrEqual(Double(v[column("slope_deg")])!, 20, "never on impassable ground")
            let x = Double(v[column("x")])!, y = Double(v[column("y")])!
            let c = Int((x - origin.x) / cell), row = Int((origin.y + Double(size) * cell - y) / cell)
            if c == 30 || c == 31 { crossed = true; XCTAssertTrue((39...45).contains(row), "crosses the wall in the gap, row \(row)") }
        }
        XCTAssertTrue(crossed)
        // The cost raster at the target equals the route's cost; the route is longer than the straight line.
        let routeCost = Double(vertices.last![column("cost")])!
        let raster = try RasterDataset.open(path("out/cost_distance.tif"))
        defer { raster.close() }
        let costs = try raster.read(row: 0, height: size)
        XCTAssertEqual(Double(costs[10, 50]), routeCost, accuracy: routeCost * 1e-6)
        XCTAssertEqual(costs[10, 10], 0)
        XCTAssertGreaterThan(routeCost, 40 * cell + 500, "detours through the gap 30 rows away")
        XCTAssertTrue(costs[20, 30].isNaN, "the wall is unreachable (nodata)")
    }

    func testBadInputsAreOneLineWithTheirExitCode() throws {
        try writeDEM(ring: true)
        let dem = path("dem.tif"), out = path("bad")
        let from = try point(row: 30, column: 10)
        func run(_ extra: [String]) throws -> TestSupport.ProcessResult {
            try FarSideBinary.run(["traverse", dem, "-o", out, "--quiet"] + extra)
        }
        var r = try run(["--from", from, "--to", "-80,0"])
        XCTAssertEqual(r.status, 3, r.stderr)
        XCTAssertTrue(r.stderr.contains("target 1") && r.stderr.contains("outside the DEM"), r.stderr)
        r = try run(["--from", try point(row: 23, column: 8)])
        XCTAssertEqual(r.status, 3, r.stderr)
        XCTAssertTrue(r.stderr.contains("origin") && r.stderr.contains("slope 45.0 deg"), r.stderr)
        r = try run(["--from", try point(row: 20, column: 30)])
        XCTAssertEqual(r.status, 3, r.stderr)
        XCTAssertTrue(r.stderr.contains("origin") && r.stderr.contains("nodata"), r.stderr)
        r = try run(["--from", from, "--to", try point(row: 10, column: 50)])
        XCTAssertEqual(r.status, 3, r.stderr)
        XCTAssertTrue(r.stderr.contains("not reachable"), r.stderr)
        r = try run(["--from", from, "--neighbours", "7"])
        XCTAssertEqual(r.status, 2, r.stderr)
        r = try run(["--from", from, "--families", "0"])
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertTrue(r.stderr.contains("--families 0"), r.stderr)
        r = try run(["--from", from, "--start", "2027-01-01T00:00:00Z"])
        XCTAssertEqual(r.status, 2, r.stderr)
        r = try run(["--from", from, "--start", "2027-01-01T00:00:00Z", "--end", "2027-01-02T00:00:00Z"])
        XCTAssertEqual(r.status, 2, "the distance rover has no time rules: \(r.stderr)")
        try "name: x\nobjective: time\ncells: {max_slope_deg: 20}\n".write(toFile: path("rover.yaml"), atomically: true, encoding: .utf8)
        r = try run(["--from", from, "--rover", path("rover.yaml")])
        XCTAssertEqual(r.status, 3, r.stderr)
        XCTAssertTrue(r.stderr.contains("rover.yaml") && r.stderr.contains("speed_mps"), r.stderr)
        r = try run(["--from", "91,0"])
        XCTAssertEqual(r.status, 2, r.stderr)
        for line in [r.stderr] { XCTAssertEqual(line.split(separator: "\n").count, 1, line) }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out + "/cost_distance.tif"), "no output after a failure")
    }

    func testShowRoverPrintsItsAssumptions() throws {
        let r = try FarSideBinary.run(["traverse", "--show-rover", "viper-class"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("max_shadow_drive_h") && r.stdout.contains("ASSUMED"))
    }
}
