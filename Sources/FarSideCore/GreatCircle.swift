import Foundation

/// Great-circle geometry on a sphere (the body's reference sphere, planetocentric degrees): the
/// haversine distance and the destination point, as in R. W. Sinnott, "Virtues of the Haversine",
/// Sky and Telescope 68 (2), 1984, and E. Williams' Aviation Formulary.
public enum GreatCircle {
    /// Central angle (radians) between two points given in degrees (haversine form: exact for small
    /// separations, where the spherical law of cosines loses digits).
    public static func angle(lat1: Double, lon1: Double, lat2: Double, lon2: Double) -> Double {
        let p1 = lat1 * .pi / 180, p2 = lat2 * .pi / 180, dl = (lon2 - lon1) * .pi / 180
        let h = pow(sin((p2 - p1) / 2), 2) + cos(p1) * cos(p2) * pow(sin(dl / 2), 2)
        return 2 * asin(min(1, h.squareRoot()))
    }

    /// Distance along the sphere of `radius` (any unit; the result is in that unit).
    public static func distance(lat1: Double, lon1: Double, lat2: Double, lon2: Double, radius: Double) -> Double {
        angle(lat1: lat1, lon1: lon1, lat2: lat2, lon2: lon2) * radius
    }

    /// The point reached from (lat, lon) along `bearing` (radians, clockwise from north) over the central
    /// angle `angle` (radians): degrees, longitude not wrapped.
    public static func destination(lat: Double, lon: Double, bearing: Double, angle d: Double) -> (lat: Double, lon: Double) {
        let p1 = lat * .pi / 180, l1 = lon * .pi / 180
        let p2 = asin(sin(p1) * cos(d) + cos(p1) * sin(d) * cos(bearing))
        let l2 = l1 + atan2(sin(bearing) * sin(d) * cos(p1), cos(d) - sin(p1) * sin(p2))
        return (p2 * 180 / .pi, l2 * 180 / .pi)
    }
}
