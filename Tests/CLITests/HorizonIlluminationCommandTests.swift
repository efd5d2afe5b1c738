import Foundation
import GeoRaster
import TestSupport
import XCTest

final class HorizonIlluminationCommandTests: XCTestCase {
    var folder: URL!
    override func setUp() { folder = TestSupport.scratchDirectory("illum") }
    override func tearDown() { try? FileManager.default.removeItem(at: folder) }

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    func testHorizonThenIlluminationOnAPolarDEM() throws {
        XCTAssertEqual(try FarSideBinary.run(["synth", "--preset", "south-pole", "--size", "48", "--resolution", "300", "--seed", "2", "-o", path("dem.tif"), "--quiet"]).status, 0)
        let h = try FarSideBinary.run(["horizon", path("dem.tif"), "-o", path("h.tif"), "--azimuths", "36", "--height-m", "2", "--quiet"])
        XCTAssertEqual(h.status, 0, h.stderr)
        let horizon = try RasterDataset.open(path("h.tif"))
        XCTAssertEqual(horizon.bandCount, 36)
        XCTAssertEqual(horizon.metadataItem("AZIMUTH_DEG", band: 10), "90.0", "band k = azimuth (k-1) * 360 / A")
        XCTAssertEqual(horizon.metadataItem("OBSERVER_HEIGHT_M"), "2.0")
        XCTAssertEqual(horizon.body, .moon)

        let out = path("illum")
        let i = try FarSideBinary.run(["illumination", path("dem.tif"), "-o", out, "--start", "2024-01-01T00:00:00Z", "--end", "2024-03-01T00:00:00Z",
                                       "--step", "6h", "--horizon", path("h.tif"), "--quiet"])
        XCTAssertEqual(i.status, 0, i.stderr)
        for name in ["sun_fraction", "max_darkness_h", "psr", "earth_fraction"] {
            let grid = try TestSupport.readRaster("\(out)/\(name).tif")
            XCTAssertEqual(grid.validCount, 48 * 48, name)
            XCTAssertTrue(grid.values.allSatisfy { $0 >= 0 }, name)
        }
        let sun = try TestSupport.readRaster("\(out)/sun_fraction.tif")
        XCTAssertTrue(sun.values.allSatisfy { $0 <= 1 })
        XCTAssertGreaterThan(sun.values.max()!, 0.2)
        let dark = try TestSupport.readRaster("\(out)/max_darkness_h.tif")
        XCTAssertLessThanOrEqual(dark.values.max()!, Float(60 * 24), "no run longer than the window")
    }

    /// Horizons too large for the memory budget go through a temporary Int16 file read block by block:
    /// the results are the same as from memory, and the temporary file is gone afterwards.
    func testFileBackedHorizonsGiveTheSameMaps() throws {
        XCTAssertEqual(try FarSideBinary.run(["synth", "--preset", "south-pole", "--size", "300", "--resolution", "100", "--seed", "4", "-o", path("dem.tif"), "--quiet"]).status, 0)
        let common = ["--start", "2024-05-01T00:00:00Z", "--end", "2024-06-01T00:00:00Z", "--step", "4h", "--azimuths", "24", "--quiet", "--threads", "2"]
        XCTAssertEqual(try FarSideBinary.run(["illumination", path("dem.tif"), "-o", path("mem")] + common).status, 0)
        let r = try FarSideBinary.run(["illumination", path("dem.tif"), "-o", path("disk"), "--horizon-cache-mb", "0"] + common)
        XCTAssertEqual(r.status, 0, r.stderr)
        for name in ["sun_fraction", "max_darkness_h", "psr", "earth_fraction"] {
            // The same maps, value for value: one Int16 encoder and decoder in memory and on disk.
            let a = try TestSupport.readRaster(path("mem/\(name).tif")), b = try TestSupport.readRaster(path("disk/\(name).tif"))
            let differing = zip(a.values, b.values).filter { !($0.isNaN && $1.isNaN) && $0 != $1 }.count
            XCTAssertEqual(differing, 0, "\(name): cells differing between --horizon-cache-mb 1024 and 0")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: path("disk")).sorted(),
                       ["earth_fraction.tif", "max_darkness_h.tif", "psr.tif", "sun_fraction.tif"])
        // --int16 horizons read back within half a hundredth of a degree of Float32 ones.
        XCTAssertEqual(try FarSideBinary.run(["horizon", path("dem.tif"), "-o", path("h32.tif"), "--azimuths", "8", "--quiet"]).status, 0)
        XCTAssertEqual(try FarSideBinary.run(["horizon", path("dem.tif"), "-o", path("h16.tif"), "--azimuths", "8", "--int16", "--quiet"]).status, 0)
        let h32 = try RasterDataset.open(path("h32.tif")), h16 = try RasterDataset.open(path("h16.tif"))
        let a = try h32.readBand(3), b = try h16.readBand(3)
        for i in a.values.indices where !a.values[i].isNaN { XCTAssertEqual(a.values[i], b.values[i], accuracy: 0.0051) }
    }

    func testBadWindowAndMismatchedHorizon() throws {
        XCTAssertEqual(try FarSideBinary.run(["synth", "--preset", "flat", "--size", "20", "-o", path("a.tif")]).status, 0)
        XCTAssertEqual(try FarSideBinary.run(["synth", "--preset", "flat", "--size", "24", "-o", path("b.tif")]).status, 0)
        let backwards = try FarSideBinary.run(["illumination", path("a.tif"), "-o", path("o1"), "--start", "2024-02-01T00:00:00Z", "--end", "2024-01-01T00:00:00Z"])
        XCTAssertEqual(backwards.status, 2, backwards.stderr)
        let badStep = try FarSideBinary.run(["illumination", path("a.tif"), "-o", path("o2"), "--start", "2024-01-01T00:00:00Z", "--end", "2024-01-02T00:00:00Z", "--step", "soon"])
        XCTAssertEqual(badStep.status, 2)
        XCTAssertTrue(badStep.stderr.contains("soon"))
        XCTAssertEqual(try FarSideBinary.run(["horizon", path("b.tif"), "-o", path("hb.tif"), "--azimuths", "8", "--quiet"]).status, 0)
        let mismatch = try FarSideBinary.run(["illumination", path("a.tif"), "-o", path("o3"), "--start", "2024-01-01T00:00:00Z", "--end", "2024-01-02T00:00:00Z", "--horizon", path("hb.tif")])
        XCTAssertEqual(mismatch.status, 3)
        XCTAssertTrue(mismatch.stderr.contains("hb.tif"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("o3/sun_fraction.tif")))
    }
}

/// `--far-field`: the real LDEM_4 resampled around a south-polar site DEM raises horizons where distant
/// massifs stand, and never lowers them.
final class FarFieldCommandTests: XCTestCase {
    func testLDEM4FarFieldRaisesPolarHorizons() throws {
        try TestSupport.requireLDEM4()
        let folder = TestSupport.scratchDirectory("farfield")
        defer { try? FileManager.default.removeItem(at: folder) }
        let dem = folder.appendingPathComponent("flat.tif").path
        XCTAssertEqual(try FarSideBinary.run(["synth", "--preset", "flat", "--size", "40", "--resolution", "500", "-o", dem]).status, 0)
        let near = folder.appendingPathComponent("near.tif").path, far = folder.appendingPathComponent("far.tif").path
        XCTAssertEqual(try FarSideBinary.run(["horizon", dem, "-o", near, "--azimuths", "24", "--quiet"]).status, 0)
        let r = try FarSideBinary.run(["horizon", dem, "-o", far, "--azimuths", "24", "--far-field", TestSupport.ldem4,
                                       "--far-field-margin-km", "150", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let a = try RasterDataset.open(near), b = try RasterDataset.open(far)
        var raised = 0, lowered = 0
        for band in 1...24 {
            let x = try a.readBand(band), y = try b.readBand(band)
            for i in x.values.indices {
                if y.values[i] > x.values[i] + 0.05 { raised += 1 }
                if y.values[i] < x.values[i] - 1e-4 { lowered += 1 }
            }
        }
        XCTAssertGreaterThan(raised, 40 * 40 * 24 / 4, "distant polar massifs rise above a flat site's horizon in many directions")
        XCTAssertEqual(lowered, 0)
        XCTAssertEqual(b.metadataItem("FAR_FIELD"), TestSupport.ldem4)
    }
}
