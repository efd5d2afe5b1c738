import Foundation

/// Geocentric position of the Moon from Meeus, "Astronomical Algorithms" (2nd ed., 1998),
/// chapter 47: ELP-2000/82 (Chapront-Touzé & Chapront 1983) truncated to the 60 + 60 terms of
/// tables 47.A/47.B plus the additive Venus/Jupiter/flattening terms A1, A2, A3.
/// Accuracy about 10 arcsec in longitude, 4 arcsec in latitude; referred to the mean ecliptic
/// and equinox of date. Time argument: Julian centuries of TDB from J2000.0.
public enum LunarTheory {
    /// Geocentric ecliptic longitude and latitude (radians) and distance (km) of the Moon's centre,
    /// mean ecliptic and equinox of date.
    public static func eclipticOfDate(julianCenturies t: Double) -> (longitude: Double, latitude: Double, distanceKm: Double) {
        let deg = Double.pi / 180
        let t2 = t * t, t3 = t2 * t, t4 = t3 * t
        // Mean arguments, Meeus eqs. 47.1-47.5 (degrees).
        let lp = 218.3164477 + 481267.88123421 * t - 0.0015786 * t2 + t3 / 538841 - t4 / 65194000
        let d = 297.8501921 + 445267.1114034 * t - 0.0018819 * t2 + t3 / 545868 - t4 / 113065000
        let m = 357.5291092 + 35999.0502909 * t - 0.0001536 * t2 + t3 / 24490000
        let mp = 134.9633964 + 477198.8675055 * t + 0.0087414 * t2 + t3 / 69699 - t4 / 14712000
        let f = 93.2720950 + 483202.0175233 * t - 0.0036539 * t2 - t3 / 3526000 + t4 / 863310000
        let a1 = (119.75 + 131.849 * t) * deg
        let a2 = (53.09 + 479264.290 * t) * deg
        let a3 = (313.45 + 481266.484 * t) * deg
        let e = 1 - 0.002516 * t - 0.0000074 * t2  // eq. 47.6, eccentricity of the Earth's orbit factor
        let args = SIMD4(d, m, mp, f) * deg
        let lpr = lp.truncatingRemainder(dividingBy: 360) * deg
        let fr = args[3], mpr = args[2]

        var sl = 0.0, sr = 0.0, sb = 0.0
        for row in meeus47A {
            let arg = row.0 * args[0] + row.1 * args[1] + row.2 * args[2] + row.3 * args[3]
            let factor = row.1 == 0 ? 1 : (abs(row.1) == 1 ? e : e * e)
            sl += factor * row.4 * sin(arg)
            sr += factor * row.5 * cos(arg)
        }
        for row in meeus47B {
            let arg = row.0 * args[0] + row.1 * args[1] + row.2 * args[2] + row.3 * args[3]
            let factor = row.1 == 0 ? 1 : (abs(row.1) == 1 ? e : e * e)
            sb += factor * row.4 * sin(arg)
        }
        sl += 3958 * sin(a1) + 1962 * sin(lpr - fr) + 318 * sin(a2)
        sb += -2235 * sin(lpr) + 382 * sin(a3) + 175 * sin(a1 - fr) + 175 * sin(a1 + fr)
            + 127 * sin(lpr - mpr) - 115 * sin(lpr + mpr)
        let lon = (lp + sl / 1e6).truncatingRemainder(dividingBy: 360) * deg
        let lat = sb / 1e6 * deg
        return (lon, lat, 385000.56 + sr / 1000)
    }

    /// Geocentric Moon vector (km), rectangular, mean ecliptic and equinox of date.
    public static func geocentricPosition(julianCenturies t: Double) -> SIMD3<Double> {
        let (l, b, r) = eclipticOfDate(julianCenturies: t)
        return r * SIMD3(cos(b) * cos(l), cos(b) * sin(l), sin(b))
    }
}
