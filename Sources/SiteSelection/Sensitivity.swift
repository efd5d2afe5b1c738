import Foundation
import FarSideCore

/// How robust a baseline site is to the weights.
public struct SiteStability: Sendable, Equatable {
    public var site: RankedSite
    /// Fraction of runs in which a site of the perturbed top K lies within the separation radius
    /// (the same cell when the separation is 0).
    public var topKFraction: Double
    /// Mean rank over the runs where it stayed in the top K (nil when it never did).
    public var meanRankWhenPresent: Double?
    /// Mean rank over all runs, counting a run where it dropped out as rank K + 1.
    public var meanRank: Double
}

/// Monte Carlo weight sensitivity of a ranking (robustness analysis of weighted linear combination,
/// e.g. Chen, Yu & Khan, "Spatial sensitivity analysis of multi-criteria weights in GIS-based land
/// suitability evaluation", Environ. Model. Softw. 25, 2010).
///
/// Each run multiplies every criterion weight by exp(sigma * g) with g ~ N(0, 1) (a log-normal factor:
/// sigma = 0.2 means about +/-20 % at one standard deviation, the median weight unchanged), re-scores and
/// re-ranks with the same count and separation. Hard limits do not change, so feasibility does not either.
/// Deterministic by seed: the generator is SplitMix64, drawn run by run, criterion by criterion.
public enum Sensitivity {
    public static let defaultSigma = 0.2

    /// A baseline site matches a perturbed site when they are closer than `minSeparation` (or are the same
    /// cell when it is 0); the best-ranked match counts.
    public static func analyse(layers: [Grid], criteria: [Criterion], metrics: CellMetrics, count: Int,
                               minSeparation: Double, runs: Int, sigma: Double = defaultSigma, seed: UInt64 = 1,
                               threads: Int = 1) -> (baseline: [RankedSite], stability: [SiteStability]) {
        let base = Scorer.score(layers: layers, criteria: criteria, threads: threads)
        let baseline = Ranking.top(count, score: base.score, feasible: base.feasible, metrics: metrics, minSeparation: minSeparation)
        var present = [Int](repeating: 0, count: baseline.count)
        var rankSum = [Double](repeating: 0, count: baseline.count)
        var rng = SplitMix64(seed: seed)
        for _ in 0..<max(0, runs) {
            var perturbed = criteria
            for k in perturbed.indices { perturbed[k].weight *= Float(exp(sigma * rng.gaussian())) }
            let s = Scorer.score(layers: layers, criteria: perturbed, threads: threads)
            let ranked = Ranking.top(count, score: s.score, feasible: base.feasible, metrics: metrics, minSeparation: minSeparation)
            for (i, b) in baseline.enumerated() {
                let match = ranked.first { p in
                    minSeparation > 0
                        ? Ranking.distance(metrics: metrics, b.row, b.column, p.row, p.column) < minSeparation
                        : (p.row == b.row && p.column == b.column)
                }
                if let m = match { present[i] += 1; rankSum[i] += Double(m.rank) }
            }
        }
        let n = Double(max(0, runs))
        let stability = baseline.enumerated().map { i, b in
            SiteStability(site: b,
                          topKFraction: n > 0 ? Double(present[i]) / n : 1,
                          meanRankWhenPresent: present[i] > 0 ? rankSum[i] / Double(present[i]) : nil,
                          meanRank: n > 0 ? (rankSum[i] + Double(runs - present[i]) * Double(count + 1)) / n : Double(b.rank))
        }
        return (baseline, stability)
    }
}
