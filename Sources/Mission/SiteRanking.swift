import Foundation
import GeoRaster
import SiteSelection

/// One ranked (or given) site with its per-criterion breakdown.
public struct SiteReport: Sendable {
    public var rank: Int
    public var name: String
    public var row: Int
    public var column: Int
    public var lat: Double
    public var lon: Double
    public var x: Double
    public var y: Double
    public var score: Float
    public var feasible: Bool
    public var values: [Float]
    public var contributions: [Float]
    public var ellipseSafeFraction: Float?
    public var binding: String
    /// Monte Carlo weight sensitivity: share of runs in which the site stays in the top K, and its mean rank.
    public var topShare: Double?
    public var meanRank: Double?
    /// The dated way to permanent shadow (`SiteShadowAccess`), when the profile scores psr_traverse_h with a
    /// timed rover.
    public var shadowAccess: ShadowAccess? = nil
}

/// Scores, feasibility and the ranked sites of a profile over its region.
public struct RankingResult: Sendable {
    public var sites: [SiteReport]
    public var score: Grid
    public var feasible: Grid
    public var labels: [String]
    public var weights: [Float]

    public init(sites: [SiteReport], score: Grid, feasible: Grid, labels: [String], weights: [Float]) {
        self.sites = sites
        self.score = score
        self.feasible = feasible
        self.labels = labels
        self.weights = weights
    }
}

/// A window's scores: the weighted score, safe (every hard limit met), feasible (safe, in the region and
/// with a safe enough landing ellipse), the ellipse's safe fraction, and the layers and criteria they came
/// from (for per-site breakdowns).
public struct ScoredWindow: Sendable {
    public var score: Grid
    public var safe: Grid
    public var feasible: Grid
    public var ellipseFraction: Grid?
    public var layers: [Grid]
    public var criteria: [Criterion]
}

/// The ranking job: the fused scorer over the profile's layers (plus the region mask), landing-ellipse
/// safe fractions (a cell is feasible only if its ellipse holds enough safe cells, safe = every hard limit
/// met), greedy ranking with a minimum separation, per-site breakdowns, and optionally the Monte Carlo
/// weight sensitivity.
public enum SiteRanking {
    /// The scorer's criteria of a profile (criterion k reads layer k).
    public static func criteria(_ profile: MissionProfile) -> [Criterion] {
        profile.criteria.enumerated().map { k, c in
            Criterion(layer: k, min: c.min.map(Float.init), max: c.max.map(Float.init), membership: c.membership ?? .linear(from: 0, to: 1),
                      weight: Float(c.weight))
        }
    }

    /// Scores, safety and feasibility of every cell of `grid` (`ScoredWindow`).
    public static func score(profile: MissionProfile, grid: SiteGrid, stack: LayerStack, threads: Int) throws -> ScoredWindow {
        let layers = try profile.criteria.map { c -> Grid in
            guard let g = stack.layer(for: c) else { throw FarSideError.failure("layer \(c.label) was not computed") }
            return g
        }
        let criteria = criteria(profile)
        let metrics = grid.cellMetrics.rows(grid.rows)
        // Safe = all hard limits (anywhere, for ellipses); feasible also needs the region and the ellipse.
        let (score, safe) = Scorer.score(layers: layers, criteria: criteria, threads: threads)
        var feasible = safe
        var ellipseFraction: Grid?
        if let e = profile.ellipse {
            let ellipse = LandingEllipse(semiMajor: e.semiMajorM, semiMinor: e.semiMinorM, azimuthDegrees: e.azimuthDeg)
            let fraction = LandingEllipse.safeFraction(safe: safe, metrics: metrics, ellipse: ellipse, threads: threads)
            ellipseFraction = fraction
            for i in feasible.values.indices where feasible.values[i] == 1 && !(fraction.values[i] >= Float(e.minSafeFraction)) {
                feasible.values[i] = 0
            }
        }
        for i in feasible.values.indices where !grid.inRegion[i] { feasible.values[i] = feasible.values[i].isNaN ? .nan : 0 }
        return ScoredWindow(score: score, safe: safe, feasible: feasible, ellipseFraction: ellipseFraction, layers: layers, criteria: criteria)
    }

    public static func run(profile: MissionProfile, grid: SiteGrid, stack: LayerStack, threads: Int,
                           candidates: [(name: String, lat: Double, lon: Double)]? = nil, sensitivity: Int = 0,
                           seed: UInt64 = 1) throws -> RankingResult {
        let scored = try score(profile: profile, grid: grid, stack: stack, threads: threads)
        let (score, safe, feasible, ellipseFraction, layers, criteria) = (scored.score, scored.safe, scored.feasible, scored.ellipseFraction,
                                                                          scored.layers, scored.criteria)
        let labels = profile.criteria.map(\.label)
        let metrics = grid.cellMetrics.rows(grid.rows)

        func report(rank: Int, name: String, row: Int, column: Int) -> SiteReport {
            let b = Scorer.breakdown(layers: layers, criteria: criteria, row: row, column: column)
            let ll = grid.latLon(row: row, column: column) ?? (.nan, .nan)
            let xy = grid.mapXY(row: row, column: column)
            let i = row * grid.width + column
            let binding = b.binding.map { labels[$0] } ?? (grid.inRegion[i] ? "" : "outside region")
            var ellipseBinding = binding
            if feasible.values[i] != 1, safe.values[i] == 1, grid.inRegion[i], ellipseFraction != nil { ellipseBinding = "ellipse" }
            return SiteReport(rank: rank, name: name, row: row, column: column, lat: ll.lat, lon: ll.lon, x: xy.x, y: xy.y,
                              score: score.values[i], feasible: feasible.values[i] == 1, values: b.criteria.map(\.value),
                              contributions: b.criteria.map(\.contribution), ellipseSafeFraction: ellipseFraction?.values[i],
                              binding: ellipseBinding, topShare: nil, meanRank: nil)
        }

        var sites: [SiteReport]
        if let candidates {
            var given: [SiteReport] = []
            for c in candidates {
                var found: (Int, Int)?
                for lon in [c.lon, c.lon + 360, c.lon - 360] {
                    if let m = grid.transformer.map(lat: c.lat, lon: lon) {
                        let p = grid.transform.pixel(x: m.x, y: m.y)
                        if p.column >= 0, p.row >= 0, p.column < Double(grid.width), p.row < Double(grid.height) { found = (Int(p.row), Int(p.column)); break }
                    }
                }
                guard let (r, col) = found else { throw FarSideError.badInput("{sites}: \(c.name) (\(c.lat), \(c.lon)) is outside the profile's region on the DEM") }
                given.append(report(rank: 0, name: c.name, row: r, column: col))
            }
            // Feasible sites first, then by score (NaN last); ties by input order.
            let order = given.indices.sorted { a, b in
                let (x, y) = (given[a], given[b])
                if x.feasible != y.feasible { return x.feasible }
                let sx = x.score.isNaN ? -Float.infinity : x.score, sy = y.score.isNaN ? -Float.infinity : y.score
                return sx != sy ? sx > sy : a < b
            }
            sites = order.enumerated().map { k, i in var s = given[i]; s.rank = k + 1; return s }
        } else {
            let ranked = Ranking.top(profile.count, score: score, feasible: feasible, metrics: metrics, minSeparation: profile.minSeparationM)
            sites = ranked.map { report(rank: $0.rank, name: "site-\($0.rank)", row: $0.row, column: $0.column) }
        }
        if sensitivity > 0 && candidates == nil && !sites.isEmpty {
            // The final feasibility (hard limits, region, ellipse) rides along as one more hard-limit layer
            // of weight 0, so perturbed runs rank the same feasible cells and the scores are unchanged.
            let stability = Sensitivity.analyse(layers: layers + [feasible], criteria: criteria + [.limit(layer: layers.count, min: 1)],
                                                metrics: metrics, count: profile.count, minSeparation: profile.minSeparationM,
                                                runs: sensitivity, seed: seed, threads: threads).stability
            for s in stability {
                if let i = sites.firstIndex(where: { $0.row == s.site.row && $0.column == s.site.column }) {
                    sites[i].topShare = s.topKFraction
                    sites[i].meanRank = s.meanRank
                }
            }
        }
        return RankingResult(sites: sites, score: score, feasible: feasible, labels: labels, weights: criteria.map(\.weight))
    }
}
