import Foundation
import GeoRaster
import SiteSelection

/// The global ranking of a tiled `rank` run: the tiles' candidates merged into exactly the sites a
/// whole-region run ranks (`Ranking.merge`: same cells, same order, same scores), each with its breakdown.
public enum RankMerge {
    /// The ranked sites from the tiles' candidate streams (each sorted best first, region rows and columns).
    /// `breakdown(candidate)` gives a winner's layer values and its ellipse's safe fraction (`RankTile.breakdown`).
    public static func sites<Source: IteratorProtocol>(profile: MissionProfile, grid: SiteGrid, sources: [Source],
                                                       breakdown: (RankedSite) throws -> [Float]) throws -> [SiteReport]
        where Source.Element == RankingCandidate {
        let metrics = grid.cellMetrics.rows(grid.region.rows)
        let ranked = Ranking.merge(count: profile.count, sources: sources, metrics: metrics, minSeparation: profile.minSeparationM)
        let criteria = SiteRanking.criteria(profile), labels = profile.criteria.map(\.label)
        return try ranked.map { site in
            let values = try breakdown(site)
            let layers = values.prefix(criteria.count).map { Grid(width: 1, height: 1, values: [$0]) }
            let b = Scorer.breakdown(layers: Array(layers), criteria: criteria, row: 0, column: 0)
            let row = grid.region.row + site.row, column = grid.region.column + site.column
            let ll = grid.dataset.latLon(column: Double(column), row: Double(row), using: grid.transformer) ?? (.nan, .nan)
            let xy = grid.dataset.geoTransform.map(column: Double(column) + 0.5, row: Double(row) + 0.5)
            let fraction = values.count > criteria.count ? values[criteria.count] : .nan
            return SiteReport(rank: site.rank, name: "site-\(site.rank)", row: site.row, column: site.column, lat: ll.lat, lon: ll.lon,
                              x: xy.x, y: xy.y, score: site.score, feasible: true, values: b.criteria.map(\.value),
                              contributions: b.criteria.map(\.contribution), ellipseSafeFraction: profile.ellipse == nil ? nil : fraction,
                              binding: b.binding.map { labels[$0] } ?? "", topShare: nil, meanRank: nil)
        }
    }
}
