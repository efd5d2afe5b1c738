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

    /// Angular radius (radians) of the Sun's disc seen from `distanceKm` (solar radius 695,700 km, IAU 2015 B3).
    public static func angularRadius(distanceKm: Double) -> Double { asin(695_700 / distanceKm) }
}
