import Foundation
import GeoRaster
import TestSupport
import XCTest

/// Issue 12 section 6.8 (statistics part): `farside info` computes statistics as gdalinfo
/// -approx_stats does (a sample of blocks, or an overview, above 4,194,304 cells) and exactly with
/// --exact-stats; small rasters are always scanned whole.
final class InfoStatisticsTests: XCTestCase {
    var folder: URL!
    override func setUp() { folder = TestSupport.scratchDirectory("info-stats") }
    override func tearDown() { try? FileManager.default.removeItem(at: folder) }

    /// A VRT declaring 1,000,000 x 1,000,000 cells, every one drawn from a 64 x 64 GeoTIFF of heights
    /// -100 ... 100 m (IAU_2015:30135, 1 m cells).
    func hugeVRT() throws -> String {
        var grid = Grid(width: 64, height: 64, repeating: 0)
        for r in 0..<64 { for c in 0..<64 { grid[r, c] = Float(-100 + 200 * (r * 64 + c) / (64 * 64 - 1)) } }
        let small = try TestSupport.writeRaster(grid, to: folder.appendingPathComponent("small.tif").path,
                                                transform: GeoTransform(originX: -32, originY: 32, pixelWidth: 1, pixelHeight: -1),
                                                crs: "IAU_2015:30135")
        let wkt = try SpatialReference(definition: "IAU_2015:30135").wkt
            .replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: "\"", with: "&quot;")
        let vrt = """
            <VRTDataset rasterXSize="1000000" rasterYSize="1000000">
              <SRS>\(wkt)</SRS>
              <GeoTransform>-500000, 1, 0, 500000, 0, -1</GeoTransform>
              <VRTRasterBand dataType="Float32" band="1">
                <NoDataValue>-9999</NoDataValue>
                <SimpleSource>
                  <SourceFilename relativeToVRT="0">\(small)</SourceFilename>
                  <SourceBand>1</SourceBand>
                  <SrcRect xOff="0" yOff="0" xSize="64" ySize="64" />
                  <DstRect xOff="0" yOff="0" xSize="1000000" ySize="1000000" />
                </SimpleSource>
              </VRTRasterBand>
            </VRTDataset>
            """
        let path = folder.appendingPathComponent("huge.vrt").path
        try vrt.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func testHugeVRTAnswersAtOnceWithApproximateStatistics() throws {
        let vrt = try hugeVRT()
        let started = Date()
        let r = try FarSideBinary.run(["info", vrt, "--json"])
        let seconds = Date().timeIntervalSince(started)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertLessThan(seconds, 20, "a sample, not a scan of 1e12 cells")  // a scan takes hours
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(json["statistics_exact"] as? Bool, false)
        XCTAssertEqual(json["width"] as? Int, 1_000_000)
        XCTAssertEqual(json["valid_cells"] as? Int, 1_000_000_000_000)
        let minimum = try XCTUnwrap(json["min_m"] as? Double), maximum = try XCTUnwrap(json["max_m"] as? Double)
        XCTAssertTrue((-100.0 ... -50).contains(minimum), "\(minimum)")
        XCTAssertTrue((50.0...100).contains(maximum), "\(maximum)")
        let text = try FarSideBinary.run(["info", vrt])
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stdout.contains("approximate statistics"), text.stdout)
    }

    func testSmallRastersAndExactStatsScanEveryCell() throws {
        var grid = Grid(width: 300, height: 200, repeating: 5)
        grid[199, 299] = -42
        grid[0, 0] = .nan
        let path = try TestSupport.writeRaster(grid, to: folder.appendingPathComponent("small.tif").path,
                                               transform: GeoTransform(originX: 0, originY: 0, pixelWidth: 10, pixelHeight: -10), crs: "IAU_2015:30135")
        for extra in [[], ["--exact-stats"]] {
            let r = try FarSideBinary.run(["info", path, "--json"] + extra)
            XCTAssertEqual(r.status, 0, r.stderr)
            let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
            XCTAssertEqual(json["statistics_exact"] as? Bool, true)
            XCTAssertEqual(json["valid_cells"] as? Int, 300 * 200 - 1)
            XCTAssertEqual(json["min_m"] as? Double, -42)
        }
    }
}
