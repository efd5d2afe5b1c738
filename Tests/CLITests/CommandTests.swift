import Foundation
import GeoRaster
import TestSupport
import XCTest

final class CommandTests: XCTestCase {
    var folder: URL!
    override func setUp() { folder = TestSupport.scratchDirectory("commands") }
    override func tearDown() { try? FileManager.default.removeItem(at: folder) }

    func testInfoJSONOnLDEM4() throws {
        try TestSupport.requireLDEM4()
        let result = try FarSideBinary.run(["info", TestSupport.ldem4, "--json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(json["width"] as? Int, 1440)
        XCTAssertEqual(json["body"] as? String, "Moon")
        XCTAssertEqual(json["min_m"] as! Double, -8878.5)
        XCTAssertEqual(json["max_m"] as! Double, 10504)
        XCTAssertEqual(json["offset_is_radius"] as? Bool, true)
        let minAt = json["min_at"] as! [String: Double]
        XCTAssertEqual(minAt["lat"]!, -70.4, accuracy: 0.15)
    }

    func testSynthIsDeterministicAndTerrainRunsOnIt() throws {
        let a = folder.appendingPathComponent("a.tif").path, b = folder.appendingPathComponent("b.tif").path
        for path in [a, b] {
            let r = try FarSideBinary.run(["synth", "--preset", "apollo-basin", "--size", "200", "--seed", "5", "-o", path, "--quiet"])
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        XCTAssertEqual(try TestSupport.readRaster(a), try TestSupport.readRaster(b))
        let info = try FarSideBinary.run(["info", a, "--json"])
        let json = try JSONSerialization.jsonObject(with: Data(info.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(json["crs_kind"] as? String, "geographic")
        let bounds = json["bounds"] as! [String: Double]
        XCTAssertTrue((bounds["lat_min"]!...bounds["lat_max"]!).contains(-41.6385))
        XCTAssertTrue((bounds["lon_min"]!...bounds["lon_max"]!).contains(-153.9852))

        let out = folder.appendingPathComponent("terrain").path
        let t = try FarSideBinary.run(["terrain", a, "-o", out, "--quiet", "--cog"])
        XCTAssertEqual(t.status, 0, t.stderr)
        for p in ["slope", "aspect", "roughness"] {
            let ds = try RasterDataset.open("\(out)/\(p).tif")
            XCTAssertEqual(ds.metadataItem("LAYOUT", domain: "IMAGE_STRUCTURE"), "COG")
            XCTAssertTrue(ds.metadataItem("FARSIDE_COMMAND")?.contains("terrain") ?? false)
        }
    }

    func testFlatPresetIsAllZero() throws {
        let path = folder.appendingPathComponent("flat.tif").path
        XCTAssertEqual(try FarSideBinary.run(["synth", "--preset", "flat", "--size", "64", "-o", path]).status, 0)
        XCTAssertTrue(try TestSupport.readRaster(path).values.allSatisfy { $0 == 0 })
    }

    func testUsageErrorsExitWith2() throws {
        XCTAssertEqual(try FarSideBinary.run(["synth", "--preset", "mars", "-o", "x.tif"]).status, 2)
        XCTAssertEqual(try FarSideBinary.run(["terrain"]).status, 2)
        XCTAssertEqual(try FarSideBinary.run(["bogus"]).status, 2)
        XCTAssertEqual(try FarSideBinary.run(["--help"]).status, 0)
    }
}
