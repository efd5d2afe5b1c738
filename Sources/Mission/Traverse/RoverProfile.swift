import Foundation
import GeoRaster
import StrictYAML
import Traverse

/// A rover profile (YAML): which cells the rover may enter, what a move costs and how long it takes, and,
/// optionally, its rules in time (sunlight and links). Strictly validated like mission profiles: unknown
/// keys, wrong types and out-of-range values are exit 3 with the file, line and field named.
///
/// ```yaml
/// name: viper-class
/// description: ...
/// objective: time              # what cost_distance.tif holds: distance (m), time (h) or energy (Wh)
/// cells: {max_slope_deg: 15, max_roughness_m: 1.5, enter_psr: true}
/// moves:
///   max_grade_deg: 15          # along the direction of travel
///   speed_mps: [[-15, 0.1], [0, 0.2], [15, 0.08]]      # [grade deg (+ uphill), m/s], piecewise linear
///   energy_wh_per_m: [[-15, 0.05], [0, 0.1], [15, 0.35]]
/// time:                        # absent: no time dependence (the rover ignores sunlight and links)
///   min_sun_elevation_deg: 5   # below it (or behind the terrain) a cell counts as in shadow
///   max_shadow_drive_h: 6      # driving time in shadow since last lit, at most (battery)
///   max_shadow_h: 50           # survivable darkness parked: havens are cells whose longest night in the
///                              # window is at most max_shadow_h - max_shadow_drive_h
///   max_no_link_drive_h: 0.25  # driving time out of contact since last linked, at most (parked: no limit)
///   link: earth_or_relay       # earth, relay or earth_or_relay
///   height_m: 1.5              # camera / antenna / panel height for horizons
/// ```
public struct RoverProfile: Sendable {
    public enum Link: String, Sendable, CaseIterable { case earth, relay, earth_or_relay }

    /// The rover's rules in time (`time:` section).
    public struct TimeRules: Sendable, Equatable {
        public var minSunElevationDeg: Double
        /// Most driving time in shadow since it was last lit, hours (parked time does not count).
        public var maxShadowDriveHours: Double
        /// Longest darkness it survives, hours (>= the driving limit): it parks only in sunlight or at a safe
        /// haven, a cell whose longest night in the window is at most this minus the driving limit.
        public var maxShadowHours: Double
        /// Most driving time out of contact since it was last linked, hours (parked time does not count: a
        /// blackout is sat out parked).
        public var maxNoLinkDriveHours: Double
        public var link: Link
        public var heightM: Double
    }

    public var name: String
    public var description: String
    public var motion: RoverMotion
    /// Steepest cell slope (3 x 3 Horn slope, as gdaldem) the rover may enter, degrees.
    public var maxSlopeDeg: Double
    /// Largest roughness (max - min height in the 3 x 3 window, metres) it may enter (nil: no limit).
    public var maxRoughnessM: Double?
    /// Whether it may enter permanently shadowed cells (cells never lit in the window).
    public var enterPSR: Bool
    public var time: TimeRules?
    /// Whether the profile gives a speed table (`moves.speed_mps`): driving times mean something.
    public var hasSpeed: Bool
    /// The YAML text, for reports.
    public var text: String

    /// Unit of the cost field: metres, hours or watt-hours.
    public var costUnit: String {
        switch motion.objective {
        case .distance: return "m"
        case .time: return "h"
        case .energy: return "Wh"
        }
    }

    /// Factor from the kernel's cost (metres, seconds, watt-hours) to `costUnit`.
    public var costScale: Double { motion.objective == .time ? 1.0 / 3600 : 1 }

    /// Which cells the rover may enter: heights not nodata, slope and roughness (3 x 3, nil when not
    /// computed) within its limits, and, when `psr` is given and the rover may not enter permanent shadow,
    /// not permanently shadowed.
    /// In parallel ranges on `threads` threads (the result does not depend on them).
    public func passable(dem: Grid, slope: Grid, roughness: Grid?, psr: [Bool]? = nil, threads: Int = 1) -> [Bool] {
        let n = dem.values.count
        // The largest Float not above each limit: a Float x is <= it exactly when Double(x) <= the limit (`refusal`).
        func floor(_ limit: Double) -> Float { let f = Float(limit); return Double(f) > limit ? f.nextDown : f }
        let maxSlope = floor(maxSlopeDeg)
        let roughLimit = roughness == nil ? nil : maxRoughnessM.map(floor)
        let shadow = enterPSR ? nil : psr
        return [Bool](unsafeUninitializedCapacity: n) { out, count in
            let o = SharedPointer(out.baseAddress ?? UnsafeMutablePointer(bitPattern: 1)!)
            dem.values.withUnsafeBufferPointer { z in
                slope.values.withUnsafeBufferPointer { s in
                    ParallelChunks.forEachRange(count: n, threads: threads) { range in
                        for i in range { o.base[i] = !z[i].isNaN && s[i] <= maxSlope }
                        if let limit = roughLimit, let r = roughness {
                            r.values.withUnsafeBufferPointer { r in for i in range where !(r[i] <= limit) { o.base[i] = false } }
                        }
                        if let shadow { for i in range where shadow[i] { o.base[i] = false } }
                    }
                }
            }
            count = n
        }
    }

    /// The number of true cells of a passability mask, in parallel ranges, eight cells (bytes of 0 or 1)
    /// per 64-bit word: their sum is the word's top byte after multiplying by 0x0101...01.
    public static func count(_ passable: [Bool], threads: Int = 1) -> Int {
        let lock = NSLock()
        var total = 0
        passable.withUnsafeBytes { bytes in
            let words = bytes.count / 8
            ParallelChunks.forEachRange(count: words, threads: threads) { range in
                var k = 0
                for i in range { k &+= Int((bytes.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self) &* 0x0101_0101_0101_0101) >> 56) }
                lock.lock(); total += k; lock.unlock()
            }
            for i in (8 * words)..<bytes.count { total += Int(bytes[i]) }
        }
        return total
    }

    /// Why cell `cell` is not passable (`passable`'s rules), in words.
    public func refusal(cell: Int, dem: Grid, slope: Grid, roughness: Grid?, psr: [Bool]?) -> String {
        if dem.values[cell].isNaN { return "nodata" }
        if !(Double(slope.values[cell]) <= maxSlopeDeg) {
            return String(format: "slope %.1f deg over its limit of %g deg", slope.values[cell], maxSlopeDeg)
        }
        if let r = roughness, let limit = maxRoughnessM, !(Double(r.values[cell]) <= limit) {
            return String(format: "roughness %.2f m over its limit of %g m", r.values[cell], limit)
        }
        if let psr, psr[cell], !enterPSR { return "permanently shadowed, and the rover may not enter permanent shadow" }
        return "impassable"
    }

    /// A built-in rover by name, or a YAML file.
    public static func load(_ nameOrPath: String) throws -> RoverProfile {
        if let text = BuiltInRovers.all[nameOrPath] {
            return try parse(StrictYAMLDocument(yaml: text, source: "rover \(nameOrPath)", what: "rover profile"), text: text)
        }
        guard FileManager.default.fileExists(atPath: nameOrPath) else {
            throw FarSideError.badInput("{rover} \(nameOrPath): no such built-in rover (\(BuiltInRovers.all.keys.sorted().joined(separator: ", "))) or file")
        }
        let document = try StrictYAMLDocument(path: nameOrPath, what: "rover profile")
        return try parse(document, text: (try? String(contentsOfFile: nameOrPath, encoding: .utf8)) ?? "")
    }

    static func parse(_ document: StrictYAMLDocument, text: String) throws -> RoverProfile {
        let dto = try document.decode(RoverDTO.self)
        let fail = document.fail
        func key(_ s: String) -> YAMLKey { YAMLKey(s) }
        guard !dto.name.isEmpty else { throw fail([key("name")], "is empty") }
        guard let objective = RoverMotion.Objective(rawValue: dto.objective) else {
            throw fail([key("objective")], "'\(dto.objective)' is not one of \(RoverMotion.Objective.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let cells = dto.cells
        guard cells.max_slope_deg.isFinite, cells.max_slope_deg > 0, cells.max_slope_deg <= 90 else {
            throw fail([key("cells"), key("max_slope_deg")], "\(cells.max_slope_deg) must be in (0, 90]")
        }
        if let r = cells.max_roughness_m, !(r.isFinite && r > 0) { throw fail([key("cells"), key("max_roughness_m")], "\(r) must be > 0") }
        let moves = dto.moves ?? MovesDTO()
        let maxGrade = moves.max_grade_deg ?? .infinity
        guard maxGrade > 0, maxGrade <= 90 || maxGrade.isInfinite else { throw fail([key("moves"), key("max_grade_deg")], "\(maxGrade) must be in (0, 90]") }
        let speed = try table(moves.speed_mps, path: [key("moves"), key("speed_mps")], positive: true, fail: fail)
        let energy = try table(moves.energy_wh_per_m, path: [key("moves"), key("energy_wh_per_m")], positive: false, fail: fail)
        if objective == .time && speed == nil { throw fail([key("moves"), key("speed_mps")], "missing (required by objective time)") }
        if objective == .energy && energy == nil { throw fail([key("moves"), key("energy_wh_per_m")], "missing (required by objective energy)") }
        var rules: TimeRules?
        if let t = dto.time {
            let base: [CodingKey] = [key("time")]
            guard speed != nil else { throw fail([key("moves"), key("speed_mps")], "missing (required by the time rules: moves take time)") }
            let sun = t.min_sun_elevation_deg ?? 0
            guard sun.isFinite, abs(sun) <= 90 else { throw fail(base + [key("min_sun_elevation_deg")], "must be in [-90, 90]") }
            for (name, v) in [("max_shadow_drive_h", t.max_shadow_drive_h), ("max_shadow_h", t.max_shadow_h), ("max_no_link_drive_h", t.max_no_link_drive_h)] {
                guard v >= 0, !v.isNaN else { throw fail(base + [key(name)], "\(v) must be >= 0 (.inf for no limit)") }
            }
            guard t.max_shadow_h >= t.max_shadow_drive_h else {
                throw fail(base + [key("max_shadow_h")], "\(t.max_shadow_h) is below max_shadow_drive_h \(t.max_shadow_drive_h): a rover that may drive in shadow survives parked in it at least as long")
            }
            guard let link = Link(rawValue: t.link ?? "earth") else {
                throw fail(base + [key("link")], "'\(t.link ?? "")' is not one of \(Link.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let height = t.height_m ?? 1
            guard height.isFinite, height >= 0, height < 100 else { throw fail(base + [key("height_m")], "\(height) must be in [0, 100)") }
            rules = TimeRules(minSunElevationDeg: sun, maxShadowDriveHours: t.max_shadow_drive_h, maxShadowHours: t.max_shadow_h,
                              maxNoLinkDriveHours: t.max_no_link_drive_h, link: link, heightM: height)
        }
        let motion = RoverMotion(objective: objective, maxGradeDeg: maxGrade, speed: speed ?? .constant(1), energy: energy ?? .constant(0))
        return RoverProfile(name: dto.name, description: dto.description ?? "", motion: motion, maxSlopeDeg: cells.max_slope_deg,
                            maxRoughnessM: cells.max_roughness_m, enterPSR: cells.enter_psr ?? true, time: rules, hasSpeed: speed != nil, text: text)
    }

    /// A slope table from [[grade, value], ...]: grades in [-90, 90], distinct; values finite, > 0 for speeds
    /// (>= 0 otherwise).
    static func table(_ rows: [[Double]]?, path: [CodingKey], positive: Bool, fail: MissionProfile.Fail) throws -> SlopeTable? {
        guard let rows else { return nil }
        guard !rows.isEmpty else { throw fail(path, "the list is empty") }
        var points: [(grade: Double, value: Double)] = []
        for (i, row) in rows.enumerated() {
            let at = path + [YAMLKey(index: i)]
            guard row.count == 2 else { throw fail(at, "needs two numbers [grade_deg, value]") }
            guard row[0].isFinite, abs(row[0]) <= 90 else { throw fail(at, "grade \(row[0]) must be in [-90, 90]") }
            guard row[1].isFinite, positive ? row[1] > 0 : row[1] >= 0 else {
                throw fail(at, "value \(row[1]) must be \(positive ? "> 0" : ">= 0") and finite")
            }
            points.append((row[0], row[1]))
        }
        do { return try SlopeTable(points: points) } catch { throw fail(path, "two points at the same grade") }
    }

    // MARK: - Decoding (strict: unknown keys are errors)

    struct RoverDTO: Decodable {
        var name: String
        var description: String?
        var objective: String
        var cells: CellsDTO
        var moves: MovesDTO?
        var time: TimeDTO?
        init(from decoder: Decoder) throws {
            let c = try StrictYAMLDocument.container(decoder, allowed: ["name", "description", "objective", "cells", "moves", "time"])
            name = try c.decode(String.self, forKey: YAMLKey("name"))
            description = try c.decodeIfPresent(String.self, forKey: YAMLKey("description"))
            objective = try c.decode(String.self, forKey: YAMLKey("objective"))
            cells = try c.decode(CellsDTO.self, forKey: YAMLKey("cells"))
            moves = try c.decodeIfPresent(MovesDTO.self, forKey: YAMLKey("moves"))
            time = try c.decodeIfPresent(TimeDTO.self, forKey: YAMLKey("time"))
        }
    }

    struct CellsDTO: Decodable {
        var max_slope_deg: Double
        var max_roughness_m: Double?
        var enter_psr: Bool?
        init(from decoder: Decoder) throws {
            let c = try StrictYAMLDocument.container(decoder, allowed: ["max_slope_deg", "max_roughness_m", "enter_psr"])
            max_slope_deg = try c.decode(Double.self, forKey: YAMLKey("max_slope_deg"))
            max_roughness_m = try c.decodeIfPresent(Double.self, forKey: YAMLKey("max_roughness_m"))
            enter_psr = try c.decodeIfPresent(Bool.self, forKey: YAMLKey("enter_psr"))
        }
    }

    struct MovesDTO: Decodable {
        var max_grade_deg: Double?
        var speed_mps: [[Double]]?
        var energy_wh_per_m: [[Double]]?
        init() {}
        init(from decoder: Decoder) throws {
            let c = try StrictYAMLDocument.container(decoder, allowed: ["max_grade_deg", "speed_mps", "energy_wh_per_m"])
            max_grade_deg = try c.decodeIfPresent(Double.self, forKey: YAMLKey("max_grade_deg"))
            speed_mps = try c.decodeIfPresent([[Double]].self, forKey: YAMLKey("speed_mps"))
            energy_wh_per_m = try c.decodeIfPresent([[Double]].self, forKey: YAMLKey("energy_wh_per_m"))
        }
    }

    struct TimeDTO: Decodable {
        var min_sun_elevation_deg: Double?
        var max_shadow_drive_h: Double
        var max_shadow_h: Double
        var max_no_link_drive_h: Double
        var link: String?
        var height_m: Double?
        init(from decoder: Decoder) throws {
            let c = try StrictYAMLDocument.container(decoder, allowed: ["min_sun_elevation_deg", "max_shadow_drive_h", "max_shadow_h",
                                                                                   "max_no_link_drive_h", "link", "height_m"])
            min_sun_elevation_deg = try c.decodeIfPresent(Double.self, forKey: YAMLKey("min_sun_elevation_deg"))
            max_shadow_drive_h = try c.decode(Double.self, forKey: YAMLKey("max_shadow_drive_h"))
            max_shadow_h = try c.decode(Double.self, forKey: YAMLKey("max_shadow_h"))
            max_no_link_drive_h = try c.decode(Double.self, forKey: YAMLKey("max_no_link_drive_h"))
            link = try c.decodeIfPresent(String.self, forKey: YAMLKey("link"))
            height_m = try c.decodeIfPresent(Double.self, forKey: YAMLKey("height_m"))
        }
    }
}
