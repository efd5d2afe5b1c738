import Ephemeris
import Foundation
import GeoRaster
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
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FarSideError.badInput("\(path): cannot read the orbit file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw FarSideError.badInput("\(path): the orbit file is not UTF-8 text")
        }
        return try parse(yaml: text, source: path)
    }

    /// Satellites described by YAML text; `source` names it in error messages.
    public static func parse(yaml: String, source: String) throws -> [KeplerOrbit] {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: yaml) else {
                throw FarSideError.badInput("\(source): empty orbit file (expected a 'satellites' list)")
            }
            root = node
        } catch let error as FarSideError {
            throw error
        } catch {
            let message = "\(error)".split(whereSeparator: \.isNewline).first.map(String.init) ?? "\(error)"
            throw FarSideError.badInput("\(source): not valid YAML: \(message)")
        }
        func fail(_ path: [CodingKey], _ message: String) -> FarSideError {
            let line = Self.line(of: path, in: root).map { ":\($0)" } ?? ""
            let field = path.isEmpty ? "" : " \(Self.describe(path)):"
            return FarSideError.badInput("\(source)\(line):\(field) \(message)")
        }
        let file: FileDTO
        do {
            file = try YAMLDecoder().decode(FileDTO.self, from: root)
        } catch let error as FieldError {
            throw fail(error.path, error.message)
        } catch let error as DecodingError {
            switch error {
            case .keyNotFound(let key, let context):
                throw fail(context.codingPath + [key], "missing (required)")
            case .typeMismatch(let type, let context):
                throw fail(context.codingPath, "wrong type (expected \(typeName(type)))")
            case .valueNotFound(let type, let context):
                throw fail(context.codingPath, "missing value (expected \(typeName(type)))")
            case .dataCorrupted(let context):
                throw fail(context.codingPath, "invalid value (\(context.debugDescription))")
            @unknown default:
                throw fail([], "\(error)")
            }
        } catch {
            throw fail([], "\(error)")
        }
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
            guard (0...180).contains(sat.inclinationDeg) else {
                throw fail(field("inclination_deg"), "\(sat.inclinationDeg) is not in 0...180")
            }
            orbits.append(KeplerOrbit(name: name, elements: elements, j2: sat.j2 ?? false))
        }
        return orbits
    }

    // MARK: - Decoding

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int?
        init(_ s: String) { stringValue = s; intValue = nil }
        init?(stringValue: String) { self.init(stringValue) }
        init(index: Int) { stringValue = "\(index)"; intValue = index }
        init?(intValue: Int) { self.init(index: intValue) }
    }

    struct FieldError: Error {
        var path: [CodingKey]
        var message: String
    }

    static func rejectUnknownKeys(_ decoder: Decoder, allowed: [String]) throws -> KeyedDecodingContainer<Key> {
        let container = try decoder.container(keyedBy: Key.self)
        for key in container.allKeys where !allowed.contains(key.stringValue) {
            throw FieldError(path: decoder.codingPath + [key],
                             message: "unknown key '\(key.stringValue)' (allowed: \(allowed.joined(separator: ", ")))")
        }
        return container
    }

    struct FileDTO: Decodable {
        var satellites: [SatelliteDTO]
        init(from decoder: Decoder) throws {
            let c = try OrbitFile.rejectUnknownKeys(decoder, allowed: ["satellites"])
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
            let c = try OrbitFile.rejectUnknownKeys(decoder, allowed: Self.keys)
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

    // MARK: - Error locations

    /// "satellites[0].eccentricity" for a coding path.
    static func describe(_ path: [CodingKey]) -> String {
        var out = ""
        for key in path {
            if let i = key.intValue { out += "[\(i)]" } else { out += out.isEmpty ? key.stringValue : ".\(key.stringValue)" }
        }
        return out
    }

    /// The 1-based line of the deepest node along `path` (the value if present, else its key or parent).
    static func line(of path: [CodingKey], in root: Node) -> Int? {
        var node = root
        var line = root.mark?.line
        for key in path {
            if let i = key.intValue, case .sequence(let seq) = node, i >= 0, i < seq.count {
                node = seq[seq.index(seq.startIndex, offsetBy: i)]
                line = node.mark?.line ?? line
            } else if case .mapping(let map) = node,
                      let pair = map.first(where: { $0.key.string == key.stringValue }) {
                line = pair.key.mark?.line ?? line
                node = pair.value
            } else {
                break
            }
        }
        return line
    }

    static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is Double.Type: return "a number"
        case is Bool.Type: return "true or false"
        case is String.Type: return "a string"
        default:
            let s = "\(type)"
            return s.hasPrefix("Array") ? "a list" : (s.hasPrefix("Dictionary") || s.contains("DTO") ? "a mapping" : s)
        }
    }
}
