import Foundation
import GeoRaster
@testable import Mission
import XCTest

final class MissionProfileTests: XCTestCase {
    func testBuiltInProfilesParseWithTheIssueValues() throws {
        let ce6 = try MissionProfile.load("change6-lander")
        guard case let .box(latMin, latMax, lonMin, lonMax) = ce6.region else { return XCTFail("box region") }
        XCTAssertEqual([latMin, latMax, lonMin, lonMax], [-45, -41, -158, -150])
        XCTAssertEqual(ce6.start?.utcISO8601, "2024-06-01T22:23:00.000Z")
        XCTAssertEqual(ce6.end!.tdbSecondsPastJ2000 - ce6.start!.tdbSecondsPastJ2000, 49 * 3600, accuracy: 1e-6)
        XCTAssertEqual(ce6.criteria.first { $0.layer == .slope }?.max, 8)
        XCTAssertEqual(ce6.ellipse?.semiMajorM, 2500)
        XCTAssertEqual(ce6.ellipse?.semiMinorM, 1250)
        XCTAssertEqual(ce6.ellipse?.minSafeFraction, 0.95)
        XCTAssertEqual(ce6.orbit, "queqiao-2")
        XCTAssertTrue(ce6.needsTime)

        let ilrs = try MissionProfile.load("ilrs-south-pole")
        XCTAssertEqual(ilrs.heightM, 2)
        XCTAssertEqual(ilrs.criteria.first { $0.layer == .slope }?.max, 10)
        XCTAssertEqual(ilrs.criteria.first { $0.layer == .psrTraverseM }?.max, 5000)
        XCTAssertEqual(ilrs.rover?.name, "viper-class")
        XCTAssertEqual(ilrs.psrReachM, 5000)
        XCTAssertEqual(ilrs.end!.tdbSecondsPastJ2000 - ilrs.start!.tdbSecondsPastJ2000, 8760 * 3600, accuracy: 1e-6)

        let terrain = try MissionProfile.load("terrain-only")
        XCTAssertFalse(terrain.needsTime)
        if case .whole = terrain.region {} else { XCTFail("terrain-only covers the whole DEM") }
    }

    func testRegionContainment() {
        let box = MissionProfile.Region.box(latMin: -45, latMax: -41, lonMin: -158, lonMax: -150)
        XCTAssertTrue(SiteGrid.contains(box, lat: -41.6385, lon: -153.9852, radiusKm: 1737.4))
        XCTAssertTrue(SiteGrid.contains(box, lat: -41.6385, lon: 206.0148, radiusKm: 1737.4), "east longitudes 0..360 too")
        XCTAssertFalse(SiteGrid.contains(box, lat: -40, lon: -153, radiusKm: 1737.4))
        let circle = MissionProfile.Region.circle(lat: -90, lon: 0, radiusKm: 60)
        XCTAssertTrue(SiteGrid.contains(circle, lat: -89.0, lon: 123, radiusKm: 1737.4))    // 30.3 km from the pole
        XCTAssertFalse(SiteGrid.contains(circle, lat: -88.0, lon: 0, radiusKm: 1737.4))     // 60.6 km
    }

    func testValidationNamesTheFieldAndLine() throws {
        let yaml = """
        name: x
        criteria:
          - layer: slope
            max: 8
            membership: {linear: [8, 8]}
            weight: 1
        """
        XCTAssertThrowsError(try MissionProfile.parse(.init(yaml: yaml, source: "p.yaml", what: "profile"), text: yaml)) { error in
            let message = "\(error)"
            XCTAssertTrue(message.hasPrefix("p.yaml:5: criteria[0].membership.linear:"), message)
            XCTAssertEqual((error as? FarSideError)?.exitCode, 3)
        }
        let negative = "name: x\ncriteria:\n  - {layer: slope, max: 8}\nranking: {count: 0}\n"
        XCTAssertThrowsError(try MissionProfile.parse(.init(yaml: negative, source: "q.yaml", what: "profile"), text: negative)) {
            XCTAssertTrue("\($0)".contains("ranking.count"), "\($0)")
        }
    }

    /// The ellipse outline on the sphere: semi-axes along the azimuth and across it.
    func testEllipseRingLiesOnTheEllipse() {
        let e = MissionProfile.Ellipse(semiMajorM: 2500, semiMinorM: 1250, azimuthDeg: 90, minSafeFraction: 0.95)
        let ring = SiteOutputs.ellipseRing(lat: -41.6385, lon: -153.9852, ellipse: e, points: 4)
        let metresPerDegree = 1_737_400 * Double.pi / 180
        // Point 0: along the major axis (east, azimuth 90); point 1: along the minor axis (south).
        XCTAssertEqual((ring[0].x + 153.9852) * cos(-41.6385 * .pi / 180) * metresPerDegree, 2500, accuracy: 1)
        // A great circle leaving due east bends toward the equator by d^2 tan(lat) / 2R = 1.6 m over 2.5 km.
        XCTAssertEqual((ring[0].y + 41.6385) * metresPerDegree, 2500 * 2500 * tan(41.6385 * .pi / 180) / (2 * 1_737_400), accuracy: 0.1)
        XCTAssertEqual((ring[1].y + 41.6385) * metresPerDegree, -1250, accuracy: 1)
    }

    func testCSVQuotesFieldsWithCommas() {
        XCTAssertEqual(SiteOutputs.csvField("a,b"), "\"a,b\"")
        XCTAssertEqual(SiteOutputs.csvField("say \"hi\""), "\"say \"\"hi\"\"\"")
        XCTAssertEqual(SiteOutputs.csvField("plain"), "plain")
    }
}
