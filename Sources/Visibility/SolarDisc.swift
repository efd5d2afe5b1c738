import Foundation

/// The part of the solar disc above a horizon. Over the disc's width (about 0.53 deg) the horizon is
/// taken as a straight line, so the visible part is a circular segment: with the disc centre x radii
/// above the horizon line (x in -1...1) the visible fraction is
/// f(x) = 1/2 + (x sqrt(1 - x^2) + asin x) / pi   (Mazarico et al. 2011, Icarus 211: fraction of the
/// solar disc above the horizon elevation at the Sun's azimuth).
public enum SolarDisc {
    public static func visibleFraction(_ x: Double) -> Double {
        if x <= -1 { return 0 }
        if x >= 1 { return 1 }
        return 0.5 + (x * (1 - x * x).squareRoot() + asin(x)) / .pi
    }

    /// `visibleFraction` without the libm arcsine (the tables evaluate it ~33 times per step and
    /// bin): fdlibm's rational approximation of asin (|x| < 1/2 directly, else through
    /// asin x = pi/2 - 2 asin(sqrt((1 - x) / 2))), agreeing with `visibleFraction` to ~1e-15.
    @inline(__always)
    public static func visibleFractionFast(_ x: Double) -> Double {
        if x <= -1 { return 0 }
        if x >= 1 { return 1 }
        let a = Swift.abs(x)
        var arcsine: Double
        if a < 0.5 {
            arcsine = a + a * asinRational(a * a)
        } else {
            let z = (1 - a) * 0.5, s = z.squareRoot()
            arcsine = .pi / 2 - 2 * (s + s * asinRational(z))
        }
        if x < 0 { arcsine = -arcsine }
        return 0.5 + (x * ((1 - x) * (1 + x)).squareRoot() + arcsine) * (1 / .pi)
    }

    /// (asin(sqrt z) - sqrt z) / sqrt z for z in [0, 1/4] (fdlibm e_asin.c, pS/qS coefficients).
    @inline(__always)
    static func asinRational(_ z: Double) -> Double {
        let p = z * (1.66666666666666657415e-01 + z * (-3.25565818622400915405e-01 + z * (2.01212532134862925881e-01
            + z * (-4.00555345006794114027e-02 + z * (7.91534994289814532176e-04 + z * 3.47933107596021167570e-05)))))
        let q = 1 + z * (-2.40339491173441421878e+00 + z * (2.02094576023350569471e+00 + z * (-6.88283971605453293030e-01
            + z * 7.70381505559019352791e-02)))
        return p / q
    }

    /// Angular radius (radians) of the Sun's disc seen from `distanceKm` (solar radius 695,700 km, IAU 2015 B3).
    public static func angularRadius(distanceKm: Double) -> Double { asin(695_700 / distanceKm) }
}
