import Foundation

/// Sun and Earth positions relative to the Moon from series theories, with no data files:
/// - geocentric Moon: `LunarTheory` (Meeus ch. 47, truncated ELP-2000/82);
/// - heliocentric Earth: `SolarTheory` (truncated VSOP87D, Meeus ch. 32);
/// - ecliptic of date -> ICRF: `Precession` (IAU 1976, Meeus ch. 21-22);
/// - ICRF -> lunar ME: `LunarOrientation` (IAU/WGCCRE 2009, Archinal et al. 2011).
///
/// Apparent positions (`AberrationCorrection.apparent`) use the first-order identity
/// "light-time-corrected target + stellar aberration for the observer's barycentric velocity
/// = minus the observer's position relative to the target, taken at the emission time t - lt"
/// (e.g. Explanatory Supplement to the Astronomical Almanac, 3rd ed., sect. 7.2): the Sun is
/// -(heliocentric Moon)(t - lt) and the Earth -(geocentric Moon)(t - lt). The neglected terms are
/// the Sun's barycentric velocity (about 13 m/s, 0.01 arcsec) and v^2/c^2.
///
/// Measured against DE421 + MOON_ME_DE421 over 1990-2050 (see the tests), the Sun and Earth
/// directions agree to better than 0.02 deg. Nominal validity 1900-2100.
public struct AnalyticalEphemeris: EphemerisSource {
    public init() {}

    public var name: String { "analytical" }

    public var coverage: ClosedRange<Epoch> {
        Epoch(tdbSecondsPastJ2000: -Epoch.secondsPerCentury)...Epoch(tdbSecondsPastJ2000: Epoch.secondsPerCentury)
    }

    /// Moon-centred position of `body` (km) in the mean ecliptic and equinox of date `t` (centuries),
    /// evaluated at the emission time for `.apparent`.
    static func eclipticOfDate(_ body: Body, julianCenturies t: Double, correction: AberrationCorrection) -> SIMD3<Double> {
        let c = EphemerisConstants.speedOfLightKmPerSecond
        func relative(_ t: Double) -> SIMD3<Double> {
            let moon = LunarTheory.geocentricPosition(julianCenturies: t)
            switch body {
            case .earth: return -moon
            case .sun: return -(SolarTheory.earthHeliocentricPosition(julianCenturies: t) + moon)
            }
        }
        var p = relative(t)
        guard correction == .apparent else { return p }
        for _ in 0..<2 {
            let lt = Vector3.length(p) / c
            p = relative(t - lt / Epoch.secondsPerCentury)
        }
        return p
    }

    /// Moon-centred position of `body` in ICRF/J2000 axes, km.
    public func icrfPosition(of body: Body, at epoch: Epoch, correction: AberrationCorrection = .apparent) -> SIMD3<Double> {
        let t = epoch.julianCenturiesTDB
        return Precession.eclipticOfDateToICRF(julianCenturies: t) * AnalyticalEphemeris.eclipticOfDate(body, julianCenturies: t, correction: correction)
    }

    public func position(of body: Body, at epoch: Epoch, correction: AberrationCorrection) -> SIMD3<Double> {
        LunarOrientation.icrfToME(at: epoch) * icrfPosition(of: body, at: epoch, correction: correction)
    }
}
