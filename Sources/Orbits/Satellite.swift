import Ephemeris
import Foundation

/// Anything whose Moon-centred position in the lunar body-fixed (IAU 2009 ~ ME) frame is known.
public protocol Satellite: Sendable {
    /// Name used in reports ("queqiao-2").
    var name: String { get }
    /// Moon-centred position in the ME frame, km.
    func positionME(at epoch: Epoch) -> SIMD3<Double>
}

/// One or more satellites; a link exists when any of them is visible.
public struct Constellation: Sendable {
    public var name: String
    public var satellites: [any Satellite]

    public init(name: String, satellites: [any Satellite]) {
        self.name = name
        self.satellites = satellites
    }

    /// Moon-centred ME positions of every member, km.
    public func positionsME(at epoch: Epoch) -> [SIMD3<Double>] {
        satellites.map { $0.positionME(at: epoch) }
    }
}

/// A periodic approximation of a halo orbit about the Earth-Moon L2 point (Queqiao-1's kind of orbit).
///
/// NOT a dynamical halo (no CR3BP integration). The model, in a frame built each instant from the
/// Moon-centred geometric Earth position of `AnalyticalEphemeris` (ICRF axes):
/// - x: unit vector from the Earth through the Moon (away from the Earth);
/// - z: normal to the Moon's orbit plane, along E x dE/dt (the Earth's apparent motion, same sense
///   as the Moon's orbital angular momentum);
/// - y = z x x;
/// position = `distanceKm` x + `inPlaneAmplitudeKm` sin(psi) y + `zAmplitudeKm` cos(psi) z,
/// psi = 2 pi (t - epoch) / period + phase. Defaults (docs/references.md, Queqiao-1): L2 point 64,500 km
/// beyond the Moon (held fixed, not scaled with the Earth-Moon distance), Z amplitude 13,000 km,
/// period 14 days; the in-plane amplitude (5,000 km) and the phase are assumptions. The result is
/// rotated into ME with `LunarOrientation.icrfToME`.
public struct HaloOrbitApproximation: Satellite {
    public var name: String
    public var epoch: Epoch
    public var distanceKm: Double
    public var zAmplitudeKm: Double
    public var inPlaneAmplitudeKm: Double
    public var periodDays: Double
    public var phaseDeg: Double

    public init(name: String = "earth-moon-l2", epoch: Epoch, distanceKm: Double = 64_500, zAmplitudeKm: Double = 13_000,
                inPlaneAmplitudeKm: Double = 5_000, periodDays: Double = 14, phaseDeg: Double = 0) {
        self.name = name
        self.epoch = epoch
        self.distanceKm = distanceKm
        self.zAmplitudeKm = zAmplitudeKm
        self.inPlaneAmplitudeKm = inPlaneAmplitudeKm
        self.periodDays = periodDays
        self.phaseDeg = phaseDeg
    }

    /// Moon-centred position in ICRF axes, km.
    public func icrfPosition(at t: Epoch) -> SIMD3<Double> {
        let ephemeris = AnalyticalEphemeris()
        let e0 = ephemeris.icrfPosition(of: .earth, at: t, correction: .geometric)
        let e1 = ephemeris.icrfPosition(of: .earth, at: t.addingSeconds(3600), correction: .geometric)
        let x = -Vector3.normalized(e0)
        let z = Vector3.normalized(Vector3.cross(e0, e1))
        let y = Vector3.cross(z, x)
        let psi = 2 * Double.pi * (t.tdbSecondsPastJ2000 - epoch.tdbSecondsPastJ2000) / (periodDays * Epoch.secondsPerDay)
            + phaseDeg * .pi / 180
        return distanceKm * x + inPlaneAmplitudeKm * sin(psi) * y + zAmplitudeKm * cos(psi) * z
    }

    public func positionME(at t: Epoch) -> SIMD3<Double> {
        LunarOrientation.icrfToME(at: t) * icrfPosition(at: t)
    }
}

/// The Earth's centre as a link end (direct-to-Earth), from any `EphemerisSource` (apparent).
public struct DirectToEarth: Satellite {
    public var name: String { "earth" }
    public var source: any EphemerisSource

    public init(source: any EphemerisSource = AnalyticalEphemeris()) {
        self.source = source
    }

    public func positionME(at epoch: Epoch) -> SIMD3<Double> {
        source.earthPosition(at: epoch)
    }
}
