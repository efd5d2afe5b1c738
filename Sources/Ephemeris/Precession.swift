import Foundation

/// Rotation from the mean ecliptic and equinox of date to the ICRF (J2000 mean equator and
/// equinox): mean obliquity of Laskar/IAU 1980 (Meeus eq. 22.2) and the IAU 1976 precession
/// angles zeta, z, theta of Lieske et al. (1977, A&A 58, 1) as given in Meeus ch. 21 (eq. 21.2).
/// The 0.02 arcsec frame bias between the J2000 mean equator and the ICRF is neglected.
public enum Precession {
    static let arcsec = Double.pi / (180 * 3600)

    /// Mean obliquity of the ecliptic of date, radians (Meeus eq. 22.2).
    public static func meanObliquity(julianCenturies t: Double) -> Double {
        (84381.448 - 46.8150 * t - 0.00059 * t * t + 0.001813 * t * t * t) * arcsec
    }

    /// Matrix P taking J2000 mean-equatorial vectors to the mean equator/equinox of date:
    /// P = [-z]_3 [theta]_2 [-zeta]_3 (SPICE frame-rotation notation).
    public static func j2000ToMeanOfDate(julianCenturies t: Double) -> Matrix3 {
        let t2 = t * t, t3 = t2 * t
        let zeta = (2306.2181 * t + 0.30188 * t2 + 0.017998 * t3) * arcsec
        let z = (2306.2181 * t + 1.09468 * t2 + 0.018203 * t3) * arcsec
        let theta = (2004.3109 * t - 0.42665 * t2 - 0.041833 * t3) * arcsec
        return Matrix3.frameRotation(-z, axis: 3) * Matrix3.frameRotation(theta, axis: 2) * Matrix3.frameRotation(-zeta, axis: 3)
    }

    /// Matrix taking vectors in the mean ecliptic and equinox of date to ICRF/J2000 axes:
    /// P^T [-epsilon]_1.
    public static func eclipticOfDateToICRF(julianCenturies t: Double) -> Matrix3 {
        j2000ToMeanOfDate(julianCenturies: t).transposed * Matrix3.frameRotation(-meanObliquity(julianCenturies: t), axis: 1)
    }
}
