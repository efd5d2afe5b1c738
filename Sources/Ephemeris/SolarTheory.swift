import Foundation

/// Heliocentric position of the Earth (and hence the geocentric Sun) from the VSOP87D planetary
/// theory (Bretagnon & Francou 1988, A&A 202, 309), truncated as documented in
/// `VSOP87EarthTables.swift`, evaluated as in Meeus, "Astronomical Algorithms" (2nd ed.), ch. 32,
/// with the conversion to the FK5 system of eq. 32.3 (ch. 25, "higher accuracy").
/// Accuracy about 0.3 arcsec, mean ecliptic and equinox of date. Time argument: Julian centuries
/// of TDB from J2000.0 (the series use millennia, tau = T / 10).
public enum SolarTheory {
    static func series(_ s: [[(Double, Double, Double)]], _ tau: Double) -> Double {
        var total = 0.0, power = 1.0
        for terms in s {
            var acc = 0.0
            for (a, b, c) in terms { acc += a * cos(b + c * tau) }
            total += acc * power
            power *= tau
        }
        return total
    }

    /// Heliocentric ecliptic longitude, latitude (radians, FK5 mean ecliptic/equinox of date) and
    /// radius vector (au) of the Earth's centre.
    public static func earthHeliocentric(julianCenturies t: Double) -> (longitude: Double, latitude: Double, radiusAU: Double) {
        let tau = t / 10
        var l = series(vsop87EarthL, tau)
        var b = series(vsop87EarthB, tau)
        let r = series(vsop87EarthR, tau)
        // Meeus eq. 32.3: VSOP87 dynamical ecliptic -> FK5.
        let arcsec = Double.pi / (180 * 3600)
        let lp = l - (1.397 * t + 0.00031 * t * t) * .pi / 180
        l += (-0.09033 + 0.03916 * (cos(lp) + sin(lp)) * tan(b)) * arcsec
        b += 0.03916 * (cos(lp) - sin(lp)) * arcsec
        return (l.truncatingRemainder(dividingBy: 2 * .pi), b, r)
    }

    /// Heliocentric Earth vector (km), rectangular, mean ecliptic and equinox of date.
    public static func earthHeliocentricPosition(julianCenturies t: Double) -> SIMD3<Double> {
        let (l, b, r) = earthHeliocentric(julianCenturies: t)
        return r * EphemerisConstants.astronomicalUnitKm * SIMD3(cos(b) * cos(l), cos(b) * sin(l), sin(b))
    }
}
