import Ephemeris
import Foundation
import GeoRaster
import StrictYAML
import Traverse

/// A station-layout profile (YAML): the base site's criteria (a mission profile's criteria and landing
/// ellipse), and the power, communications and ice elements with the rover costs from the base they must
/// lie within, and the weights of the layout objective. Strictly validated like mission profiles.
///
/// ```yaml
/// name: ilrs-station
/// region: {lat: -89.45, lon: 222, radius_km: 12}
/// time: {start: 2027-01-01T00:00:00Z, duration_h: 708, step: 2h}
/// height_m: 2
/// orbit: queqiao-2
/// min_elevation_deg: 5
/// azimuths: 180
/// rover: viper-class            # built-in or file: its cost unit is the unit of every max_cost
/// base:
///   criteria: [...]             # as a mission profile's
///   ellipse: {semi_major_m: 100, semi_minor_m: 100, min_safe_fraction: 0.9}
///   candidates: 5               # the best base sites, each the seed of one layout
///   min_separation_m: 1000
/// power: {count: 2, max_cost: 1.5, max_slope_deg: 15, min_separation_m: 200}
/// comms: {max_cost: 1.5, layer: comms_fraction}     # or earth_fraction
/// ice: {max_cost: 6}
/// weights: {base: 1, power: 2, comms: 1, ice: 1}
/// ```
public struct StationProfile: Sendable {
    public struct Power: Sendable {
        public var count: Int
        public var maxCost: Double
        public var maxSlopeDeg: Double
        public var minSeparationM: Double
    }

    public struct Weights: Sendable {
        public var base, power, comms, ice: Double
        public var total: Double { base + power + comms + ice }
    }

    public var name: String
    public var description: String
    /// The base site's profile: region, time window, heights and orbit, its criteria, ellipse and ranking
    /// (`count` = candidates).
    public var base: MissionProfile
    public var rover: RoverProfile
    public var power: Power
    public var commsMaxCost: Double
    /// `comms_fraction` (Earth or relay) or `earth_fraction` (direct to Earth only).
    public var commsLayer: Layer
    public var iceMaxCost: Double
    public var weights: Weights
    public var text: String

    /// A built-in profile by name, or a YAML file.
    public static func load(_ nameOrPath: String) throws -> StationProfile {
        if let text = BuiltInProfiles.stations[nameOrPath] {
            return try parse(StrictYAMLDocument(yaml: text, source: "profile \(nameOrPath)", what: "station profile"), text: text)
        }
        guard FileManager.default.fileExists(atPath: nameOrPath) else {
            throw FarSideError.badInput("{stationProfile} \(nameOrPath): no such built-in station profile (\(BuiltInProfiles.stations.keys.sorted().joined(separator: ", "))) or file")
        }
        let document = try StrictYAMLDocument(path: nameOrPath, what: "station profile")
        return try parse(document, text: (try? String(contentsOfFile: nameOrPath, encoding: .utf8)) ?? "")
    }

    /// Metres of path the rover covers at most for a cost of `cost` (its unit): the reach a layer window
    /// must have around the base.
    public func reachM(cost: Double) -> Double {
        let perMetre = rover.motion.leastCostPerMetre
        return perMetre > 0 ? cost / rover.costScale / perMetre : .infinity
    }

    static func parse(_ document: StrictYAMLDocument, text: String) throws -> StationProfile {
        let dto = try document.decode(StationDTO.self)
        let fail = document.fail
        func key(_ s: String) -> YAMLKey { YAMLKey(s) }
        let region = try MissionProfile.parseRegion(dto.region, fail: fail)
        let (start, end, step) = try MissionProfile.parseTime(dto.time, fail: fail)
        guard start != nil else { throw fail([key("time")], "missing (sunlight, darkness and links need a time window)") }
        guard !dto.base.criteria.isEmpty else { throw fail([key("base"), key("criteria")], "the list is empty") }
        let criteria = try dto.base.criteria.enumerated().map { i, c -> MissionProfile.Criterion in
            do { return try MissionProfile.parseCriterion(c, index: i, fail: { path, message in fail([key("base")] + path, message) }) }
        }
        let ellipse = try dto.base.ellipse.map { try MissionProfile.parseEllipse($0, fail: { path, message in fail([key("base")] + path, message) }) }
        let candidates = dto.base.candidates ?? 5
        guard (1...100).contains(candidates) else { throw fail([key("base"), key("candidates")], "\(candidates) must be in 1 ... 100") }
        let separation = dto.base.min_separation_m ?? 1000
        guard separation.isFinite, separation >= 0 else { throw fail([key("base"), key("min_separation_m")], "must be >= 0") }
        let height = dto.height_m ?? 2
        guard height.isFinite, height >= 0, height < 10_000 else { throw fail([key("height_m")], "\(height) must be in [0, 10000)") }
        let minElevation = dto.min_elevation_deg ?? 5
        guard minElevation.isFinite, abs(minElevation) <= 90 else { throw fail([key("min_elevation_deg")], "must be in [-90, 90]") }
        let azimuths = dto.azimuths ?? 180
        guard (4...3600).contains(azimuths) else { throw fail([key("azimuths")], "\(azimuths) must be in 4 ... 3600") }
        let rover: RoverProfile
        do { rover = try RoverProfile.load(dto.rover ?? "viper-class") } catch let error as FarSideError { throw fail([key("rover")], error.description) }
        func positive(_ v: Double, _ path: [CodingKey]) throws -> Double {
            guard v.isFinite, v > 0 else { throw fail(path, "\(v) must be a positive number (in the rover's cost unit, \(rover.costUnit))") }
            return v
        }
        let p = dto.power
        guard (1...10).contains(p.count ?? 1) else { throw fail([key("power"), key("count")], "must be in 1 ... 10") }
        let power = Power(count: p.count ?? 1, maxCost: try positive(p.max_cost, [key("power"), key("max_cost")]),
                          maxSlopeDeg: p.max_slope_deg ?? rover.maxSlopeDeg, minSeparationM: p.min_separation_m ?? 200)
        guard power.maxSlopeDeg > 0, power.maxSlopeDeg <= 90 else { throw fail([key("power"), key("max_slope_deg")], "must be in (0, 90]") }
        let commsLayer: Layer
        switch dto.comms.layer ?? "comms_fraction" {
        case "comms_fraction": commsLayer = .commsFraction
        case "earth_fraction": commsLayer = .earthFraction
        case let other: throw fail([key("comms"), key("layer")], "'\(other)' is not comms_fraction or earth_fraction")
        }
        let w = dto.weights
        let weights = Weights(base: w?.base ?? 1, power: w?.power ?? 1, comms: w?.comms ?? 1, ice: w?.ice ?? 1)
        for (name, v) in [("base", weights.base), ("power", weights.power), ("comms", weights.comms), ("ice", weights.ice)] {
            guard v.isFinite, v >= 0, v <= 1000 else { throw fail([key("weights"), key(name)], "\(v) must be in [0, 1000]") }
        }
        guard weights.total > 0 else { throw fail([key("weights")], "all zero: the layouts cannot be ranked") }
        let baseProfile = MissionProfile(name: dto.name + " base", description: "base site of \(dto.name)", region: region, dem: dto.dem,
                                         start: start, end: end, stepSeconds: step, heightM: height, orbit: dto.orbit ?? "queqiao-2",
                                         minElevationDeg: minElevation, azimuths: azimuths, criteria: criteria, ellipse: ellipse,
                                         count: candidates, minSeparationM: separation, rover: nil, text: text)
        return StationProfile(name: dto.name, description: dto.description ?? "", base: baseProfile, rover: rover, power: power,
                              commsMaxCost: try positive(dto.comms.max_cost, [key("comms"), key("max_cost")]), commsLayer: commsLayer,
                              iceMaxCost: try positive(dto.ice.max_cost, [key("ice"), key("max_cost")]), weights: weights, text: text)
    }

    // MARK: - Decoding (strict)

    struct StationDTO: Decodable {
        var name: String
        var description: String?
        var region: MissionProfile.RegionDTO?
        var dem: String?
        var time: MissionProfile.TimeDTO?
        var height_m: Double?
        var orbit: String?
        var min_elevation_deg: Double?
        var azimuths: Int?
        var rover: String?
        var base: BaseDTO
        var power: PowerDTO
        var comms: CommsDTO
        var ice: IceDTO
        var weights: WeightsDTO?
        init(from decoder: Decoder) throws {
            let c = try StrictYAMLDocument.container(decoder, allowed: ["name", "description", "region", "dem", "time", "height_m", "orbit",
                                                                         "min_elevation_deg", "azimuths", "rover", "base", "power", "comms", "ice", "weights"])
            name = try c.decode(String.self, forKey: YAMLKey("name"))
            description = try c.decodeIfPresent(String.self, forKey: YAMLKey("description"))
            region = try c.decodeIfPresent(MissionProfile.RegionDTO.self, forKey: YAMLKey("region"))
            dem = try c.decodeIfPresent(String.self, forKey: YAMLKey("dem"))
            time = try c.decodeIfPresent(MissionProfile.TimeDTO.self, forKey: YAMLKey("time"))
            height_m = try c.decodeIfPresent(Double.self, forKey: YAMLKey("height_m"))
            orbit = try c.decodeIfPresent(String.self, forKey: YAMLKey("orbit"))
            min_elevation_deg = try c.decodeIfPresent(Double.self, forKey: YAMLKey("min_elevation_deg"))
            azimuths = try c.decodeIfPresent(Int.self, forKey: YAMLKey("azimuths"))
            rover = try c.decodeIfPresent(String.self, forKey: YAMLKey("rover"))
            base = try c.decode(BaseDTO.self, forKey: YAMLKey("base"))
            power = try c.decode(PowerDTO.self, forKey: YAMLKey("power"))
            comms = try c.decode(CommsDTO.self, forKey: YAMLKey("comms"))
            ice = try c.decode(IceDTO.self, forKey: YAMLKey("ice"))
            weights = try c.decodeIfPresent(WeightsDTO.self, forKey: YAMLKey("weights"))
        }
    }

    struct BaseDTO: Decodable {
        var criteria: [MissionProfile.CriterionDTO]
        var ellipse: MissionProfile.EllipseDTO?
        var candidates: Int?
        var min_separation_m: Double?
        init(from decoder: Decoder) throws {
            let c = try StrictYAMLDocument.container(decoder, allowed: ["criteria", "ellipse", "candidates", "min_separation_m"])
            criteria = try c.decode([MissionProfile.CriterionDTO].self, forKey: YAMLKey("criteria"))
            ellipse = try c.decodeIfPresent(MissionProfile.EllipseDTO.self, forKey: YAMLKey("ellipse"))
            candidates = try c.decodeIfPresent(Int.self, forKey: YAMLKey("candidates"))
            min_separation_m = try c.decodeIfPresent(Double.self, forKey: YAMLKey("min_separation_m"))
        }
    }

    struct PowerDTO: Decodable {
        var count: Int?
        var max_cost: Double
        var max_slope_deg: Double?
        var min_separation_m: Double?
        init(from decoder: Decoder) throws {
            let c = try StrictYAMLDocument.container(decoder, allowed: ["count", "max_cost", "max_slope_deg", "min_separation_m"])
            count = try c.decodeIfPresent(Int.self, forKey: YAMLKey("count"))
            max_cost = try c.decode(Double.self, forKey: YAMLKey("max_cost"))
            max_slope_deg = try c.decodeIfPresent(Double.self, forKey: YAMLKey("max_slope_deg"))
            min_separation_m = try c.decodeIfPresent(Double.self, forKey: YAMLKey("min_separation_m"))
        }
    }

    struct CommsDTO: Decodable {
        var max_cost: Double
        var layer: String?
        init(from decoder: Decoder) throws {
            let c = try StrictYAMLDocument.container(decoder, allowed: ["max_cost", "layer"])
            max_cost = try c.decode(Double.self, forKey: YAMLKey("max_cost"))
            layer = try c.decodeIfPresent(String.self, forKey: YAMLKey("layer"))
        }
    }

    struct IceDTO: Decodable {
        var max_cost: Double
        init(from decoder: Decoder) throws {
            let c = try StrictYAMLDocument.container(decoder, allowed: ["max_cost"])
            max_cost = try c.decode(Double.self, forKey: YAMLKey("max_cost"))
        }
    }

    struct WeightsDTO: Decodable {
        var base, power, comms, ice: Double?
        init(from decoder: Decoder) throws {
            let c = try StrictYAMLDocument.container(decoder, allowed: ["base", "power", "comms", "ice"])
            base = try c.decodeIfPresent(Double.self, forKey: YAMLKey("base"))
            power = try c.decodeIfPresent(Double.self, forKey: YAMLKey("power"))
            comms = try c.decodeIfPresent(Double.self, forKey: YAMLKey("comms"))
            ice = try c.decodeIfPresent(Double.self, forKey: YAMLKey("ice"))
        }
    }
}
