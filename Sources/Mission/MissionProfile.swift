import Ephemeris
import Foundation
import GeoRaster
import Visibility
import SiteSelection
import StrictYAML

/// A mission profile (YAML): where to look, over which time window, which layers matter and how, the
/// landing ellipse, and how many sites to rank. Strictly validated: unknown keys, wrong types and
/// out-of-range values are exit 3 with the file, line and field named.
///
/// ```yaml
/// name: change6-lander
/// region: {lat_min: -45, lat_max: -41, lon_min: -158, lon_max: -150}   # or {lat, lon, radius_km}
/// time: {start: 2024-06-01T22:23:00Z, duration_h: 49, step: 1h}        # or end: ...
/// height_m: 2                 # observer/antenna height for horizons, sunlight and links
/// orbit: queqiao-2            # relay orbit (built-in name or YAML file)
/// min_elevation_deg: 5        # relay link mask
/// azimuths: 180               # horizon azimuths
/// criteria:
///   - {layer: slope, max: 8, membership: {linear: [8, 2]}, weight: 3}
/// ellipse: {semi_major_m: 2500, semi_minor_m: 1250, azimuth_deg: 0, min_safe_fraction: 0.95}
/// ranking: {count: 10, min_separation_m: 5000}
/// ```
public struct MissionProfile: Sendable {
    public enum Region: Sendable {
        /// The whole DEM.
        case whole
        case box(latMin: Double, latMax: Double, lonMin: Double, lonMax: Double)
        case circle(lat: Double, lon: Double, radiusKm: Double)
    }

    public struct Criterion: Sendable {
        public var layer: Layer
        /// For layer `raster`: the user raster, resampled onto the DEM grid.
        public var file: String? { if case .raster(let file) = layer { return file } else { return nil } }
        public var min: Double?
        public var max: Double?
        public var membership: Membership?
        public var weight: Double
        /// Name used in reports (the layer, or the raster's file name).
        public var label: String { file.map { URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent } ?? layer.name }
    }

    public struct Ellipse: Sendable {
        public var semiMajorM: Double
        public var semiMinorM: Double
        public var azimuthDeg: Double
        public var minSafeFraction: Double
    }

    public var name: String
    public var description: String
    public var region: Region
    public var dem: String?
    public var start: Epoch?
    public var end: Epoch?
    public var stepSeconds: Double
    public var heightM: Double
    public var orbit: String
    public var minElevationDeg: Double
    public var azimuths: Int
    public var criteria: [Criterion]
    public var ellipse: Ellipse?
    public var count: Int
    public var minSeparationM: Double
    /// The rover of the psr_traverse_* layers (`rover:`, a built-in name or a rover file; `distance` when
    /// absent).
    public var rover: RoverProfile?
    /// The YAML text, for reports.
    public var text: String

    /// Layer names a profile may use (`Layer.names`).
    public static var layers: [String] { Layer.names }

    /// True when a criterion needs the time window (illumination or relay layers).
    public var needsTime: Bool { criteria.contains { $0.layer.needsTime } }
    /// Whether a criterion measures the way to permanent shadow (the shadow mask out to the PSR reach).
    public var needsShadowReach: Bool { criteria.contains { $0.layer.needsShadowReach } }

    /// A built-in profile by name, or a YAML file.
    public static func load(_ nameOrPath: String) throws -> MissionProfile {
        if let text = BuiltInProfiles.all[nameOrPath] {
            return try parse(StrictYAMLDocument(yaml: text, source: "profile \(nameOrPath)", what: "profile"), text: text)
        }
        guard FileManager.default.fileExists(atPath: nameOrPath) else {
            throw FarSideError.badInput("{profile} \(nameOrPath): no such built-in profile (\(BuiltInProfiles.all.keys.sorted().joined(separator: ", "))) or file")
        }
        let document = try StrictYAMLDocument(path: nameOrPath, what: "profile")
        return try parse(document, text: (try? String(contentsOfFile: nameOrPath, encoding: .utf8)) ?? "")
    }

    /// Reports a field's error (`StrictYAMLDocument.fail`): the file, line and field.
    typealias Fail = ([CodingKey], String) -> Error

    static func parse(_ document: StrictYAMLDocument, text: String) throws -> MissionProfile {
        let dto = try document.decode(ProfileDTO.self)
        let fail = document.fail
        func key(_ s: String) -> YAMLKey { YAMLKey(s) }
        let region = try parseRegion(dto.region, fail: fail)
        let (start, end, step) = try parseTime(dto.time, fail: fail)
        guard !dto.criteria.isEmpty else { throw fail([key("criteria")], "the list is empty") }
        let criteria = try dto.criteria.enumerated().map { try parseCriterion($1, index: $0, fail: fail) }
        if criteria.contains(where: { $0.layer.needsTime }) && start == nil {
            throw fail([key("time")], "missing (required by the illumination/relay criteria)")
        }
        let ellipse = try dto.ellipse.map { try parseEllipse($0, fail: fail) }
        let count = dto.ranking?.count ?? 10
        guard (1...1000).contains(count) else { throw fail([key("ranking"), key("count")], "\(count) must be in 1 ... 1000") }
        let separation = dto.ranking?.min_separation_m ?? 0
        guard separation.isFinite, separation >= 0 else { throw fail([key("ranking"), key("min_separation_m")], "must be >= 0") }
        let height = dto.height_m ?? 0
        guard height.isFinite, height >= 0, height < 10_000 else { throw fail([key("height_m")], "\(height) must be in [0, 10000)") }
        let minElevation = dto.min_elevation_deg ?? 5
        guard minElevation.isFinite, abs(minElevation) <= 90 else { throw fail([key("min_elevation_deg")], "must be in [-90, 90]") }
        let azimuths = dto.azimuths ?? 180
        guard (4...3600).contains(azimuths) else { throw fail([key("azimuths")], "\(azimuths) must be in 4 ... 3600") }
        let rover = try parseRover(dto.rover, criteria: criteria, fail: fail)
        return MissionProfile(name: dto.name, description: dto.description ?? "", region: region, dem: dto.dem, start: start, end: end,
                              stepSeconds: step, heightM: height, orbit: dto.orbit ?? "queqiao-2", minElevationDeg: minElevation,
                              azimuths: azimuths, criteria: criteria, ellipse: ellipse, count: count, minSeparationM: separation,
                              rover: rover, text: text)
    }

    /// The region: none (the whole DEM), a lat/lon box, or a centre and radius.
    static func parseRegion(_ dto: RegionDTO?, fail: Fail) throws -> Region {
        func key(_ s: String) -> YAMLKey { YAMLKey(s) }
        guard let r = dto else { return .whole }
        let boxKeys = [r.lat_min, r.lat_max, r.lon_min, r.lon_max]
        if boxKeys.allSatisfy({ $0 != nil }) && r.lat == nil && r.lon == nil && r.radius_km == nil {
            let (a, b, c, d) = (r.lat_min!, r.lat_max!, r.lon_min!, r.lon_max!)
            guard [a, b, c, d].allSatisfy({ $0.isFinite }), -90 <= a, a < b, b <= 90 else {
                throw fail([key("region")], "need -90 <= lat_min < lat_max <= 90")
            }
            guard -360 <= c, c < d, d <= 360, d - c <= 360 else { throw fail([key("region")], "need lon_min < lon_max within 360 degrees") }
            return .box(latMin: a, latMax: b, lonMin: c, lonMax: d)
        } else if let lat = r.lat, let lon = r.lon, let radius = r.radius_km, boxKeys.allSatisfy({ $0 == nil }) {
            guard lat.isFinite, abs(lat) <= 90, lon.isFinite, abs(lon) <= 360 else { throw fail([key("region")], "lat/lon out of range") }
            guard radius.isFinite, radius > 0, radius <= 3000 else { throw fail([key("region"), key("radius_km")], "\(radius) must be in (0, 3000]") }
            return .circle(lat: lat, lon: lon, radiusKm: radius)
        }
        throw fail([key("region")], "give either lat_min, lat_max, lon_min, lon_max or lat, lon, radius_km")
    }

    /// The time window: start, end (or a duration) and step (1 h by default); nil without one.
    static func parseTime(_ t: TimeDTO?, fail: Fail) throws -> (start: Epoch?, end: Epoch?, step: Double) {
        func key(_ s: String) -> YAMLKey { YAMLKey(s) }
        var start: Epoch?, end: Epoch?, step = 3600.0
        if let t {
            do { start = try Epoch(t.start) } catch { throw fail([key("time"), key("start")], "'\(t.start)' is not a UTC ISO 8601 time") }
            if let e = t.end {
                guard t.duration_h == nil else { throw fail([key("time")], "give end or duration_h, not both") }
                do { end = try Epoch(e) } catch { throw fail([key("time"), key("end")], "'\(e)' is not a UTC ISO 8601 time") }
            } else if let d = t.duration_h {
                guard d.isFinite, d > 0, d <= 24 * 366 * 20 else { throw fail([key("time"), key("duration_h")], "\(d) must be in (0, 175320]") }
                end = start!.addingSeconds(d * 3600)
            } else {
                throw fail([key("time")], "give end or duration_h")
            }
            guard end! > start! else { throw fail([key("time"), key("end")], "is not after start") }
            if let s = t.step {
                guard let parsed = try? TimeWindow.parseStep(s) else { throw fail([key("time"), key("step")], "'\(s)' is not a duration such as 1h or 10m") }
                step = parsed
            }
            let duration = end!.tdbSecondsPastJ2000 - start!.tdbSecondsPastJ2000
            guard step <= duration else { throw fail([key("time"), key("step")], "'\(t.step ?? "1h")' is longer than the window (\(duration / 3600) h)") }
            guard duration / step <= 50_000_000 else { throw fail([key("time"), key("step")], "'\(t.step ?? "1h")' gives more than 50,000,000 steps") }
        }
        return (start, end, step)
    }

    /// One criterion: its layer (a user raster with its file), hard limits, membership and weight.
    static func parseCriterion(_ c: CriterionDTO, index i: Int, fail: Fail) throws -> Criterion {
        func key(_ s: String) -> YAMLKey { YAMLKey(s) }
        func finite(_ v: Double?, _ path: [CodingKey]) throws {
            if let v, !v.isFinite { throw fail(path, "\(v) is not a finite number") }
        }
        let base: [CodingKey] = [key("criteria"), YAMLKey(index: i)]
        guard layers.contains(c.layer) else {
            throw fail(base + [key("layer")], "unknown layer '\(c.layer)' (known: \(layers.joined(separator: ", ")))")
        }
        if c.layer == "raster" && c.file == nil { throw fail(base + [key("file")], "missing (required for layer raster)") }
        if c.layer != "raster" && c.file != nil { throw fail(base + [key("file")], "only for layer raster") }
        guard let layer = Layer(name: c.layer, file: c.file) else { throw fail(base + [key("layer")], "unknown layer '\(c.layer)'") }
        try finite(c.min, base + [key("min")]); try finite(c.max, base + [key("max")])
        if let lo = c.min, let hi = c.max, lo > hi { throw fail(base + [key("min")], "min \(lo) is above max \(hi)") }
        let weight = c.weight ?? 0
        guard weight.isFinite, weight >= 0, weight <= 1000 else { throw fail(base + [key("weight")], "\(weight) must be in [0, 1000]") }
        var membership: Membership?
        if let m = c.membership {
            if let l = m.linear {
                guard m.threshold == nil else { throw fail(base + [key("membership")], "give linear or threshold, not both") }
                guard l.count == 2, l.allSatisfy({ $0.isFinite }), l[0] != l[1] else {
                    throw fail(base + [key("membership"), key("linear")], "needs two different numbers [from, to]")
                }
                membership = .linear(from: Float(l[0]), to: Float(l[1]))
            } else if let t = m.threshold {
                guard t.isFinite else { throw fail(base + [key("membership"), key("threshold")], "not a finite number") }
                membership = .threshold(at: Float(t), above: m.above ?? true)
            } else {
                throw fail(base + [key("membership")], "give linear: [from, to] or threshold: x")
            }
        }
        if weight > 0 && membership == nil { throw fail(base + [key("membership")], "missing (required when weight > 0)") }
        if weight == 0 && c.min == nil && c.max == nil { throw fail(base, "neither a weight nor a hard limit: the criterion does nothing") }
        return Criterion(layer: layer, min: c.min, max: c.max, membership: membership, weight: weight)
    }

    /// The rover of the psr_traverse_* criteria (nil when none uses it): `rover:` or the `distance` rover;
    /// psr_traverse_h needs one with a speed table.
    static func parseRover(_ name: String?, criteria: [Criterion], fail: Fail) throws -> RoverProfile? {
        let layers = Set(criteria.map(\.layer))
        guard !layers.isDisjoint(with: [.psrTraverseM, .psrTraverseH]) else {
            if name != nil { throw fail([YAMLKey("rover")], "given, but no criterion uses psr_traverse_m or psr_traverse_h") }
            return nil
        }
        let rover: RoverProfile
        do { rover = try RoverProfile.load(name ?? "distance") } catch let error as FarSideError { throw fail([YAMLKey("rover")], error.description) }
        if layers.contains(.psrTraverseH) && !rover.hasSpeed {
            throw fail([YAMLKey("rover")], "rover \(rover.name) has no speed table (moves.speed_mps): psr_traverse_h needs one")
        }
        return rover
    }

    /// The landing ellipse: semi-axes, azimuth and the safe fraction it needs.
    static func parseEllipse(_ e: EllipseDTO, fail: Fail) throws -> Ellipse {
        func key(_ s: String) -> YAMLKey { YAMLKey(s) }
        let base: [CodingKey] = [key("ellipse")]
        guard e.semi_major_m.isFinite, e.semi_major_m > 0, e.semi_major_m <= 200_000 else { throw fail(base + [key("semi_major_m")], "must be in (0, 200000]") }
        guard e.semi_minor_m.isFinite, e.semi_minor_m > 0, e.semi_minor_m <= e.semi_major_m else {
            throw fail(base + [key("semi_minor_m")], "must be > 0 and <= semi_major_m")
        }
        let fraction = e.min_safe_fraction ?? 1
        guard fraction.isFinite, (0...1).contains(fraction) else { throw fail(base + [key("min_safe_fraction")], "\(fraction) must be in [0, 1]") }
        return Ellipse(semiMajorM: e.semi_major_m, semiMinorM: e.semi_minor_m, azimuthDeg: e.azimuth_deg ?? 0, minSafeFraction: fraction)
    }

    // MARK: - Decoding (strict: unknown keys are errors)

    struct ProfileDTO: Decodable {
        var name: String
        var description: String?
        var region: RegionDTO?
        var dem: String?
        var time: TimeDTO?
        var height_m: Double?
        var orbit: String?
        var min_elevation_deg: Double?
        var azimuths: Int?
        var criteria: [CriterionDTO]
        var ellipse: EllipseDTO?
        var ranking: RankingDTO?
        var rover: String?

        init(from decoder: Decoder) throws {
            let c = try StrictYAMLDocument.container(decoder, allowed: ["name", "description", "region", "dem", "time", "height_m", "orbit",
                                                                         "min_elevation_deg", "azimuths", "criteria", "ellipse", "ranking", "rover"])
            rover = try c.decodeIfPresent(String.self, forKey: YAMLKey("rover"))
            name = try c.decode(String.self, forKey: YAMLKey("name"))
            description = try c.decodeIfPresent(String.self, forKey: YAMLKey("description"))
            region = try c.decodeIfPresent(RegionDTO.self, forKey: YAMLKey("region"))
            dem = try c.decodeIfPresent(String.self, forKey: YAMLKey("dem"))
            time = try c.decodeIfPresent(TimeDTO.self, forKey: YAMLKey("time"))
            height_m = try c.decodeIfPresent(Double.self, forKey: YAMLKey("height_m"))
            orbit = try c.decodeIfPresent(String.self, forKey: YAMLKey("orbit"))
            min_elevation_deg = try c.decodeIfPresent(Double.self, forKey: YAMLKey("min_elevation_deg"))
            azimuths = try c.decodeIfPresent(Int.self, forKey: YAMLKey("azimuths"))
            criteria = try c.decode([CriterionDTO].self, forKey: YAMLKey("criteria"))
            ellipse = try c.decodeIfPresent(EllipseDTO.self, forKey: YAMLKey("ellipse"))
            ranking = try c.decodeIfPresent(RankingDTO.self, forKey: YAMLKey("ranking"))
        }
    }

    struct RegionDTO: Decodable {
        var lat_min, lat_max, lon_min, lon_max, lat, lon, radius_km: Double?
        init() {}
        init(from decoder: Decoder) throws {
            let c = try StrictYAMLDocument.container(decoder, allowed: ["lat_min", "lat_max", "lon_min", "lon_max", "lat", "lon", "radius_km"])
            func d(_ k: String) throws -> Double? { try c.decodeIfPresent(Double.self, forKey: YAMLKey(k)) }
            lat_min = try d("lat_min"); lat_max = try d("lat_max"); lon_min = try d("lon_min"); lon_max = try d("lon_max")
            lat = try d("lat"); lon = try d("lon"); radius_km = try d("radius_km")
        }
    }

    struct TimeDTO: Decodable {
        var start: String
        var end: String?
        var duration_h: Double?
        var step: String?
        init(from decoder: Decoder) throws {
            let c = try StrictYAMLDocument.container(decoder, allowed: ["start", "end", "duration_h", "step"])
            start = try c.decode(String.self, forKey: YAMLKey("start"))
            end = try c.decodeIfPresent(String.self, forKey: YAMLKey("end"))
            duration_h = try c.decodeIfPresent(Double.self, forKey: YAMLKey("duration_h"))
            step = try c.decodeIfPresent(String.self, forKey: YAMLKey("step"))
        }
    }

    struct CriterionDTO: Decodable {
        var layer: String
        var file: String?
        var min, max, weight: Double?
        var membership: MembershipDTO?
        init(from decoder: Decoder) throws {
            let c = try StrictYAMLDocument.container(decoder, allowed: ["layer", "file", "min", "max", "membership", "weight"])
            layer = try c.decode(String.self, forKey: YAMLKey("layer"))
            file = try c.decodeIfPresent(String.self, forKey: YAMLKey("file"))
            min = try c.decodeIfPresent(Double.self, forKey: YAMLKey("min"))
            max = try c.decodeIfPresent(Double.self, forKey: YAMLKey("max"))
            weight = try c.decodeIfPresent(Double.self, forKey: YAMLKey("weight"))
            membership = try c.decodeIfPresent(MembershipDTO.self, forKey: YAMLKey("membership"))
        }
    }

    struct MembershipDTO: Decodable {
        var linear: [Double]?
        var threshold: Double?
        var above: Bool?
        init(from decoder: Decoder) throws {
            let c = try StrictYAMLDocument.container(decoder, allowed: ["linear", "threshold", "above"])
            linear = try c.decodeIfPresent([Double].self, forKey: YAMLKey("linear"))
            threshold = try c.decodeIfPresent(Double.self, forKey: YAMLKey("threshold"))
            above = try c.decodeIfPresent(Bool.self, forKey: YAMLKey("above"))
        }
    }

    struct EllipseDTO: Decodable {
        var semi_major_m: Double
        var semi_minor_m: Double
        var azimuth_deg: Double?
        var min_safe_fraction: Double?
        init(from decoder: Decoder) throws {
            let c = try StrictYAMLDocument.container(decoder, allowed: ["semi_major_m", "semi_minor_m", "azimuth_deg", "min_safe_fraction"])
            semi_major_m = try c.decode(Double.self, forKey: YAMLKey("semi_major_m"))
            semi_minor_m = try c.decode(Double.self, forKey: YAMLKey("semi_minor_m"))
            azimuth_deg = try c.decodeIfPresent(Double.self, forKey: YAMLKey("azimuth_deg"))
            min_safe_fraction = try c.decodeIfPresent(Double.self, forKey: YAMLKey("min_safe_fraction"))
        }
    }

    struct RankingDTO: Decodable {
        var count: Int?
        var min_separation_m: Double?
        init(from decoder: Decoder) throws {
            let c = try StrictYAMLDocument.container(decoder, allowed: ["count", "min_separation_m"])
            count = try c.decodeIfPresent(Int.self, forKey: YAMLKey("count"))
            min_separation_m = try c.decodeIfPresent(Double.self, forKey: YAMLKey("min_separation_m"))
        }
    }
}

extension MissionProfile {
    /// The largest distance to a permanently shadowed cell the profile tells apart, metres: the largest
    /// finite limit or membership breakpoint of its psr_distance_m criteria (nil when it has none). Beyond
    /// it every distance scores the same, so the layer is computed exactly up to it and infinite beyond.
    /// Criteria on psr_traverse_m count in metres of path (never shorter than the straight distance), and
    /// on psr_traverse_h in hours at the rover's top speed.
    public var psrReachM: Double? {
        var reach: Double?
        for c in criteria where c.layer.needsShadowReach {
            let scale = c.layer == .psrTraverseH ? 3600 * (rover?.motion.topSpeed ?? 1) : 1
            var values = [c.min, c.max].compactMap { $0 }
            switch c.membership {
            case let .linear(from, to)?: values += [Double(from), Double(to)]
            case let .threshold(at, _)?: values.append(Double(at))
            case nil: break
            }
            for v in values where v.isFinite { reach = Swift.max(reach ?? 0, v * scale) }
        }
        return reach
    }
}
