/// Bodies whose Moon-centred positions the module provides.
public enum Body: String, Sendable, CaseIterable {
    case sun
    case earth
}

/// Which direction a position vector describes (NAIF "SPK Required Reading", "Aberration
/// corrections"; Kaplan 2005, USNO Circular 179, ch. 7).
///
/// - `apparent` (the default everywhere): where an observer at the Moon's centre SEES the body at
///   the epoch: the target's position at the light-emission time (light time iterated from the
///   ephemeris) plus stellar aberration for the Moon's barycentric velocity (about 20.5 arcsec).
///   SPICE calls this "LT+S"; skyfield `observe().apparent()`. Use it for illumination and
///   visibility. The body-fixed frame is always evaluated at the observation epoch.
/// - `geometric`: the target and the Moon at the same instant (SPICE "NONE").
///
/// For the Sun the two differ by about 0.0055 deg: almost all of it is the 20.5 arcsec stellar
/// aberration; light time alone moves the Sun by < 0.00001 deg because the Sun barely moves in the
/// barycentric frame during the 8.3 min (the Moon's ~0.5 deg/h rotation does NOT enter, since the
/// body-fixed frame is taken at the observation epoch, as SPICE and skyfield do). For the Earth
/// they differ by about 0.0002 deg (the Moon's 1 km/s geocentric motion over 1.3 s of light time).
///
/// docs/references.md's skyfield check values mix the two: its sub-solar/sub-Earth points are geometric,
/// its Chang'e-6 azimuth/elevation apparent (see CheckValueTests).
///
/// Topocentric directions (`horizontal(of:...)`, `Topocentric`) subtract the site vector from the
/// Moon-centred vector; against a light-time solution from the site itself this differs by less
/// than 0.00003 deg (diurnal aberration, 3.5 m/s, is 7e-7 deg).
public enum AberrationCorrection: String, Sendable, CaseIterable {
    case geometric
    case apparent
}

/// A point on the Moon, planetocentric latitude and east-positive longitude in degrees
/// (longitude in -180...180), in the MOON_ME frame.
public struct SurfacePoint: Sendable, Equatable {
    public var latitude: Double
    public var longitude: Double
    public init(latitude: Double, longitude: Double) {
        self.latitude = latitude
        self.longitude = longitude
    }
}

/// A source of Sun and Earth positions relative to the Moon's centre, expressed in the lunar
/// mean-Earth/polar-axis (ME) body-fixed frame used by LOLA products (MOON_ME_DE421), km.
///
/// Conforming types: `AnalyticalEphemeris` (series theories, no files) and `SpiceEphemeris`
/// (JPL DE421 kernels). Outside a source's coverage the vectors are NaN (`coverage` says where).
public protocol EphemerisSource: Sendable {
    /// A short name for logs ("analytical", "spice:de421.bsp").
    var name: String { get }
    /// Epochs this source can evaluate.
    var coverage: ClosedRange<Epoch> { get }
    /// Moon-centred position of `body` in the ME frame, km.
    func position(of body: Body, at epoch: Epoch, correction: AberrationCorrection) -> SIMD3<Double>
}

extension EphemerisSource {
    /// Moon-centred apparent (or geometric) Sun position in the ME frame, km.
    public func sunPosition(at epoch: Epoch, correction: AberrationCorrection = .apparent) -> SIMD3<Double> {
        position(of: .sun, at: epoch, correction: correction)
    }

    /// Moon-centred apparent (or geometric) Earth position in the ME frame, km.
    public func earthPosition(at epoch: Epoch, correction: AberrationCorrection = .apparent) -> SIMD3<Double> {
        position(of: .earth, at: epoch, correction: correction)
    }

    /// Distance from the Moon's centre to the Sun's centre, km.
    public func sunDistanceKm(at epoch: Epoch) -> Double {
        Vector3.length(position(of: .sun, at: epoch, correction: .apparent))
    }

    /// The point where the Sun is at the zenith (planetocentric, degrees).
    public func subSolarPoint(at epoch: Epoch, correction: AberrationCorrection = .apparent) -> SurfacePoint {
        Topocentric.subPoint(of: position(of: .sun, at: epoch, correction: correction))
    }

    /// The point where the Earth is at the zenith (planetocentric, degrees).
    public func subEarthPoint(at epoch: Epoch, correction: AberrationCorrection = .apparent) -> SurfacePoint {
        Topocentric.subPoint(of: position(of: .earth, at: epoch, correction: correction))
    }

    /// Azimuth/elevation of `body` from a site on the Moon (parallax included).
    public func horizontal(of body: Body, at epoch: Epoch, latitude: Double, longitude: Double,
                           heightMeters: Double = 0, correction: AberrationCorrection = .apparent) -> HorizontalCoordinates {
        Topocentric.azimuthElevation(of: position(of: body, at: epoch, correction: correction),
                                     latitude: latitude, longitude: longitude, heightMeters: heightMeters)
    }
}

/// Physical constants shared by both sources.
public enum EphemerisConstants {
    /// Speed of light, km/s (IAU 1976 / SI).
    public static let speedOfLightKmPerSecond = 299_792.458
    /// Astronomical unit, km (IAU 2012 Resolution B2).
    public static let astronomicalUnitKm = 149_597_870.7
    /// Mean lunar radius of the LOLA reference sphere, km.
    public static let lunarRadiusKm = 1737.4
    /// Nominal solar radius, km (IAU 2015 Resolution B3).
    public static let solarRadiusKm = 695_700.0
}
