import Foundation
import TestSupport
import XCTest

/// `farside sun` against docs/references.md's independent skyfield + DE421 + MOON_ME_DE421 check values.
final class SunCommandTests: XCTestCase {
    var kernels: String { TestSupport.sharedData.appendingPathComponent("kernels").path }

    func json(_ arguments: [String]) throws -> [String: Any] {
        let r = try FarSideBinary.run(["sun", "--json"] + arguments)
        XCTAssertEqual(r.status, 0, r.stderr)
        return try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
    }

    func testChangE6SunAtLandingTimeWithBothEphemerides() throws {
        for extra in [[], ["--kernels", kernels]] {
            let j = try json(["--lat", "-41.625", "--lon", "-153.978", "--time", "2024-06-01T22:23:00Z"] + extra)
            XCTAssertEqual(j["sun_elevation_deg"] as! Double, 36.74, accuracy: 0.01, "\(extra)")
            XCTAssertEqual(j["sun_azimuth_deg"] as! Double, 45.45, accuracy: 0.01, "\(extra)")
            for key in ["earth_azimuth_deg", "earth_elevation_deg", "subearth_lat_deg", "subearth_lon_deg", "subsolar_lat_deg", "subsolar_lon_deg"] {
                XCTAssertNotNil(j[key] as? Double, key)
            }
            XCTAssertLessThan(j["earth_elevation_deg"] as! Double, 0, "the far side never sees the Earth")
        }
    }

    /// Sub-solar (1.315, -119.958) and sub-Earth (0.173, 0.160) at 2024-06-02T00:00Z (geometric values in
    /// docs/references.md; FarSide reports apparent directions, which move the sub-solar longitude by ~0.006 deg).
    func testSubSolarAndSubEarthPoints() throws {
        let j = try json(["--lat", "0", "--lon", "0", "--time", "2024-06-02T00:00:00Z", "--kernels", kernels])
        XCTAssertEqual(j["subsolar_lat_deg"] as! Double, 1.315, accuracy: 0.01)
        XCTAssertEqual(j["subsolar_lon_deg"] as! Double, -119.958, accuracy: 0.01)
        XCTAssertEqual(j["subearth_lat_deg"] as! Double, 0.173, accuracy: 0.01)
        XCTAssertEqual(j["subearth_lon_deg"] as! Double, 0.160, accuracy: 0.01)
        XCTAssertEqual(j["earth_elevation_deg"] as! Double, 90, accuracy: 0.3, "sub-Earth point is near (0, 0)")
    }

    func testBadTimeAndMissingKernels() throws {
        let bad = try FarSideBinary.run(["sun", "--lat", "0", "--lon", "0", "--time", "yesterday"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("yesterday"))
        let missing = try FarSideBinary.run(["sun", "--lat", "0", "--lon", "0", "--time", "2024-01-01T00:00:00Z", "--kernels", "/nonexistent/kernels"])
        XCTAssertEqual(missing.status, 3)
        XCTAssertTrue(missing.stderr.contains("/nonexistent/kernels"))
        XCTAssertEqual(missing.stderr.split(whereSeparator: \.isNewline).count, 1)
        XCTAssertEqual(try FarSideBinary.run(["sun", "--lat", "95", "--lon", "0", "--time", "2024-01-01T00:00:00Z"]).status, 2)
    }
}
