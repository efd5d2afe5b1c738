import Ephemeris
import Foundation
import FarSideCore
@testable import Orbits
import XCTest

final class LinkWindowTests: XCTestCase {
    /// Chang'e-6 lander (LROC fix, docs/references.md).
    let change6 = SurfaceSite(latitude: -41.6385, longitude: -153.9852)

    /// Elevation from first principles: angle between the site-to-satellite vector and the local
    /// horizontal plane of the sphere (independent of Topocentric).
    func directElevation(_ sat: SIMD3<Double>, _ site: SurfaceSite) -> Double {
        let lat = site.latitude * .pi / 180, lon = site.longitude * .pi / 180
        let up = SIMD3(cos(lat) * cos(lon), cos(lat) * sin(lon), sin(lat))
        let rel = sat - (1737.4 + site.heightMeters / 1000) * up
        return 90 - acos(Vector3.dot(rel, up) / Vector3.length(rel)) * 180 / .pi
    }

    func testQueqiao2WindowsAtChange6OverThreeDays() throws {
        let start = try Epoch("2024-06-01T00:00:00Z"), end = try Epoch("2024-06-04T00:00:00Z")
        let constellation = try BuiltInOrbits.resolve("queqiao-2")
        let analysis = LinkAnalysis(site: change6, constellation: constellation)
        let report = try analysis.report(start: start, end: end, stepSeconds: 600)
        XCTAssertEqual(report.stepCount, 432)
        XCTAssertGreaterThanOrEqual(report.windows.count, 2)
        XCTAssertGreaterThan(report.visibleFraction, 0.3)
        XCTAssertLessThan(report.visibleFraction, 1)
        XCTAssertGreaterThan(report.longestGapHours, 0)
        XCTAssertLessThan(report.longestGapHours, 24)
        for w in report.windows {
            XCTAssertLessThan(w.start, w.end)
            XCTAssertGreaterThanOrEqual(w.peakElevationDeg, 5)
            XCTAssertLessThanOrEqual(w.peakElevationDeg, 90)
            XCTAssertEqual(w.satellites, ["queqiao-2"])
            if !w.clippedAtStart && !w.clippedAtEnd {
                // A 24 h orbit with its apolune in the south: long passes over a southern site.
                XCTAssertGreaterThan(w.durationHours, 6, "\(w)")
                XCTAssertLessThan(w.durationHours, 24.3)
            }
            // Refined edges: at the edge the elevation is the minimum elevation (to 0.5 s of motion).
            let sat = BuiltInOrbits.queqiao2
            if !w.clippedAtStart {
                XCTAssertEqual(directElevation(sat.positionME(at: w.start), change6), 5, accuracy: 0.01)
                XCTAssertFalse(analysis.isLinked(at: w.start.addingSeconds(-2)))
            }
            if !w.clippedAtEnd {
                XCTAssertEqual(directElevation(sat.positionME(at: w.end), change6), 5, accuracy: 0.01)
                XCTAssertFalse(analysis.isLinked(at: w.end.addingSeconds(2)))
            }
            // The peak is the highest elevation sampled anywhere in the window (1-minute scan).
            var scanned = -90.0
            var t = w.start
            while t <= w.end {
                scanned = max(scanned, directElevation(sat.positionME(at: t), change6))
                t = t.addingSeconds(60)
            }
            XCTAssertGreaterThanOrEqual(w.peakElevationDeg, scanned - 1e-6)
            XCTAssertEqual(w.peakElevationDeg, directElevation(sat.positionME(at: w.peakTime), change6), accuracy: 1e-9)
        }
        // Windows are ordered and disjoint; refined durations agree with the step count within a step per edge.
        for (a, b) in zip(report.windows, report.windows.dropFirst()) { XCTAssertLessThan(a.end, b.start) }
        XCTAssertEqual(report.linkedHours, Double(report.linkedSteps) / 6, accuracy: Double(2 * report.windows.count) / 6)
    }

    func testFractionAndGapAgainstDirectGeometry() throws {
        // An unseen orbit, J2 on, with a range limit: count steps by hand.
        let epoch = try Epoch("2024-05-10T06:00:00Z")
        let orbit = KeplerOrbit(name: "x", elements: KeplerianElements(epoch: epoch, semiMajorAxisKm: 6142.0, eccentricity: 0.6,
                                                                       inclinationDeg: 85, raanDeg: 140, argPeriapsisDeg: 250,
                                                                       meanAnomalyDeg: 33), j2: true)
        let site = SurfaceSite(latitude: 75.3, longitude: 31.0, heightMeters: 10)
        let criteria = LinkCriteria(minElevationDeg: 10, maxRangeKm: 6000)
        let start = try Epoch("2024-06-01T00:00:00Z")
        let report = try LinkAnalysis(site: site, constellation: Constellation(name: "x", satellites: [orbit]), criteria: criteria)
            .report(start: start, end: start.addingSeconds(7 * 86400), stepSeconds: 300)
        var linked = 0, run = 0, longest = 0
        var sawRangeCut = false
        for k in 0..<(7 * 288) {
            let p = orbit.positionME(at: start.addingSeconds(Double(k) * 300))
            let el = directElevation(p, site)
            let range = Vector3.length(p - Topocentric.siteVector(latitude: site.latitude, longitude: site.longitude, heightMeters: 10))
            if el >= 10 && range > 6000 { sawRangeCut = true }
            if el >= 10 && range <= 6000 { linked += 1; run = 0 } else { run += 1; longest = max(longest, run) }
        }
        XCTAssertTrue(sawRangeCut, "the range limit should matter in this test")
        XCTAssertEqual(report.stepCount, 7 * 288)
        XCTAssertEqual(report.linkedSteps, linked)
        XCTAssertEqual(report.longestGapHours, Double(longest) * 300 / 3600, accuracy: 1e-9)
        XCTAssertGreaterThan(report.visibleFraction, 0.05)
        XCTAssertLessThan(report.visibleFraction, 0.95)
    }

    func testConstellationIsTheUnionOfItsMembers() throws {
        let a = BuiltInOrbits.queqiao2
        var b = a
        b.name = "queqiao-2b"
        b.elements.meanAnomalyDeg = 40
        let site = SurfaceSite(latitude: 10, longitude: 170)
        let start = try Epoch("2024-06-01T00:00:00Z"), end = start.addingSeconds(4 * 86400)
        func report(_ sats: [any Satellite]) throws -> LinkReport {
            try LinkAnalysis(site: site, constellation: Constellation(name: "c", satellites: sats)).report(start: start, end: end, stepSeconds: 900)
        }
        let ra = try report([a]), rb = try report([b]), both = try report([a, b])
        XCTAssertGreaterThanOrEqual(both.linkedSteps, max(ra.linkedSteps, rb.linkedSteps))
        XCTAssertLessThanOrEqual(both.linkedSteps, ra.linkedSteps + rb.linkedSteps)
        XCTAssertGreaterThan(both.linkedSteps, max(ra.linkedSteps, rb.linkedSteps), "two phases should cover more than one")
        let analysis = LinkAnalysis(site: site, constellation: Constellation(name: "c", satellites: [a, b]))
        let sa = LinkAnalysis(site: site, constellation: Constellation(name: "a", satellites: [a]))
        let sb = LinkAnalysis(site: site, constellation: Constellation(name: "b", satellites: [b]))
        for k in 0..<384 {
            let t = start.addingSeconds(Double(k) * 900)
            XCTAssertEqual(analysis.isLinked(at: t), sa.isLinked(at: t) || sb.isLinked(at: t))
        }
        // Windows fed by both members name both; every window names at least its peak satellite.
        for w in both.windows { XCTAssertTrue(w.satellites.contains(w.peakSatellite)) }
        XCTAssertTrue(both.windows.contains { $0.satellites.count == 2 },
                      "\(both.windows.map { ($0.start, $0.end, $0.satellites) }) a: \(ra.windows.map { ($0.start, $0.end) }) b: \(rb.windows.map { ($0.start, $0.end) })")
    }

    func testEarthMoonL2FromFarAndNearSideCentres() throws {
        let l2 = try BuiltInOrbits.resolve("earth-moon-l2")
        let start = try Epoch("2024-06-01T00:00:00Z"), end = start.addingSeconds(28 * 86400)
        let far = try LinkAnalysis(site: SurfaceSite(latitude: 0, longitude: 180), constellation: l2,
                                   criteria: LinkCriteria(minElevationDeg: 0)).report(start: start, end: end, stepSeconds: 3600)
        XCTAssertGreaterThan(far.visibleFraction, 0.95)
        let near = try LinkAnalysis(site: SurfaceSite(latitude: 0, longitude: 0), constellation: l2,
                                    criteria: LinkCriteria(minElevationDeg: 0)).report(start: start, end: end, stepSeconds: 3600)
        XCTAssertEqual(near.linkedSteps, 0)
        XCTAssertTrue(near.windows.isEmpty)
        XCTAssertEqual(near.longestGapHours, 28 * 24, accuracy: 1e-9)
    }

    func testHaloGeometry() throws {
        let halo = BuiltInOrbits.earthMoonL2
        let ephemeris = AnalyticalEphemeris()
        var zs: [Double] = []
        for k in 0..<56 {
            let t = halo.epoch.addingSeconds(Double(k) * 6 * 3600)
            let p = halo.positionME(at: t)
            let earth = ephemeris.earthPosition(at: t, correction: .geometric)
            let r = Vector3.length(p)
            // 64,500 km along the anti-Earth line plus offsets up to 13,000 km.
            XCTAssertGreaterThan(r, 64_500)
            XCTAssertLessThan(r, (64_500.0 * 64_500 + 13_000 * 13_000).squareRoot() + 1)
            XCTAssertEqual(-Vector3.dot(p, Vector3.normalized(earth)), 64_500, accuracy: 1e-6)
            // Offset normal to the Earth-Moon line: along the orbit normal (ICRF) is the Z component.
            let icrf = halo.icrfPosition(at: t)
            let e0 = ephemeris.icrfPosition(of: .earth, at: t, correction: .geometric)
            let e1 = ephemeris.icrfPosition(of: .earth, at: t.addingSeconds(60), correction: .geometric)
            zs.append(Vector3.dot(icrf, Vector3.normalized(Vector3.cross(e0, e1))))
        }
        // Z swings +-13,000 km with a 14-day period: +13,000 at phase 0, -13,000 seven days later.
        XCTAssertEqual(zs[0], 13_000, accuracy: 5)
        XCTAssertEqual(zs[28], -13_000, accuracy: 5)
        XCTAssertEqual(zs.max()!, 13_000, accuracy: 5)
    }

    func testMaxRangeRemovesDistantSteps() throws {
        let start = try Epoch("2024-06-01T00:00:00Z"), end = start.addingSeconds(3 * 86400)
        let c = try BuiltInOrbits.resolve("queqiao-2")
        let all = try LinkAnalysis(site: change6, constellation: c).report(start: start, end: end, stepSeconds: 600)
        let near = try LinkAnalysis(site: change6, constellation: c, criteria: LinkCriteria(minElevationDeg: 5, maxRangeKm: 12_000))
            .report(start: start, end: end, stepSeconds: 600)
        XCTAssertLessThan(near.linkedSteps, all.linkedSteps)
        XCTAssertGreaterThan(near.linkedSteps, 0)
    }

    func testBadIntervalsAreUsageErrors() throws {
        let start = try Epoch("2024-06-01T00:00:00Z")
        let analysis = LinkAnalysis(site: change6, constellation: try BuiltInOrbits.resolve("queqiao-2"))
        XCTAssertThrowsError(try analysis.report(start: start, end: start, stepSeconds: 600)) { XCTAssertEqual(($0 as? FarSideError)?.exitCode, 2) }
        XCTAssertThrowsError(try analysis.report(start: start, end: start.addingSeconds(10), stepSeconds: 0)) { XCTAssertEqual(($0 as? FarSideError)?.exitCode, 2) }
    }
}
