import Foundation
import GeoRaster
import TestSupport
import XCTest

/// Every bad input of the foundation issue: exit status, a one-line message naming the file or value,
/// no crash and no output left behind.
final class BadInputTests: XCTestCase {
    var folder: URL!
    var out: URL!

    override func setUp() {
        folder = TestSupport.scratchDirectory("badinput")
        out = folder.appendingPathComponent("out")
    }

    override func tearDown() { try? FileManager.default.removeItem(at: folder) }

    let polar = GeoTransform(originX: -3000, originY: 3000, pixelWidth: 20, pixelHeight: -20)

    func goodDEM(_ name: String = "dem.tif", crs: String = "IAU_2015:30135", transform: GeoTransform? = nil, grid: Grid? = nil) throws -> String {
        try TestSupport.writeRaster(grid ?? TestSupport.sampleSurface(width: 300, height: 300, cell: 20),
                                    to: folder.appendingPathComponent(name).path, transform: transform ?? polar, crs: crs)
    }

    /// Runs `farside terrain FILE -o out` and checks the exit status, a single stderr line naming `mentions`,
    /// and that no output file exists.
    func expectTerrainFailure(_ file: String, status: Int32, mentions: String, extra: [String] = [], file callerFile: StaticString = #filePath, line: UInt = #line) throws {
        let result = try FarSideBinary.run(["terrain", file, "-o", out.path, "--quiet"] + extra)
        XCTAssertEqual(result.status, status, result.stderr, file: callerFile, line: line)
        let lines = result.stderr.split(whereSeparator: \.isNewline)
        XCTAssertEqual(lines.count, 1, "one line on stderr: \(result.stderr)", file: callerFile, line: line)
        XCTAssertTrue(result.stderr.contains(mentions), "stderr names \(mentions): \(result.stderr)", file: callerFile, line: line)
        let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: out.path)) ?? []
        XCTAssertEqual(leftovers, [], "no output left behind", file: callerFile, line: line)
    }

    func testMissingFile() throws {
        try expectTerrainFailure(folder.appendingPathComponent("nope.tif").path, status: 3, mentions: "nope.tif")
    }

    func testTextFile() throws {
        let path = folder.appendingPathComponent("notes.txt").path
        try "this is not a raster\n".write(toFile: path, atomically: true, encoding: .utf8)
        try expectTerrainFailure(path, status: 3, mentions: "notes.txt")
    }

    func testEmptyFile() throws {
        let path = folder.appendingPathComponent("empty.tif").path
        _ = FileManager.default.createFile(atPath: path, contents: Data())
        try expectTerrainFailure(path, status: 3, mentions: "empty.tif")
    }

    func testTruncatedGeoTIFF() throws {
        let path = try goodDEM("truncated.tif", grid: TestSupport.sampleSurface(width: 1100, height: 1100, cell: 20))
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: UInt64(size / 2))
        try handle.close()
        try expectTerrainFailure(path, status: 3, mentions: "truncated.tif")
    }

    func testRasterWithoutCRSIsRefusedUnlessAssumed() throws {
        let path = try goodDEM("nocrs.tif", crs: "")
        try expectTerrainFailure(path, status: 3, mentions: "nocrs.tif")
        let ok = try FarSideBinary.run(["terrain", path, "-o", out.path, "--quiet", "--assume-crs", "IAU_2015:30135", "--products", "slope"])
        XCTAssertEqual(ok.status, 0, ok.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("slope.tif").path))
    }

    func testEarthCRSIsRefused() throws {
        let path = try goodDEM("earth.tif", crs: "EPSG:4326", transform: GeoTransform(originX: 10, originY: 50, pixelWidth: 0.001, pixelHeight: -0.001))
        try expectTerrainFailure(path, status: 3, mentions: "earth.tif")
        let info = try FarSideBinary.run(["info", path])
        XCTAssertEqual(info.status, 3)
        XCTAssertTrue(info.stderr.contains("Earth"), info.stderr)
    }

    func testAllNodata() throws {
        let path = try goodDEM("nodata.tif", grid: Grid(width: 50, height: 40, repeating: .nan))
        try expectTerrainFailure(path, status: 3, mentions: "nodata.tif")
    }

    func testRotatedGeotransform() throws {
        let path = try goodDEM("rotated.tif", transform: GeoTransform([0, 20, 3, 0, 3, -20]))
        try expectTerrainFailure(path, status: 3, mentions: "rotated.tif")
    }

    func testUnknownProductIsAUsageError() throws {
        let path = try goodDEM()
        try expectTerrainFailure(path, status: 2, mentions: "curvature", extra: ["--products", "slope,curvature"])
    }

    func testUnwritableOutputIsExit4() throws {
        let path = try goodDEM()
        let blocker = folder.appendingPathComponent("blocker")
        _ = FileManager.default.createFile(atPath: blocker.path, contents: Data("x".utf8))
        let result = try FarSideBinary.run(["terrain", path, "-o", blocker.appendingPathComponent("sub").path, "--quiet"])
        XCTAssertEqual(result.status, 4, result.stderr)
        XCTAssertEqual(result.stderr.split(whereSeparator: \.isNewline).count, 1)
        XCTAssertTrue(result.stderr.contains("blocker"))
    }

    func testNaNAndInfCellsStayNodata() throws {
        var grid = TestSupport.sampleSurface(width: 64, height: 64, cell: 20)
        grid[10, 10] = .nan
        grid[20, 30] = .infinity
        grid[40, 5] = -.infinity
        let path = try goodDEM("holes.tif", grid: grid)
        let result = try FarSideBinary.run(["terrain", path, "-o", out.path, "--quiet", "--threads", "2"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let slope = try TestSupport.readRaster(out.appendingPathComponent("slope.tif").path)
        XCTAssertTrue(slope[10, 10].isNaN && slope[20, 30].isNaN && slope[40, 5].isNaN)
        XCTAssertFalse(slope[10, 11].isNaN, "neighbours of a hole keep values")
        XCTAssertEqual(slope.validCount, 64 * 64 - 3)
    }
}
