import Ephemeris
import Foundation
@testable import Orbits
import XCTest

/// Independent references used by the tests: bisection for Kepler's equation and an RK4
/// integration of the two-body ODE r'' = -GM r / |r|^3.
enum Reference {
    static func bisectKepler(_ m: Double, _ e: Double) -> Double {
        var lo = m - 1.0, hi = m + 1.0  // E - M = e sin E lies in [-e, e] subset of [-1, 1]
        for _ in 0..<200 {
            let mid = 0.5 * (lo + hi)
            if mid - e * sin(mid) - m > 0 { hi = mid } else { lo = mid }
        }
        return 0.5 * (lo + hi)
    }

    static func acceleration(_ r: SIMD3<Double>) -> SIMD3<Double> {
        let d = Vector3.length(r)
        return -LunarGravity.gm / (d * d * d) * r
    }

    /// Fixed-step classical RK4 from `state` over `seconds` (steps of `h` seconds).
    static func rk4(_ state: StateVector, seconds: Double, h: Double) -> StateVector {
        var r = state.position, v = state.velocity
        let n = Int((seconds / h).rounded())
        let dt = seconds / Double(n)
        for _ in 0..<n {
            let k1r = v, k1v = acceleration(r)
            let k2r = v + 0.5 * dt * k1v, k2v = acceleration(r + 0.5 * dt * k1r)
            let k3r = v + 0.5 * dt * k2v, k3v = acceleration(r + 0.5 * dt * k2r)
            let k4r = v + dt * k3v, k4v = acceleration(r + dt * k3r)
            r += dt / 6 * (k1r + 2 * k2r + 2 * k3r + k4r)
            v += dt / 6 * (k1v + 2 * k2v + 2 * k3v + k4v)
        }
        return StateVector(position: r, velocity: v)
    }
}

final class KeplerEquationTests: XCTestCase {
    func testNewtonMatchesBisectionOverAllAnomaliesAndEccentricities() {
        var worst = 0.0
        for e in [0.0, 0.01, 0.3, 0.6, 0.8031, 0.9, 0.97, 0.99, 0.999] {
            for k in -20...380 {
                let m = Double(k) * .pi / 180 * 1.013  // includes M > 2 pi and negative M
                let newton = KeplerEquation.eccentricAnomaly(meanAnomaly: m, eccentricity: e)
                // Compare within the same revolution as the reduced mean anomaly.
                var reduced = m.truncatingRemainder(dividingBy: 2 * .pi)
                if reduced > .pi { reduced -= 2 * .pi } else if reduced < -.pi { reduced += 2 * .pi }
                let bisection = Reference.bisectKepler(reduced, e) + (m - reduced)
                worst = max(worst, abs(newton - bisection))
                XCTAssertEqual(newton - e * sin(newton), m, accuracy: 1e-12, "residual at M=\(m), e=\(e)")
            }
        }
        XCTAssertLessThan(worst, 1e-12)
    }

    func testKnownValue() {
        // Meeus, Astronomical Algorithms, example 30.a: e = 0.100, M = 5 deg -> E = 5.554589 deg.
        let e = KeplerEquation.eccentricAnomaly(meanAnomaly: 5 * .pi / 180, eccentricity: 0.1)
        XCTAssertEqual(e * 180 / .pi, 5.554589, accuracy: 1e-6)
    }

    func testTrueAnomalyAtQuadrature() {
        // At E = 90 deg, cos(nu) = -e.
        let nu = KeplerEquation.trueAnomaly(eccentricAnomaly: .pi / 2, eccentricity: 0.5)
        XCTAssertEqual(cos(nu), -0.5, accuracy: 1e-12)
    }
}

final class KeplerOrbitTests: XCTestCase {
    let epoch = BuiltInOrbits.referenceEpoch

    var inclinedOrbit: KeplerOrbit {
        KeplerOrbit(name: "test", elements: KeplerianElements(epoch: epoch, semiMajorAxisKm: 6000, eccentricity: 0.5,
                                                             inclinationDeg: 123.4, raanDeg: 77, argPeriapsisDeg: 211,
                                                             meanAnomalyDeg: 300))
    }

    func testQueqiao2ElementsAndPeriod() {
        let q = BuiltInOrbits.queqiao2
        XCTAssertEqual(q.elements.semiMajorAxisKm, 9837.4, accuracy: 1e-9)
        XCTAssertEqual(q.elements.eccentricity, 0.8031, accuracy: 1e-4)
        XCTAssertEqual(q.elements.periapsisRadiusKm - 1737.4, 200, accuracy: 1e-9)
        XCTAssertEqual(q.elements.apoapsisRadiusKm - 1737.4, 16_000, accuracy: 1e-9)
        // docs/references.md check: 24.3 h.
        XCTAssertEqual(q.periodSeconds / 3600, 24.3, accuracy: 0.05)
        // Independent: 2 pi sqrt(a^3 / GM).
        XCTAssertEqual(q.periodSeconds, 2 * .pi * (pow(9837.4, 3) / 4902.8).squareRoot(), accuracy: 1e-6)
        // After one period the satellite is back where it started (inertially).
        let p0 = q.inertialState(at: epoch).position
        let p1 = q.inertialState(at: epoch.addingSeconds(q.periodSeconds)).position
        XCTAssertLessThan(Vector3.length(p1 - p0), 1e-3)
    }

    func testAgreesWithRK4IntegrationWithinMetres() {
        for orbit in [BuiltInOrbits.queqiao2, inclinedOrbit] {
            let s0 = orbit.inertialState(at: epoch)
            for hours in [3.0, 12.0, 24.0, 30.0] {
                let numeric = Reference.rk4(s0, seconds: hours * 3600, h: 2)
                let analytic = orbit.inertialState(at: epoch.addingSeconds(hours * 3600))
                let dr = Vector3.length(numeric.position - analytic.position) * 1000
                let dv = Vector3.length(numeric.velocity - analytic.velocity) * 1000
                XCTAssertLessThan(dr, 5, "\(orbit.name) after \(hours) h: \(dr) m")
                XCTAssertLessThan(dv, 0.01, "\(orbit.name) after \(hours) h: \(dv) m/s")
            }
        }
    }

    func testVelocityIsTheDerivativeOfPosition() {
        let orbit = inclinedOrbit
        let t = epoch.addingSeconds(5000)
        let h = 0.5
        let numeric = (orbit.inertialState(at: t.addingSeconds(h)).position - orbit.inertialState(at: t.addingSeconds(-h)).position) / (2 * h)
        XCTAssertLessThan(Vector3.length(numeric - orbit.inertialState(at: t).velocity), 1e-6)
    }

    func testEnergyAndAngularMomentumConserved() {
        for orbit in [BuiltInOrbits.queqiao2, inclinedOrbit] {
            let a = orbit.elements.semiMajorAxisKm, e = orbit.elements.eccentricity
            let energy = -LunarGravity.gm / (2 * a)
            let hMagnitude = (LunarGravity.gm * a * (1 - e * e)).squareRoot()
            let s0 = orbit.inertialState(at: epoch)
            let h0 = Vector3.cross(s0.position, s0.velocity)
            for k in 0..<200 {
                let s = orbit.inertialState(at: epoch.addingSeconds(Double(k) * 997))
                let eps = 0.5 * Vector3.dot(s.velocity, s.velocity) - LunarGravity.gm / Vector3.length(s.position)
                XCTAssertEqual(eps, energy, accuracy: 1e-10 * abs(energy))
                let h = Vector3.cross(s.position, s.velocity)
                XCTAssertLessThan(Vector3.length(h - h0), 1e-9 * hMagnitude)
            }
            XCTAssertEqual(Vector3.length(h0), hMagnitude, accuracy: 1e-9 * hMagnitude)
            // The angular momentum's direction gives the inclination and the node.
            let inc = acos(h0.z / Vector3.length(h0)) * 180 / .pi
            XCTAssertEqual(inc, orbit.elements.inclinationDeg, accuracy: 1e-9)
            let node = atan2(h0.x, -h0.y) * 180 / .pi
            let dNode = (node - orbit.elements.raanDeg + 540).truncatingRemainder(dividingBy: 360) - 180
            XCTAssertEqual(dNode, 0, accuracy: 1e-9)
        }
    }

    func testQueqiao2ApoluneIsTheSouthernmostPointOfTheOrbit() {
        let q = BuiltInOrbits.queqiao2
        // Mean anomaly 0 at the epoch: periapsis, 200 km up, at argument of latitude 90 deg -> latitude +i.
        let peri = q.positionME(at: epoch)
        XCTAssertEqual(Vector3.length(peri), 1937.4, accuracy: 1e-6)
        XCTAssertEqual(Topocentric.subPoint(of: peri).latitude, 62.4, accuracy: 1e-9)
        // Half a period later: apoapsis, 16,000 km up, argument of latitude 270 deg -> latitude -i = -62.4.
        let apo = q.positionME(at: epoch.addingSeconds(q.periodSeconds / 2))
        XCTAssertEqual(Vector3.length(apo), 17_737.4, accuracy: 1e-6)
        XCTAssertEqual(Topocentric.subPoint(of: apo).latitude, -62.4, accuracy: 1e-9)
        // And it is the southernmost point of the whole orbit.
        var minLat = 90.0
        for k in 0..<1000 {
            let p = q.positionME(at: epoch.addingSeconds(Double(k) * q.periodSeconds / 1000))
            minLat = min(minLat, Topocentric.subPoint(of: p).latitude)
        }
        XCTAssertEqual(minLat, -62.4, accuracy: 0.01)
        // The satellite spends most of its time in the south: the share of the period below the equator.
        var south = 0
        for k in 0..<1000 where q.positionME(at: epoch.addingSeconds(Double(k) * q.periodSeconds / 1000)).z < 0 { south += 1 }
        XCTAssertGreaterThan(Double(south) / 1000, 0.85)
    }

    func testBodyFixedFrameIsTheInertialOneTurnedByMinusW() {
        let orbit = inclinedOrbit
        for k in 0..<10 {
            let t = epoch.addingSeconds(Double(k) * 43_210)
            let inertial = orbit.inertialState(at: t).position
            let me = orbit.positionME(at: t)
            // Same latitude, longitude decreased by W.
            let w = LunarOrientation.angles(daysTDB: t.daysTDB).w
            let lonInertial = atan2(inertial.y, inertial.x) * 180 / .pi
            var dLon = Topocentric.subPoint(of: me).longitude - (lonInertial - w)
            dLon = (dLon + 540).truncatingRemainder(dividingBy: 360) - 180
            XCTAssertEqual(dLon, 0, accuracy: 1e-9)
            XCTAssertEqual(me.z, inertial.z, accuracy: 1e-9)
            // Through ICRF: equator of date -> ICRF -> ME with the Ephemeris module's full rotation.
            let icrf = LunarFrames.icrfToEquatorOfDate(at: t).transposed * inertial
            let viaICRF = LunarOrientation.icrfToME(at: t) * icrf
            XCTAssertLessThan(Vector3.length(viaICRF - me), 1e-8)
            // The frame's z axis is the IAU pole: (alpha0, delta0) in ICRF.
            let (a0, d0, _) = LunarOrientation.angles(daysTDB: t.daysTDB)
            let pole = LunarFrames.icrfToEquatorOfDate(at: t).transposed * SIMD3<Double>(0, 0, 1)
            XCTAssertEqual(asin(pole.z) * 180 / .pi, d0, accuracy: 1e-9)
            XCTAssertEqual(atan2(pole.y, pole.x) * 180 / .pi + 360, a0, accuracy: 1e-9)
        }
    }

    func testJ2SecularRatesMatchTheTextbookFormulas() {
        var q = BuiltInOrbits.queqiao2
        q.j2 = true
        let el = q.elements
        let n = (4902.8 / pow(9837.4, 3)).squareRoot()
        let p = 9837.4 * (1 - el.eccentricity * el.eccentricity)
        let k = n * 2.0330e-4 * pow(1738.0 / p, 2)
        let ci = cos(62.4 * .pi / 180)
        let nodeRate = -1.5 * k * ci                 // Vallado eq. 9-41
        let argRate = 0.75 * k * (5 * ci * ci - 1)
        XCTAssertEqual(q.secularRates.node, nodeRate, accuracy: 1e-15)
        XCTAssertEqual(q.secularRates.argPeriapsis, argRate, accuracy: 1e-15)
        // Magnitudes for Queqiao-2: about -0.0124 deg/day of node, +0.001 deg/day of periapsis
        // (near the 63.4 deg critical inclination).
        XCTAssertEqual(nodeRate * 86400 * 180 / .pi, -0.01243, accuracy: 0.0002)
        XCTAssertEqual(argRate * 86400 * 180 / .pi, 0.00098, accuracy: 0.0001)

        // Measure the drift geometrically after 30 periods (the satellite is then at periapsis):
        // the orbit plane from two positions 1 s apart, the periapsis from the position itself.
        let t = el.epoch.addingSeconds(30 * q.periodSeconds)
        let dt = t.tdbSecondsPastJ2000 - el.epoch.tdbSecondsPastJ2000
        let r = q.inertialState(at: t).position
        let normal = Vector3.cross(q.inertialState(at: t.addingSeconds(-1)).position, q.inertialState(at: t.addingSeconds(1)).position)
        let node = atan2(normal.x, -normal.y)
        XCTAssertEqual(node, nodeRate * dt, accuracy: 1e-8)
        XCTAssertEqual(acos(normal.z / Vector3.length(normal)) * 180 / .pi, 62.4, accuracy: 1e-6)
        let u = atan2(r.z / sin(62.4 * .pi / 180), r.x * cos(node) + r.y * sin(node))
        XCTAssertEqual(u, .pi / 2 + argRate * dt, accuracy: 1e-8)
        XCTAssertEqual(Vector3.length(r), el.periapsisRadiusKm, accuracy: 1e-6)
        XCTAssertGreaterThan(abs(nodeRate * dt), 1e-3)  // the drift is measurable: > 0.06 deg
        // Without J2, nothing drifts.
        let plain = BuiltInOrbits.queqiao2.inertialState(at: t)
        let hp = Vector3.cross(plain.position, plain.velocity)
        XCTAssertEqual(atan2(hp.x, -hp.y), 0, accuracy: 1e-12)
    }
}
