import Ephemeris
import Foundation
import FarSideCore

/// Orbits known by name, and the resolution of an `--orbit NAME|FILE` argument.
public enum BuiltInOrbits {
    /// Names accepted by `constellation(named:)`.
    public static let names = ["queqiao-2", "earth-moon-l2", "earth"]

    /// Reference epoch of the built-in orbits: 2024-04-02T00:00:00Z (Queqiao-2 entered its mission
    /// orbit in early April 2024).
    public static var referenceEpoch: Epoch {
        // Cannot fail: a fixed, valid literal.
        (try? Epoch("2024-04-02T00:00:00Z")) ?? Epoch(tdbSecondsPastJ2000: 765_288_069.184)
    }

    /// Queqiao-2 (docs/references.md): 200 x 16,000 km altitude (a = 9837.4 km, e = 0.80306, period 24.3 h),
    /// inclination 62.4 deg, argument of periapsis 90 deg (frozen orbit with the apolune in the south:
    /// the apoapsis is at argument of latitude 270 deg, the orbit's southernmost point, latitude -62.4 deg).
    /// ASSUMED, not published: ascending node RAAN = 0 (from the IAU node, see `KeplerianElements`) and
    /// mean anomaly 0 (at periapsis) at 2024-04-02T00:00:00Z. Results for a real date therefore depend
    /// on these assumptions: report statistics over a full lunar month, or give the node and phase in
    /// an orbit file. No J2 drift (the real orbit is maintained frozen).
    public static var queqiao2: KeplerOrbit {
        KeplerOrbit(name: "queqiao-2",
                    elements: KeplerianElements(epoch: referenceEpoch, periapsisAltitudeKm: 200, apoapsisAltitudeKm: 16_000,
                                                inclinationDeg: 62.4, raanDeg: 0, argPeriapsisDeg: 90, meanAnomalyDeg: 0))
    }

    /// A Queqiao-1-like halo about Earth-Moon L2 (`HaloOrbitApproximation` with its defaults, phase 0
    /// at the reference epoch: an approximation, see that type).
    public static var earthMoonL2: HaloOrbitApproximation {
        HaloOrbitApproximation(name: "earth-moon-l2", epoch: referenceEpoch)
    }

    /// A built-in constellation by name, or nil. `ephemeris` places the Earth of the direct-to-Earth link
    /// (`earth`); the relay orbits are models defined in the IAU lunar frames (`KeplerOrbit`,
    /// `HaloOrbitApproximation`) and do not depend on it.
    public static func constellation(named name: String, ephemeris: any EphemerisSource = AnalyticalEphemeris()) -> Constellation? {
        switch name.lowercased() {
        case "queqiao-2", "queqiao2": return Constellation(name: "queqiao-2", satellites: [queqiao2])
        case "earth-moon-l2", "queqiao-1", "queqiao1": return Constellation(name: "earth-moon-l2", satellites: [earthMoonL2])
        case "earth": return Constellation(name: "earth", satellites: [DirectToEarth(source: ephemeris)])
        default: return nil
        }
    }

    /// A built-in name, or else an orbit file path (exit 3 when it is neither).
    public static func resolve(_ nameOrPath: String, ephemeris: any EphemerisSource = AnalyticalEphemeris()) throws -> Constellation {
        if let builtIn = constellation(named: nameOrPath, ephemeris: ephemeris) { return builtIn }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: nameOrPath, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw FarSideError.badInput("{orbit} \(nameOrPath): neither a built-in orbit (\(names.joined(separator: ", "))) nor an orbit file")
        }
        let orbits = try OrbitFile.load(path: nameOrPath)
        let name = orbits.count == 1 ? orbits[0].name : (nameOrPath as NSString).lastPathComponent
        return Constellation(name: name, satellites: orbits)
    }
}
