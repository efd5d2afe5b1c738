import Foundation
import GeoRaster
import TestSupport
import XCTest

/// Issue 12 sections 4 and 6.2 through the CLI: geographic DEMs reaching the pole (horizons through
/// polar stereographic, one note line) and geographic DEMs whose rows run past the pole (exit 3).
///
/// Crater centres (planetocentric, east positive): Shackleton -89.67, 129.78 (docs/references.md);
/// Shoemaker -88.14, 44.91, Haworth -87.2, -7.49 and Faustini -87.18, 85.02 (IAU/USGS Gazetteer of
/// Planetary Nomenclature). Older published positions differ for Haworth (87.45 S 5.17 W, 2008 naming;
/// 86.9 S 4 W) and Faustini (87.3 S 77.0 E), so Shackleton and Shoemaker are required and at least
/// three of the four. All are permanently shadowed on LOLA topography (Mazarico et al. 2011).
final class PolarGeographicCommandTests: XCTestCase {
    var folder: URL!
    override func setUp() { folder = TestSupport.scratchDirectory("polar-cli") }
    override func tearDown() { try? FileManager.default.removeItem(at: folder) }

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    static let floors: [(name: String, lat: Double, lon: Double)] = [
        ("Shackleton", -89.67, 129.78), ("Haworth", -87.2, -7.49), ("Shoemaker", -88.14, 44.91), ("Faustini", -87.18, 85.02),
    ]

    /// LDEM_4 rows 84 S ... 90 S (all longitudes, 0 ... 360 E) as a geographic (IAU_2015:30100) GeoTIFF.
    func polarCrop() throws -> String {
        try TestSupport.requireLDEM4()
        let ldem = try RasterDataset.open(TestSupport.ldem4)
        defer { ldem.close() }
        let rows = 24
        let grid = try ldem.read(row: ldem.height - rows, height: rows)
        return try TestSupport.writeRaster(grid, to: path("south-cap.tif"),
                                           transform: GeoTransform(originX: 0, originY: -84, pixelWidth: 0.25, pixelHeight: -0.25),
                                           crs: "IAU_2015:30100")
    }

    func testIlluminationOnGeographicCropReachingThePoleFindsShadowedFloors() throws {
        let dem = try polarCrop()
        let out = path("ill")
        let r = try FarSideBinary.run(["illumination", dem, "-o", out, "--start", "2027-01-01T00:00:00Z", "--end", "2028-01-01T00:00:00Z",
                                       "--step", "1d", "--azimuths", "36", "--threads", "2"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let notes = r.stderr.split(separator: "\n").filter { $0.hasPrefix("farside: note:") }
        XCTAssertEqual(notes.count, 1, r.stderr)
        XCTAssertTrue(notes.first?.contains("south-cap.tif is geographic near the pole; horizons computed on IAU_2015:30135 at 7.6 km") ?? false, r.stderr)

        let ds = try RasterDataset.open(out + "/psr.tif")
        defer { ds.close() }
        let psr = try ds.readRows(0..<ds.height), transformer = try CoordinateTransformer(crs: ds.crs)
        XCTAssertEqual(ds.geoTransform, GeoTransform(originX: 0, originY: -84, pixelWidth: 0.25, pixelHeight: -0.25), "results on the user's grid")
        var shadowed: [String] = []
        for f in Self.floors {
            let p = try XCTUnwrap(ds.pixel(lat: f.lat, lon: f.lon, using: transformer), f.name)
            if psr[Int(p.row), Int(p.column)] == 1 { shadowed.append(f.name) }
        }
        XCTAssertTrue(shadowed.contains("Shackleton") && shadowed.contains("Shoemaker"), "shadowed: \(shadowed)")
        XCTAssertGreaterThanOrEqual(shadowed.count, 3, "shadowed: \(shadowed)")
        let sun = try TestSupport.readRaster(out + "/sun_fraction.tif")
        XCTAssertGreaterThan(sun.values.filter { !$0.isNaN }.max() ?? 0, 0.3, "lit rims")
        let shadowedCells = psr.values.filter { $0 == 1 }.count
        XCTAssertTrue((100..<(psr.values.count / 4)).contains(shadowedCells), "\(shadowedCells) permanently shadowed cells")

        let quiet = try FarSideBinary.run(["illumination", dem, "-o", path("ill-quiet"), "--start", "2027-01-01T00:00:00Z",
                                           "--end", "2027-01-03T00:00:00Z", "--step", "1d", "--azimuths", "8", "--quiet"])
        XCTAssertEqual(quiet.status, 0, quiet.stderr)
        XCTAssertFalse(quiet.stderr.contains("note:"), "--quiet hides the note")
    }

    /// Relay map mode goes through the same projected horizons (one note line, maps on the user's grid).
    func testRelayMapsOnGeographicCapReachingThePole() throws {
        let dem = try polarCrop()
        let out = path("relay")
        let r = try FarSideBinary.run(["relay", dem, "-o", out, "--start", "2027-01-01T00:00:00Z", "--end", "2027-01-02T00:00:00Z",
                                       "--step", "2h", "--azimuths", "8", "--threads", "2"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stderr.split(separator: "\n").filter { $0.hasPrefix("farside: note:") && $0.contains("IAU_2015:30135") }.count, 1, r.stderr)
        let relay = try RasterDataset.open(out + "/relay_fraction.tif")
        defer { relay.close() }
        XCTAssertEqual(relay.width, 1440)
        XCTAssertEqual(relay.geoTransform, GeoTransform(originX: 0, originY: -84, pixelWidth: 0.25, pixelHeight: -0.25))
        let values = try relay.readRows(0..<relay.height).values.filter { !$0.isNaN }
        XCTAssertEqual(values.count, 1440 * 24)
        XCTAssertTrue(values.allSatisfy { (0...1).contains($0) })
    }

    /// `farside horizon` on the geographic cap: bands follow the geographic grid's convention (azimuth
    /// clockwise from true north); inside Shackleton (4.2 km deep) the horizon is high all around.
    func testHorizonFileOnGeographicCapIsOnTheUsersGrid() throws {
        let dem = try polarCrop()
        let out = path("h.tif")
        let r = try FarSideBinary.run(["horizon", dem, "-o", out, "--azimuths", "8", "--threads", "2"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("farside: note:"), r.stderr)
        let ds = try RasterDataset.open(out)
        defer { ds.close() }
        XCTAssertEqual(ds.bandCount, 8)
        XCTAssertEqual(ds.width, 1440)
        XCTAssertNotNil(ds.metadataItem("HORIZON_GRID"))
        let transformer = try CoordinateTransformer(crs: ds.crs)
        let p = try XCTUnwrap(ds.pixel(lat: -89.67, lon: 129.78, using: transformer))
        for band in 1...8 {
            var v: Float = .nan
            try ds.readBand(band, into: &v, column: Int(p.column), row: Int(p.row), width: 1, height: 1, lineStride: 1)
            XCTAssertGreaterThan(v, 2, "Shackleton floor horizon, band \(band)")
        }
        // Grid convergence: a cone rising toward the pole (2 km per degree of latitude) seen from a
        // geographic grid. At every longitude the horizon toward true south (band 19 of 36, 180 deg) climbs
        // the cone and toward true north (band 1) looks down it; east and west (bands 10, 28) agree. Without
        // the per-cell rotation from the polar grid's azimuths, these would swap around the cap.
        var cone = Grid(width: 1440, height: 24, repeating: 0)
        for r in 0..<24 { for c in 0..<1440 { cone[r, c] = Float(2000 * 0.25 * (Double(r) + 0.5)) } }
        let conePath = try TestSupport.writeRaster(cone, to: path("cone.tif"),
                                                   transform: GeoTransform(originX: 0, originY: -84, pixelWidth: 0.25, pixelHeight: -0.25),
                                                   crs: "IAU_2015:30100")
        let f = try FarSideBinary.run(["horizon", conePath, "-o", path("hc.tif"), "--azimuths", "36", "--quiet"])
        XCTAssertEqual(f.status, 0, f.stderr)
        XCTAssertFalse(f.stderr.contains("note:"), "--quiet hides the note")
        let hc = try RasterDataset.open(path("hc.tif"))
        defer { hc.close() }
        func value(_ band: Int, _ column: Int) throws -> Float {
            var v: Float = .nan
            try hc.readBand(band, into: &v, column: column, row: 12, width: 1, height: 1, lineStride: 1)
            return v
        }
        for column in stride(from: 100, to: 1440, by: 180) {
            let north = try value(1, column), east = try value(10, column), south = try value(19, column), west = try value(28, column)
            XCTAssertGreaterThan(south, 2, "toward the pole at column \(column)")
            XCTAssertLessThan(north, -1, "away from the pole at column \(column)")
            XCTAssertEqual(east, west, accuracy: 0.3, "column \(column)")
            XCTAssertLessThan(east, south, "column \(column)")
        }
    }

    /// Section 6.2: a geographic DEM whose rows run past the pole (top -89, bottom -91) is exit 3 with one
    /// line naming the file, in every command that reads a DEM, and leaves nothing behind.
    func testRowsPastThePoleAreRefused() throws {
        let dem = try TestSupport.writeRaster(Grid(width: 16, height: 8, repeating: 100), to: path("past-pole.tif"),
                                              transform: GeoTransform(originX: 0, originY: -89, pixelWidth: 0.5, pixelHeight: -0.25),
                                              crs: "IAU_2015:30100")
        let window = ["--start", "2027-01-01T00:00:00Z", "--end", "2027-01-02T00:00:00Z"]
        let commands: [(String, [String])] = [
            ("info", ["info", dem]),
            ("terrain", ["terrain", dem, "-o", path("t")]),
            ("horizon", ["horizon", dem, "-o", path("h/h.tif")]),
            ("illumination", ["illumination", dem, "-o", path("i")] + window),
            ("relay", ["relay", dem, "-o", path("r")] + window),
            ("rank", ["rank", "--profile", "terrain-only", "--dem", dem, "-o", path("k")]),
        ]
        for (name, arguments) in commands {
            let r = try FarSideBinary.run(arguments)
            XCTAssertEqual(r.status, 3, "\(name): \(r.stderr)")
            let lines = r.stderr.split(separator: "\n")
            XCTAssertEqual(lines.count, 1, "\(name): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("past-pole.tif") && r.stderr.contains("-91.000"), "\(name): \(r.stderr)")
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        XCTAssertEqual(left, ["past-pole.tif"])
    }
}
