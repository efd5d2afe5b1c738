import Ephemeris
import Foundation
import FarSideCore
import StrictYAML
import Yams

/// Orbit files (YAML), strictly validated:
/// ```yaml
/// satellites:
///   - name: queqiao-2
///     epoch: 2024-04-02T00:00:00Z          # UTC ISO 8601 (required)
///     semi_major_axis_km: 9837.4           # with eccentricity, or instead of both:
///     eccentricity: 0.8031                 #   periapsis_altitude_km + apoapsis_altitude_km
///     inclination_deg: 62.4                # 0...180, to the lunar equator of date
///     raan_deg: 0.0                        # from the IAU node (see KeplerianElements)
///     arg_periapsis_deg: 90.0
///     mean_anomaly_deg: 0.0                # at epoch
///     j2: true                             # optional (default false): J2 secular drift
/// ```
/// Every field but `name` (default `sat-N`) and `j2` is required. Unknown keys, wrong types, a missing
/// epoch, mixing the two size forms, e outside [0, 1), a <= 0, a periapsis below the 1737.4 km sphere,
/// an inclination outside 0...180 or non-finite numbers are rejected with `FarSideError.badInput`
/// naming the file, the line (from Yams' node marks) and the field, e.g.
/// `orbit.yaml:5: satellites[0].eccentricity: 1.2 is not in [0, 1) (only elliptical orbits)`.
public enum OrbitFile {
    /// Satellites described by the YAML file at `path`.
    /// - Throws: `FarSideError.badInput` (exit 3) for unreadable or invalid files.
    public static func load(path: String) throws -> [KeplerOrbit] {
        try build(StrictYAMLDocument(path: path, what: "orbit file (expected a 'satellites' list)"))
    }

    /// Satellites described by YAML text; `source` names it in error messages.
    public static func parse(yaml: String, source: String) throws -> [KeplerOrbit] {
        try build(StrictYAMLDocument(yaml: yaml, source: source, what: "orbit file (expected a 'satellites' list)"))
    }

    static func build(_ document: StrictYAMLDocument) throws -> [KeplerOrbit] {
        let fail = document.fail
        let file = try document.decode(FileDTO.self)
        guard !file.satellites.isEmpty else {
            throw fail([Key("satellites")], "the list is empty (at least one satellite is needed)")
        }
        var orbits: [KeplerOrbit] = []
        var names = Set<String>()
        for (index, sat) in file.satellites.enumerated() {
            let base: [CodingKey] = [Key("satellites"), Key(index: index)]
            func field(_ name: String) -> [CodingKey] { base + [Key(name)] }
            let name = sat.name ?? "sat-\(index + 1)"
            guard !name.isEmpty else { throw fail(field("name"), "empty name") }
            guard names.insert(name).inserted else { throw fail(field("name"), "duplicate satellite name '\(name)'") }
            let epoch: Epoch
            do {
                epoch = try Epoch(sat.epoch)
            } catch {
                throw fail(field("epoch"), "'\(sat.epoch)' is not a UTC ISO 8601 time such as 2024-04-02T00:00:00Z")
            }
            for (key, value) in [("semi_major_axis_km", sat.semiMajorAxisKm), ("eccentricity", sat.eccentricity),
                                 ("periapsis_altitude_km", sat.periapsisAltitudeKm), ("apoapsis_altitude_km", sat.apoapsisAltitudeKm),
                                 ("inclination_deg", Optional(sat.inclinationDeg)), ("raan_deg", Optional(sat.raanDeg)),
                                 ("arg_periapsis_deg", Optional(sat.argPeriapsisDeg)), ("mean_anomaly_deg", Optional(sat.meanAnomalyDeg))] {
                if let value, !value.isFinite { throw fail(field(key), "\(value) is not a finite number") }
            }
            let hasKepler = sat.semiMajorAxisKm != nil || sat.eccentricity != nil
            let hasAltitudes = sat.periapsisAltitudeKm != nil || sat.apoapsisAltitudeKm != nil
            let elements: KeplerianElements
            if hasKepler && hasAltitudes {
                let key = sat.semiMajorAxisKm != nil ? "semi_major_axis_km" : "eccentricity"
                throw fail(field(key), "give either semi_major_axis_km + eccentricity or periapsis_altitude_km + apoapsis_altitude_km, not both")
            } else if hasAltitudes {
                guard let hp = sat.periapsisAltitudeKm else { throw fail(field("periapsis_altitude_km"), "missing (required with apoapsis_altitude_km)") }
                guard let ha = sat.apoapsisAltitudeKm else { throw fail(field("apoapsis_altitude_km"), "missing (required with periapsis_altitude_km)") }
                guard hp >= 0 else { throw fail(field("periapsis_altitude_km"), "\(hp) km: the periapsis is below the lunar surface (1737.4 km sphere)") }
                guard ha >= hp else { throw fail(field("apoapsis_altitude_km"), "\(ha) km is below periapsis_altitude_km \(hp) km") }
                elements = KeplerianElements(epoch: epoch, periapsisAltitudeKm: hp, apoapsisAltitudeKm: ha,
                                             inclinationDeg: sat.inclinationDeg, raanDeg: sat.raanDeg,
                                             argPeriapsisDeg: sat.argPeriapsisDeg, meanAnomalyDeg: sat.meanAnomalyDeg)
            } else {
                guard let a = sat.semiMajorAxisKm else { throw fail(field("semi_major_axis_km"), "missing (required: semi_major_axis_km + eccentricity, or periapsis_altitude_km + apoapsis_altitude_km)") }
                guard let e = sat.eccentricity else { throw fail(field("eccentricity"), "missing (required with semi_major_axis_km)") }
                guard a > 0 else { throw fail(field("semi_major_axis_km"), "\(a) km: must be positive") }
                guard e >= 0, e < 1 else { throw fail(field("eccentricity"), "\(e) is not in [0, 1) (only elliptical orbits are supported)") }
                elements = KeplerianElements(epoch: epoch, semiMajorAxisKm: a, eccentricity: e,
                                             inclinationDeg: sat.inclinationDeg, raanDeg: sat.raanDeg,
                                             argPeriapsisDeg: sat.argPeriapsisDeg, meanAnomalyDeg: sat.meanAnomalyDeg)
                let rp = elements.periapsisRadiusKm
                guard rp >= LunarGravity.surfaceRadiusKm else {
                    throw fail(field("eccentricity"), String(format: "periapsis radius a(1 - e) = %.1f km is below the lunar surface (1737.4 km): semi_major_axis_km %g, eccentricity %g", rp, a, e))
                }
            }
            // Beyond the Moon's sphere of influence (Laplace radius m/M ^ (2/5) x 384,400 km = 66,100 km) the
            // Earth, not the Moon, governs the motion: a Kepler orbit about the Moon means nothing there.
            let apoapsis = elements.semiMajorAxisKm * (1 + elements.eccentricity)
            guard apoapsis <= LunarGravity.sphereOfInfluenceKm else {
                let key = hasAltitudes ? "apoapsis_altitude_km" : "semi_major_axis_km"
                throw fail(field(key), String(format: "apoapsis radius %g km is beyond the Moon's sphere of influence (%.0f km): not a lunar orbit", apoapsis, LunarGravity.sphereOfInfluenceKm))
            }
            guard (0...180).contains(sat.inclinationDeg) else {
                throw fail(field("inclination_deg"), "\(sat.inclinationDeg) is not in 0...180")
            }
            orbits.append(KeplerOrbit(name: name, elements: elements, j2: sat.j2 ?? false))
        }
        return orbits
    }

    // MARK: - Decoding

    typealias Key = YAMLKey

    struct FileDTO: Decodable {
        var satellites: [SatelliteDTO]
        init(from decoder: Decoder) throws {
            let c = try StrictYAMLDocument.container(decoder, allowed: ["satellites"])
            satellites = try c.decode([SatelliteDTO].self, forKey: Key("satellites"))
        }
    }

    struct SatelliteDTO: Decodable {
        static let keys = ["name", "epoch", "semi_major_axis_km", "eccentricity", "periapsis_altitude_km",
                           "apoapsis_altitude_km", "inclination_deg", "raan_deg", "arg_periapsis_deg",
                           "mean_anomaly_deg", "j2"]
        var name: String?
        var epoch: String
        var semiMajorAxisKm: Double?
        var eccentricity: Double?
        var periapsisAltitudeKm: Double?
        var apoapsisAltitudeKm: Double?
        var inclinationDeg: Double
        var raanDeg: Double
        var argPeriapsisDeg: Double
        var meanAnomalyDeg: Double
        var j2: Bool?

        init(from decoder: Decoder) throws {
            let c = try StrictYAMLDocument.container(decoder, allowed: Self.keys)
            name = try c.decodeIfPresent(String.self, forKey: Key("name"))
            epoch = try c.decode(String.self, forKey: Key("epoch"))
            semiMajorAxisKm = try c.decodeIfPresent(Double.self, forKey: Key("semi_major_axis_km"))
            eccentricity = try c.decodeIfPresent(Double.self, forKey: Key("eccentricity"))
            periapsisAltitudeKm = try c.decodeIfPresent(Double.self, forKey: Key("periapsis_altitude_km"))
            apoapsisAltitudeKm = try c.decodeIfPresent(Double.self, forKey: Key("apoapsis_altitude_km"))
            inclinationDeg = try c.decode(Double.self, forKey: Key("inclination_deg"))
            raanDeg = try c.decode(Double.self, forKey: Key("raan_deg"))
            argPeriapsisDeg = try c.decode(Double.self, forKey: Key("arg_periapsis_deg"))
            meanAnomalyDeg = try c.decode(Double.self, forKey: Key("mean_anomaly_deg"))
            j2 = try c.decodeIfPresent(Bool.self, forKey: Key("j2"))
        }
    }
}
