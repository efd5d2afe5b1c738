import GeoRaster
import TestSupport
import XCTest

/// The real LRO LOLA LDEM_4 product (PDS3, ../shared/data/lola): GDAL's Offset is the reference radius.
final class LOLATests: XCTestCase {
    var dataset: RasterDataset!
    var transformer: CoordinateTransformer!

    override func setUpWithError() throws {
        try TestSupport.requireLDEM4()
        dataset = try RasterDataset.open(TestSupport.ldem4)
        transformer = try CoordinateTransformer(crs: dataset.crs)
    }

    func height(lat: Double, lon: Double) throws -> Float {
        let p = try XCTUnwrap(dataset.pixel(lat: lat, lon: lon, using: transformer))
        return try dataset.read(column: Int(p.column), row: Int(p.row), width: 1, height: 1).values[0]
    }

    func testOffsetIsRecognisedAsTheReferenceRadius() {
        XCTAssertEqual(dataset.driverName, "PDS")
        XCTAssertEqual(dataset.body, .moon)
        XCTAssertEqual(dataset.radius, 1_737_400)
        XCTAssertTrue(dataset.offsetIsRadius)
        XCTAssertEqual(dataset.scale, 0.5)
        XCTAssertEqual(dataset.heightOffset, 0)
    }

    func testHeightAtTheChangE6LandingSite() throws {
        XCTAssertEqual(try height(lat: -41.6385, lon: -153.9852), -5252, accuracy: 1)
        XCTAssertEqual(try height(lat: -41.6385, lon: 206.0148), -5252, accuracy: 1, "east longitudes 0..360 too")
        XCTAssertEqual(Double(try height(lat: -36.1, lon: -151.7)), -5470, accuracy: 60, "Apollo basin centre")
    }

    func testGlobalExtremesAreWhereTheREADMESays() throws {
        let stats = try RasterStatistics.compute(dataset)
        XCTAssertEqual(stats.validCount, 1440 * 720)
        XCTAssertEqual(stats.minimum, -8878.5)
        XCTAssertEqual(stats.maximum, 10504)
        let low = try XCTUnwrap(dataset.latLon(column: Double(stats.minimumAt.column), row: Double(stats.minimumAt.row), using: transformer))
        let high = try XCTUnwrap(dataset.latLon(column: Double(stats.maximumAt.column), row: Double(stats.maximumAt.row), using: transformer))
        XCTAssertEqual(low.lat, -70.4, accuracy: 0.15)
        XCTAssertEqual(low.lon + 360, 187.6, accuracy: 0.15)
        XCTAssertEqual(high.lat, 5.4, accuracy: 0.15)
        XCTAssertEqual(high.lon + 360, 201.4, accuracy: 0.15)
    }

    func testSummaryReportsLunarGeometry() throws {
        let s = try RasterSummary.make(dataset)
        XCTAssertEqual(s.cell_size.x_min_m, 7580.84, accuracy: 0.01)
        XCTAssertEqual(s.bounds.lat_min, -90, accuracy: 1e-6)
        XCTAssertEqual(s.bounds.lat_max, 90, accuracy: 1e-6)
        XCTAssertEqual(s.body, "Moon")
    }

    /// --distances true on an equirectangular grid: east-west sizes shrink as cos(lat).
    func testTrueDistancesOnTheCylindricalGrid() throws {
        let ds = try RasterDataset.open(TestSupport.ldem4, options: OpenOptions(distances: .true))
        let m = ds.cellMetrics
        let row = 240  // centre latitude 90 - 240.5 / 4 = 29.875 N
        XCTAssertEqual(m.dx[row], 7580.84 * cos(29.875 * .pi / 180), accuracy: 0.01)
        XCTAssertEqual(m.dy[row], 7580.84, accuracy: 1e-6)
    }
}
