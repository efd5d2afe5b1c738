import Foundation
import GeoRaster
import TestSupport
import XCTest

final class CRSTests: XCTestCase {
    func testBodiesAreRecognised() throws {
        XCTAssertEqual(try SpatialReference(definition: "IAU_2015:30100").body, .moon)
        XCTAssertEqual(try SpatialReference(definition: "IAU_2015:30135").body, .moon)
        XCTAssertEqual(try SpatialReference(definition: "ESRI:104903").body, .moon)
        XCTAssertEqual(try SpatialReference(definition: "EPSG:4326").body, .earth)
        XCTAssertEqual(try SpatialReference(definition: "EPSG:3031").body, .earth)
        if case .other = try SpatialReference(definition: "IAU_2015:49900").body {} else { XCTFail("Mars is not the Moon") }
        XCTAssertEqual(try SpatialReference(definition: "+proj=longlat +R=1737400 +no_defs").body, .moon, "a nameless lunar sphere")
        XCTAssertThrowsError(try SpatialReference(definition: "NOT:A:CRS"))
    }

    /// docs/references.md: polar stereographic latitude from radius r: lat = -90 + 2 atan(0.5 r / 1737400).
    func testSouthPolarStereographicMatchesTheLOLAFormula() throws {
        let t = try CoordinateTransformer(crs: .moonSouthPolar())
        for (x, y) in [(0.0, 10_000.0), (50_000.0, -20_000.0), (-120_000.0, 90_000.0)] {
            let ll = try XCTUnwrap(t.latLon(x: x, y: y))
            let r = hypot(x, y)
            XCTAssertEqual(ll.lat, -90 + 2 * atan(0.5 * r / 1_737_400) * 180 / .pi, accuracy: 1e-9)
            let back = try XCTUnwrap(t.map(lat: ll.lat, lon: ll.lon))
            XCTAssertEqual(back.x, x, accuracy: 1e-5)
            XCTAssertEqual(back.y, y, accuracy: 1e-5)
        }
        // Longitude: x = rho sin(lon), y = rho cos(lon) on the south polar grid.
        let p = try XCTUnwrap(t.latLon(x: 10_000, y: 0))
        XCTAssertEqual(p.lon, 90, accuracy: 1e-9)
    }

    func testLongitudesWrapToPlusMinus180() {
        XCTAssertEqual(CoordinateTransformer.wrapLongitude(206.0148), -153.9852, accuracy: 1e-9)
        XCTAssertEqual(CoordinateTransformer.wrapLongitude(-190), 170, accuracy: 1e-9)
        XCTAssertEqual(CoordinateTransformer.wrapLongitude(180), 180)
    }
}
