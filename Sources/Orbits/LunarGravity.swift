import Ephemeris
import Foundation

/// Gravity constants of the Moon used by the orbit propagators.
///
/// - `gm`: 4902.800 km^3/s^2 (docs/references.md; DE421 gives 4902.800066, GRAIL GL0660B 4902.8001).
/// - `j2` with `j2ReferenceRadiusKm`: the unnormalised degree-2 zonal coefficient 2.0330e-4 referred
///   to 1738.0 km. This is the value commonly used for lunar mission analysis (Konopliv et al. 2001,
///   LP165P, J2 = 2.0327e-4 at R = 1738 km; GRAIL fields give the same to four digits). It is an option
///   (`j2: true` in orbit files, off by default), and it enters only through the secular drift of the
///   node and of the argument of periapsis: no short-period terms, no C22 or higher harmonics, no
///   Earth third-body perturbation (which dominates for a 16,000 km apolune: real frozen orbits are
///   maintained against it).
/// - `surfaceRadiusKm`: the 1737.4 km LOLA reference sphere (periapsis must stay above it).
public enum LunarGravity {
    /// GM of the Moon, km^3/s^2.
    public static let gm = 4902.800
    /// Unnormalised J2 of the Moon (Konopliv et al. 2001), with `j2ReferenceRadiusKm`.
    public static let j2 = 2.0330e-4
    /// Reference radius of `j2`, km.
    public static let j2ReferenceRadiusKm = 1738.0
    /// Mean radius of the LOLA reference sphere, km.
    public static let surfaceRadiusKm = EphemerisConstants.lunarRadiusKm
    /// Radius of the Moon's sphere of influence about the Earth (Laplace: a (m / M)^(2/5), a = 384,400 km,
    /// m / M = 1 / 81.3), km.
    public static let sphereOfInfluenceKm = 66_100.0
}

/// Kepler's equation M = E - e sin E for elliptical orbits (0 <= e < 1).
public enum KeplerEquation {
    /// Eccentric anomaly E (radians, same revolution as `meanAnomaly`) for mean anomaly M (radians).
    ///
    /// Newton's method on f(E) = E - e sin E - M after reducing M to [-pi, pi], from the starting value
    /// E0 = M + 0.85 e sign(M) (Danby 1987, "The solution of Kepler's equation III", which keeps Newton
    /// inside its convergence basin for every M and e < 1). Each Newton step is clamped to the bracket
    /// [M, M + e sign(M)] that contains the root (f is monotone there), so a wild step falls back to
    /// bisection; convergence to 1e-15 rad takes 3-6 steps even at e = 0.99.
    public static func eccentricAnomaly(meanAnomaly: Double, eccentricity e: Double) -> Double {
        precondition(e >= 0 && e < 1, "eccentricity must be in [0, 1)")
        let twoPi = 2 * Double.pi
        var m = meanAnomaly.truncatingRemainder(dividingBy: twoPi)
        if m > .pi { m -= twoPi } else if m < -.pi { m += twoPi }
        let offset = meanAnomaly - m
        if e == 0 || m == 0 { return meanAnomaly }
        let sign: Double = m > 0 ? 1 : -1
        // Root bracket: E - M = e sin E has the sign of M and |E - M| <= e.
        var lo = min(m, m + sign * e), hi = max(m, m + sign * e)
        var x = m + 0.85 * e * sign
        x = min(max(x, lo), hi)
        for _ in 0..<60 {
            let f = x - e * sin(x) - m
            if f == 0 { break }
            if f > 0 { hi = x } else { lo = x }
            let fp = 1 - e * cos(x)
            var next = x - f / fp
            if !(next > lo && next < hi) { next = 0.5 * (lo + hi) }
            if abs(next - x) <= 1e-15 * max(1, abs(x)) { x = next; break }
            x = next
        }
        return x + offset
    }

    /// True anomaly (radians) from the eccentric anomaly.
    public static func trueAnomaly(eccentricAnomaly E: Double, eccentricity e: Double) -> Double {
        2 * atan2((1 + e).squareRoot() * sin(E / 2), (1 - e).squareRoot() * cos(E / 2))
    }
}
