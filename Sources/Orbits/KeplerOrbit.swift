import Ephemeris
import Foundation

/// Osculating Keplerian elements of a lunar orbit (angles in degrees at this interface).
///
/// Frame ("lunar equator of date, IAU node"): the z axis is the IAU 2009 lunar pole (alpha0, delta0)
/// at the instant of evaluation, the x axis points along the ascending node of the lunar equator on the
/// ICRF equator (right ascension alpha0 + 90 deg), which is the line from which the IAU prime-meridian
/// angle W is counted. The Moon's body-fixed (IAU 2009 ~ mean-Earth, ME) coordinates of a point are
/// therefore its coordinates in this frame rotated by -W(t) about z: r_ME = [W]_3 r, with W from
/// `LunarOrientation` (Archinal et al. 2011). The frame follows the slow motion of the lunar pole
/// (1.5 deg circle in 18.6 years); over the weeks that link statistics cover this is negligible.
public struct KeplerianElements: Sendable, Equatable {
    /// Reference epoch of the elements.
    public var epoch: Epoch
    /// Semi-major axis, km.
    public var semiMajorAxisKm: Double
    /// Eccentricity, 0 <= e < 1.
    public var eccentricity: Double
    /// Inclination to the lunar equator, degrees (0...180).
    public var inclinationDeg: Double
    /// Right ascension of the ascending node measured from the IAU node (see the type's note), degrees.
    public var raanDeg: Double
    /// Argument of periapsis, degrees.
    public var argPeriapsisDeg: Double
    /// Mean anomaly at `epoch`, degrees.
    public var meanAnomalyDeg: Double

    public init(epoch: Epoch, semiMajorAxisKm: Double, eccentricity: Double, inclinationDeg: Double,
                raanDeg: Double, argPeriapsisDeg: Double, meanAnomalyDeg: Double) {
        self.epoch = epoch
        self.semiMajorAxisKm = semiMajorAxisKm
        self.eccentricity = eccentricity
        self.inclinationDeg = inclinationDeg
        self.raanDeg = raanDeg
        self.argPeriapsisDeg = argPeriapsisDeg
        self.meanAnomalyDeg = meanAnomalyDeg
    }

    /// Elements from periapsis and apoapsis altitudes above the 1737.4 km sphere.
    public init(epoch: Epoch, periapsisAltitudeKm: Double, apoapsisAltitudeKm: Double, inclinationDeg: Double,
                raanDeg: Double, argPeriapsisDeg: Double, meanAnomalyDeg: Double) {
        let rp = LunarGravity.surfaceRadiusKm + periapsisAltitudeKm
        let ra = LunarGravity.surfaceRadiusKm + apoapsisAltitudeKm
        self.init(epoch: epoch, semiMajorAxisKm: (rp + ra) / 2, eccentricity: (ra - rp) / (ra + rp),
                  inclinationDeg: inclinationDeg, raanDeg: raanDeg, argPeriapsisDeg: argPeriapsisDeg,
                  meanAnomalyDeg: meanAnomalyDeg)
    }

    /// Periapsis radius a (1 - e), km.
    public var periapsisRadiusKm: Double { semiMajorAxisKm * (1 - eccentricity) }
    /// Apoapsis radius a (1 + e), km.
    public var apoapsisRadiusKm: Double { semiMajorAxisKm * (1 + eccentricity) }
    /// Semi-latus rectum a (1 - e^2), km.
    public var semiLatusRectumKm: Double { semiMajorAxisKm * (1 - eccentricity * eccentricity) }
}

/// Position and velocity, km and km/s.
public struct StateVector: Sendable, Equatable {
    public var position: SIMD3<Double>
    public var velocity: SIMD3<Double>
    public init(position: SIMD3<Double>, velocity: SIMD3<Double>) {
        self.position = position
        self.velocity = velocity
    }
}

/// A satellite on a two-body Keplerian orbit about the Moon, with optional J2 secular drift.
///
/// Propagation: M(t) = M0 + n (t - t0), n = sqrt(GM / a^3), Kepler's equation by `KeplerEquation`,
/// perifocal coordinates rotated by R3(-Omega) R1(-i) R3(-omega) into the equator-of-date frame
/// (Vallado, "Fundamentals of Astrodynamics and Applications", 4th ed., algorithm 10 "COE2RV").
///
/// With `j2` on, the node and the argument of periapsis drift at the secular rates of the J2 zonal
/// (Vallado eq. 9-41; Brouwer 1959 first order):
///   dOmega/dt = -3/2 n J2 (R/p)^2 cos i,
///   domega/dt =  3/4 n J2 (R/p)^2 (5 cos^2 i - 1),
/// with p = a (1 - e^2) and J2, R from `LunarGravity`. The J2 correction of the mean motion
/// (3/4 n J2 (R/p)^2 sqrt(1 - e^2)(3 cos^2 i - 1), 1e-5 of n for Queqiao-2) is NOT applied, so the
/// period stays the Keplerian one; a, e and i stay constant.
public struct KeplerOrbit: Satellite {
    public var name: String
    public var elements: KeplerianElements
    /// Apply the J2 secular drift of node and periapsis.
    public var j2: Bool
    /// GM of the central body, km^3/s^2.
    public var gm: Double

    public init(name: String, elements: KeplerianElements, j2: Bool = false, gm: Double = LunarGravity.gm) {
        self.name = name
        self.elements = elements
        self.j2 = j2
        self.gm = gm
    }

    /// Mean motion n, rad/s.
    public var meanMotion: Double { (gm / pow(elements.semiMajorAxisKm, 3)).squareRoot() }
    /// Keplerian period, seconds.
    public var periodSeconds: Double { 2 * Double.pi / meanMotion }

    /// J2 secular rates of the node and the argument of periapsis, rad/s (zero when `j2` is off).
    public var secularRates: (node: Double, argPeriapsis: Double) {
        guard j2 else { return (0, 0) }
        let p = elements.semiLatusRectumKm
        let k = meanMotion * LunarGravity.j2 * pow(LunarGravity.j2ReferenceRadiusKm / p, 2)
        let ci = cos(elements.inclinationDeg * .pi / 180)
        return (-1.5 * k * ci, 0.75 * k * (5 * ci * ci - 1))
    }

    /// State in the lunar equator-of-date frame (x along the IAU node), km and km/s.
    public func inertialState(at epoch: Epoch) -> StateVector {
        let el = elements
        let dt = epoch.tdbSecondsPastJ2000 - el.epoch.tdbSecondsPastJ2000
        let deg = Double.pi / 180
        let rates = secularRates
        let node = el.raanDeg * deg + rates.node * dt
        let argp = el.argPeriapsisDeg * deg + rates.argPeriapsis * dt
        let inc = el.inclinationDeg * deg
        let e = el.eccentricity, a = el.semiMajorAxisKm
        let n = meanMotion
        let m = el.meanAnomalyDeg * deg + n * dt
        let bigE = KeplerEquation.eccentricAnomaly(meanAnomaly: m, eccentricity: e)
        let cosE = cos(bigE), sinE = sin(bigE)
        let root = (1 - e * e).squareRoot()
        // Perifocal (P towards periapsis, Q 90 deg ahead in the orbit plane).
        let xp = a * (cosE - e), yp = a * root * sinE
        let edot = n / (1 - e * cosE)
        let vxp = -a * sinE * edot, vyp = a * root * cosE * edot
        let cO = cos(node), sO = sin(node), cw = cos(argp), sw = sin(argp), ci = cos(inc), si = sin(inc)
        let p = SIMD3(cO * cw - sO * sw * ci, sO * cw + cO * sw * ci, sw * si)
        let q = SIMD3(-cO * sw - sO * cw * ci, -sO * sw + cO * cw * ci, cw * si)
        var velocity = vxp * p + vyp * q
        if j2 {
            // The drifting orientation adds a tiny velocity term; include it for consistency.
            let dpdNode = SIMD3(-sO * cw - cO * sw * ci, cO * cw - sO * sw * ci, 0)
            let dqdNode = SIMD3(sO * sw - cO * cw * ci, -cO * sw - sO * cw * ci, 0)
            let dpdArg = q
            let dqdArg = -p
            velocity += rates.node * (xp * dpdNode + yp * dqdNode) + rates.argPeriapsis * (xp * dpdArg + yp * dqdArg)
        }
        return StateVector(position: xp * p + yp * q, velocity: velocity)
    }

    /// Position in the lunar body-fixed (IAU 2009 ~ ME) frame: the inertial one turned by -W(t).
    public func positionME(at epoch: Epoch) -> SIMD3<Double> {
        LunarFrames.equatorOfDateToME(at: epoch) * inertialState(at: epoch).position
    }
}

/// Rotations between the frames used by the orbit models.
public enum LunarFrames {
    /// [W]_3: from the lunar equator of date (x along the IAU node) to the body-fixed ME frame.
    public static func equatorOfDateToME(at epoch: Epoch) -> Matrix3 {
        let w = LunarOrientation.angles(daysTDB: epoch.daysTDB).w
        return Matrix3.frameRotation(w * .pi / 180, axis: 3)
    }

    /// [90 deg - delta0]_1 [90 deg + alpha0]_3: from ICRF to the lunar equator of date (IAU node as x).
    public static func icrfToEquatorOfDate(at epoch: Epoch) -> Matrix3 {
        let (a, d, _) = LunarOrientation.angles(daysTDB: epoch.daysTDB)
        let deg = Double.pi / 180
        return Matrix3.frameRotation((90 - d) * deg, axis: 1) * Matrix3.frameRotation((90 + a) * deg, axis: 3)
    }
}
