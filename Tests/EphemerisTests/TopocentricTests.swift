import Foundation
import XCTest
@testable import Ephemeris

final class TopocentricTests: XCTestCase {
    func testCardinalDirections() {
        // Site on the equator at longitude 0: up = +X, east = +Y, north = +Z.
        let far = 1e8
        let north = Topocentric.azimuthElevation(of: [1737.4, 0, far], latitude: 0, longitude: 0)
        XCTAssertEqual(north.azimuth, 0, accuracy: 1e-9)
        XCTAssertEqual(north.elevation, 0, accuracy: 1e-6)
        let east = Topocentric.azimuthElevation(of: [1737.4, far, 0], latitude: 0, longitude: 0)
        XCTAssertEqual(east.azimuth, 90, accuracy: 1e-9)
        let west = Topocentric.azimuthElevation(of: [1737.4, -far, 0], latitude: 0, longitude: 0)
        XCTAssertEqual(west.azimuth, 270, accuracy: 1e-9)
        let south = Topocentric.azimuthElevation(of: [1737.4, 0, -far], latitude: 0, longitude: 0)
        XCTAssertEqual(south.azimuth, 180, accuracy: 1e-9)
        let zenith = Topocentric.azimuthElevation(of: [far, 0, 0], latitude: 0, longitude: 0)
        XCTAssertEqual(zenith.elevation, 90, accuracy: 1e-9)
        // 45 deg up towards the north-east from a site at 30 N 60 E.
        let lat = 30.0 * .pi / 180, lon = 60.0 * .pi / 180
        let up = SIMD3(cos(lat) * cos(lon), cos(lat) * sin(lon), sin(lat))
        let e = SIMD3(-sin(lon), cos(lon), 0.0)
        let n = SIMD3(-sin(lat) * cos(lon), -sin(lat) * sin(lon), cos(lat))
        let dir = up * sin(.pi / 4) + (e + n) / 2.0.squareRoot() * cos(.pi / 4)
        let site = Topocentric.siteVector(latitude: 30, longitude: 60, heightMeters: 100)
        XCTAssertEqual(Vector3.length(site), 1737.5, accuracy: 1e-9)
        let h = Topocentric.azimuthElevation(of: site + 5000 * dir, latitude: 30, longitude: 60, heightMeters: 100)
        XCTAssertEqual(h.azimuth, 45, accuracy: 1e-9)
        XCTAssertEqual(h.elevation, 45, accuracy: 1e-9)
        XCTAssertEqual(h.distanceKm, 5000, accuracy: 1e-6)
    }

    func testParallaxIsIncluded() {
        // The Earth along ME +X (sub-Earth point 0, 0) seen from the limb site (0, 90 E): the
        // direction from the Moon's centre is in the local horizontal plane, but the site is
        // 1737.4 km "up", so the Earth is asin(1737.4 / 384400) = 0.259 deg BELOW the horizon.
        let earth = SIMD3<Double>(384_400, 0, 0)
        let h = Topocentric.azimuthElevation(of: earth, latitude: 0, longitude: 90)
        XCTAssertEqual(h.elevation, -atan2(1737.4, 384_400) * 180 / .pi, accuracy: 1e-12)
        XCTAssertEqual(h.elevation, -0.259, accuracy: 0.001)
        // 0.5 deg inside the limb: centre-based elevation 0.5 deg, topocentric lower by the parallax.
        let lon = 89.5 * .pi / 180
        let rel = earth - 1737.4 * SIMD3(cos(lon), sin(lon), 0)
        let expected = asin(Vector3.dot(rel, SIMD3(cos(lon), sin(lon), 0)) / Vector3.length(rel)) * 180 / .pi
        let h2 = Topocentric.azimuthElevation(of: earth, latitude: 0, longitude: 89.5)
        XCTAssertEqual(h2.elevation, expected, accuracy: 1e-12)
        XCTAssertEqual(h2.elevation, 0.5 - 0.259, accuracy: 0.002)
        XCTAssertEqual(h2.azimuth, 270, accuracy: 1e-9) // due west
    }

    func testSunAtZenithOverSubSolarPoint() throws {
        let analytical = AnalyticalEphemeris()
        for text in ["2024-06-01T22:23:00Z", "1995-03-10T04:00:00Z", "2041-11-30T18:30:00Z"] {
            let e = try Epoch(text)
            let sub = analytical.subSolarPoint(at: e)
            let h = analytical.horizontal(of: .sun, at: e, latitude: sub.latitude, longitude: sub.longitude)
            XCTAssertEqual(h.elevation, 90, accuracy: 1e-6, text)
            let subE = analytical.subEarthPoint(at: e)
            // Parallax: from the surface the Earth is at the zenith too (site lies on the line).
            let he = analytical.horizontal(of: .earth, at: e, latitude: subE.latitude, longitude: subE.longitude)
            XCTAssertEqual(he.elevation, 90, accuracy: 1e-6, text)
            // The antipode of the sub-solar point has the Sun at the nadir (-90).
            let anti = analytical.horizontal(of: .sun, at: e, latitude: -sub.latitude, longitude: sub.longitude + 180)
            XCTAssertEqual(anti.elevation, -90, accuracy: 1e-6, text)
            XCTAssertTrue((-180...180).contains(sub.longitude))
        }
    }

    func testAgainstSkyfieldSites() throws {
        let spice = try SharedSpice.get()
        let analytical = AnalyticalEphemeris()
        let fx = try SkyfieldFixture.load()
        XCTAssertFalse(fx.topocentric.isEmpty)
        for site in fx.topocentric {
            let e = try Epoch(site.utc)
            for (body, el, az) in [(Body.sun, site.sunElevationDeg, site.sunAzimuthDeg), (.earth, site.earthElevationDeg, site.earthAzimuthDeg)] {
                // skyfield iterates light time from the site itself; subtracting the site from the
                // Moon-centred apparent vector differs by < 3e-5 deg (Earth; Sun < 1e-6 deg).
                let s = spice.horizontal(of: body, at: e, latitude: site.lat, longitude: site.lon, heightMeters: site.heightM)
                XCTAssertEqual(s.elevation, el, accuracy: 1e-4, "\(site.name) \(body)")
                // Azimuth error scales with 1/cos(elevation); compare on the sky.
                XCTAssertEqual(lonDiff(s.azimuth, az) * cos(el * .pi / 180), 0, accuracy: 1e-4, "\(site.name) \(body)")
                let a = analytical.horizontal(of: body, at: e, latitude: site.lat, longitude: site.lon, heightMeters: site.heightM)
                XCTAssertEqual(a.elevation, el, accuracy: 0.02, "\(site.name) \(body)")
                XCTAssertEqual(lonDiff(a.azimuth, az) * cos(el * .pi / 180), 0, accuracy: 0.02, "\(site.name) \(body)")
            }
        }
    }
}
