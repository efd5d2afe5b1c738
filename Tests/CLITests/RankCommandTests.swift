import Foundation
import GeoRaster
import TestSupport
import XCTest

/// `farside rank`: known safe and unsafe terrain, every output readable, bad profiles, and the real
/// Chang'e-6 site on LOLA LDEM_4.
final class RankCommandTests: XCTestCase {
    var folder: URL!
    override func setUp() { folder = TestSupport.scratchDirectory("rank") }
    override func tearDown() { try? FileManager.default.removeItem(at: folder) }
    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    /// A 20 m polar DEM: steep ground everywhere but two flat pads; the higher-scored pad (smoother)
    /// must be site 1, the other site 2, and feasibility must follow the slope limit exactly.
    func testTopSitesAreOnTheFlatPadsAndEveryOutputIsReadable() throws {
        let size = 80, cell = 20.0
        var dem = Grid(width: size, height: size, repeating: 0)
        for r in 0..<size { for c in 0..<size { dem[r, c] = Float(Double(c) * cell * 0.5) } }  // 26.6 deg everywhere
        for r in 10..<30 { for c in 10..<30 { dem[r, c] = 100 } }                             // pad A: flat
        for r in 50..<70 { for c in 45..<65 { dem[r, c] = Float(300 + (r + c) % 2) } }        // pad B: flat, 1 m texture
        try TestSupport.writeRaster(dem, to: path("dem.tif"), transform: GeoTransform(originX: 0, originY: 40_000, pixelWidth: cell, pixelHeight: -cell),
                                    crs: "IAU_2015:30135")
        try """
        name: pads
        criteria:
          - {layer: slope, max: 10, membership: {linear: [10, 0]}, weight: 2}
          - {layer: roughness, membership: {linear: [20, 0]}, weight: 1}
        ellipse: {semi_major_m: 60, semi_minor_m: 40, azimuth_deg: 30, min_safe_fraction: 1}
        ranking: {count: 2, min_separation_m: 600}
        """.write(toFile: path("pads.yaml"), atomically: true, encoding: .utf8)
        let r = try FarSideBinary.run(["rank", "--profile", path("pads.yaml"), "--dem", path("dem.tif"), "-o", path("out"), "--quiet", "--sensitivity", "5"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let csv = try String(contentsOfFile: path("out/sites.csv"), encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        XCTAssertEqual(csv.count, 3)
        let header = csv[0].map(String.init)
        let x = header.firstIndex(of: "x")!, y = header.firstIndex(of: "y")!
        func cellOf(_ row: [Substring]) -> (Int, Int) { (Int((40_000 - Double(row[y])!) / cell), Int(Double(row[x])! / cell)) }
        let first = cellOf(csv[1]), second = cellOf(csv[2])
        XCTAssertTrue((12..<28).contains(first.0) && (12..<28).contains(first.1), "site 1 on the smooth pad A: \(first)")
        XCTAssertTrue((52..<68).contains(second.0) && (47..<63).contains(second.1), "site 2 on pad B: \(second)")
        XCTAssertNotNil(Double(csv[1][header.firstIndex(of: "top_k_share")!]))
        // Feasible exactly where the slope limit and the ellipse allow: pad interiors only.
        let feasible = try TestSupport.readRaster(path("out/feasible.tif"))
        XCTAssertEqual(feasible[20, 20], 1)
        XCTAssertEqual(feasible[5, 5], 0)
        XCTAssertEqual(feasible[40, 40], 0)
        XCTAssertEqual(feasible[10, 20], 0, "pad edge: the ellipse reaches steep ground")
        let score = try RasterDataset.open(path("out/score.tif"))
        XCTAssertEqual(score.body, .moon)
        // GeoJSON with the lunar CRS named; GPKG with points and ellipses; PNG; self-contained HTML.
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path("out/sites.geojson")))) as! [String: Any]
        XCTAssertEqual(json["farside:crs"] as? String, "IAU_2015:30100")
        XCTAssertEqual((json["features"] as! [Any]).count, 2)
        if let ogrinfo = TestSupport.which("ogrinfo") {
            let info = try TestSupport.run(ogrinfo, ["-so", "-al", path("out/sites.gpkg")])
            XCTAssertTrue(info.stdout.contains("Layer name: sites") && info.stdout.contains("Layer name: landing_ellipses"), info.stdout)
            XCTAssertTrue(info.stdout.contains("Moon (2015)"))
        }
        let png = try Data(contentsOf: URL(fileURLWithPath: path("out/quicklook.png")))
        XCTAssertEqual(Array(png.prefix(4)), [0x89, 0x50, 0x4E, 0x47])
        let html = try String(contentsOfFile: path("out/report.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("<table id=\"sites\">") && html.contains("data:image/png;base64,") && html.contains("name: pads"))
        XCTAssertFalse(html.contains("src=\"http"), "self-contained")
    }

    /// A user raster (a "rock abundance" map on its own coarser grid) is resampled onto the DEM grid through
    /// GDAL and its hard limit removes the rocky half from the feasible cells.
    func testUserRasterLayerIsResampledAndLimits() throws {
        XCTAssertEqual(try FarSideBinary.run(["synth", "--preset", "flat", "--size", "60", "--resolution", "50", "-o", path("flat.tif")]).status, 0)
        // 3 km x 3 km DEM centred on the pole; rocks on the western half (x < 0), 150 m cells.
        var rocks = Grid(width: 30, height: 30, repeating: 0.05)
        for r in 0..<30 { for c in 0..<15 { rocks[r, c] = 0.8 } }
        try TestSupport.writeRaster(rocks, to: path("rocks.tif"), transform: GeoTransform(originX: -2250, originY: 2250, pixelWidth: 150, pixelHeight: -150),
                                    crs: "IAU_2015:30135")
        try """
        name: rocks
        criteria:
          - {layer: slope, max: 5}
          - {layer: raster, file: \(path("rocks.tif")), max: 0.5, membership: {linear: [0.5, 0]}, weight: 1}
        ranking: {count: 3, min_separation_m: 500}
        """.write(toFile: path("rocks.yaml"), atomically: true, encoding: .utf8)
        let r = try FarSideBinary.run(["rank", "--profile", path("rocks.yaml"), "--dem", path("flat.tif"), "-o", path("out"), "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let feasible = try TestSupport.readRaster(path("out/feasible.tif"))
        XCTAssertEqual(feasible[30, 10], 0, "rocky west")
        XCTAssertEqual(feasible[30, 50], 1, "clear east")
        let csv = try String(contentsOfFile: path("out/sites.csv"), encoding: .utf8)
        XCTAssertTrue(csv.split(separator: "\n")[0].contains("rocks"), "the raster criterion is reported under its file name")
    }

    func testBadProfilesAreExit3WithTheFieldNamed() throws {
        XCTAssertEqual(try FarSideBinary.run(["synth", "--preset", "flat", "--size", "16", "-o", path("flat.tif")]).status, 0)
        let cases: [(String, String)] = [
            ("name: x\ncriteria:\n  - {layer: slope, max: 8, weigth: 2}\n", "weigth"),
            ("name: x\ncriteria:\n  - {layer: slopes, max: 8}\n", "layer"),
            ("name: x\ncriteria:\n  - {layer: slope, max: eight}\n", "max"),
            ("name: x\ncriteria:\n  - {layer: slope, max: 8}\nellipse: {semi_major_m: 100, semi_minor_m: 50, min_safe_fraction: 1.5}\n", "min_safe_fraction"),
            ("name: x\ncriteria:\n  - {layer: sun_fraction, membership: {linear: [0, 1]}, weight: 1}\n", "time"),
            ("name: x\nregion: {lat_min: -40, lat_max: -45, lon_min: 0, lon_max: 1}\ncriteria:\n  - {layer: slope, max: 8}\n", "region"),
        ]
        for (k, (yaml, field)) in cases.enumerated() {
            let file = path("bad\(k).yaml")
            try yaml.write(toFile: file, atomically: true, encoding: .utf8)
            let r = try FarSideBinary.run(["rank", "--profile", file, "--dem", path("flat.tif"), "-o", path("o\(k)")])
            XCTAssertEqual(r.status, 3, "case \(k): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(field) && r.stderr.contains("bad\(k).yaml"), "case \(k): \(r.stderr)")
            XCTAssertEqual(r.stderr.split(whereSeparator: \.isNewline).count, 1)
            XCTAssertFalse(FileManager.default.fileExists(atPath: path("o\(k)/sites.csv")))
        }
        XCTAssertEqual(try FarSideBinary.run(["rank", "--profile", "no-such-profile", "--dem", path("flat.tif"), "-o", path("o")]).status, 3)
        let shown = try FarSideBinary.run(["rank", "--profile", "change6-lander", "--show-profile"])
        XCTAssertTrue(shown.stdout.contains("min_safe_fraction: 0.95"))
    }

    /// The real LOLA LDEM_4 far side: with the change6-lander profile the Chang'e-6 landing site (LROC fix)
    /// comes out feasible, and it lies in a scored, lit, relay-covered part of the zone.
    func testChangE6SiteIsFeasibleOnLDEM4() throws {
        try TestSupport.requireLDEM4()
        try "name,lat,lon\nChang'e-6,-41.6385,-153.9852\n".write(toFile: path("sites.csv"), atomically: true, encoding: .utf8)
        let r = try FarSideBinary.run(["rank", "--profile", "change6-lander", "--dem", TestSupport.ldem4, "-o", path("ce6"),
                                       "--sites", path("sites.csv"), "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = try String(contentsOfFile: path("ce6/sites.csv"), encoding: .utf8).split(separator: "\n")
        let header = lines[0].split(separator: ",").map(String.init)
        let row = lines[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(row[header.firstIndex(of: "name")!], "Chang'e-6")
        XCTAssertEqual(row[header.firstIndex(of: "feasible")!], "1", lines.joined(separator: "\n"))
        XCTAssertLessThan(Double(row[header.firstIndex(of: "slope")!])!, 8)
        XCTAssertGreaterThan(Double(row[header.firstIndex(of: "sun_fraction")!])!, 0.9, "landed in daylight")
        XCTAssertGreaterThan(Double(row[header.firstIndex(of: "relay_fraction")!])!, 0.3)
    }
}
