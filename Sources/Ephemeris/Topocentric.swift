import Foundation

/// Azimuth, elevation and distance of a body seen from a site on the Moon.
public struct HorizontalCoordinates: Sendable, Equatable {
    /// Degrees clockwise from local north (towards the ME +Z pole along the meridian), 0..<360.
    public var azimuth: Double
    /// Degrees above the local horizontal plane (perpendicular to the site's radius vector).
    public var elevation: Double
    /// Site-to-body distance, km.
    public var distanceKm: Double
}

/// Topocentric geometry on the lunar reference sphere (radius 1,737,400 m, planetocentric
/// coordinates, east-positive longitude), e.g. Meeus, "Astronomical Algorithms", ch. 13 and 40
/// (horizontal coordinates, parallax) transposed to the Moon's ME frame.
public enum Topocentric {
    /// Site position in the ME frame, km, for planetocentric latitude/longitude (degrees) and a
    /// height in metres above the 1,737,400 m sphere.
    public static func siteVector(latitude: Double, longitude: Double, heightMeters: Double = 0) -> SIMD3<Double> {
        let lat = latitude * .pi / 180, lon = longitude * .pi / 180
        let r = EphemerisConstants.lunarRadiusKm + heightMeters / 1000
        return r * SIMD3(cos(lat) * cos(lon), cos(lat) * sin(lon), sin(lat))
    }

    /// Azimuth (clockwise from north, 0..<360) and elevation of a body whose Moon-centred ME
    /// position is `position` (km), seen from the site: the site vector is subtracted first, so
    /// parallax is exact. Azimuth is 0 when the body is at the zenith or nadir.
    public static func azimuthElevation(of position: SIMD3<Double>, latitude: Double, longitude: Double,
                                        heightMeters: Double = 0) -> HorizontalCoordinates {
        let lat = latitude * .pi / 180, lon = longitude * .pi / 180
        let rel = position - siteVector(latitude: latitude, longitude: longitude, heightMeters: heightMeters)
        let up = SIMD3(cos(lat) * cos(lon), cos(lat) * sin(lon), sin(lat))
        let east = SIMD3(-sin(lon), cos(lon), 0)
        let north = SIMD3(-sin(lat) * cos(lon), -sin(lat) * sin(lon), cos(lat))
        let u = Vector3.dot(rel, up), e = Vector3.dot(rel, east), n = Vector3.dot(rel, north)
        let distance = Vector3.length(rel)
        let elevation = atan2(u, (e * e + n * n).squareRoot()) * 180 / .pi
        var azimuth = (e == 0 && n == 0) ? 0 : atan2(e, n) * 180 / .pi
        if azimuth < 0 { azimuth += 360 }
        if azimuth >= 360 { azimuth -= 360 }
        return HorizontalCoordinates(azimuth: azimuth, elevation: elevation, distanceKm: distance)
    }

    /// The surface point under a Moon-centred ME vector (planetocentric, degrees, lon -180...180).
    public static func subPoint(of position: SIMD3<Double>) -> SurfacePoint {
        let lat = atan2(position.z, (position.x * position.x + position.y * position.y).squareRoot())
        return SurfacePoint(latitude: lat * 180 / .pi, longitude: atan2(position.y, position.x) * 180 / .pi)
    }

    /// Angular radius (degrees) of the solar disc seen from `distanceKm` (nominal solar radius).
    public static func solarAngularRadiusDegrees(distanceKm: Double) -> Double {
        asin(EphemerisConstants.solarRadiusKm / distanceKm) * 180 / .pi
    }
}
