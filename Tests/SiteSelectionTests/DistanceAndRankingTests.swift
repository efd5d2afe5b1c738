import XCTest
import FarSideCore
@testable import SiteSelection

final class DistanceTransformTests: XCTestCase {
    func testHandValues() {
        var mask = Grid(width: 6, height: 5, repeating: 0)
        mask[2, 3] = 1
        let d = DistanceTransform.distance(to: mask, metrics: .uniform(rows: 5, dx: 10, dy: 20))
        XCTAssertEqual(d[2, 3], 0)
        XCTAssertEqual(d[0, 0], 50, accuracy: 1e-4)        // sqrt(40^2 + 30^2)
        XCTAssertEqual(d[2, 5], 20, accuracy: 1e-4)
        XCTAssertEqual(d[4, 3], 40, accuracy: 1e-4)
    }

    func testNoTargetIsInfinity() {
        let mask = Grid(width: 4, height: 3, values: [0, .nan, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
        let d = DistanceTransform.distance(to: mask, metrics: .uniform(rows: 3, dx: 1, dy: 1))
        XCTAssertTrue(d.values.allSatisfy { $0 == .infinity })
    }

    func testAgainstBruteForce() {
        let w = 47, h = 39
        var geographic = CellMetrics.uniform(rows: h, dx: 1, dy: 118)
        for r in 0..<h { geographic.dx[r] = 100 * cos(Double(r) * 0.02); geographic.dy[r] = 118 + Double(r % 3) }
        for (seed, p) in [(UInt64(1), Float(0.01)), (2, 0.1), (3, 0.002)] {
            let mask = randomMask(w, h, seed: seed, pSafe: p, nanEvery: 10)
            for m in [CellMetrics.uniform(rows: h, dx: 70, dy: 130), geographic] {
                var y = [Double](repeating: 0, count: h)
                for r in 1..<h { y[r] = y[r - 1] + 0.5 * (m.dy[r - 1] + m.dy[r]) }
                let d = DistanceTransform.distance(to: mask, metrics: m, threads: 2)
                var targets: [(Int, Int)] = []
                for r in 0..<h { for c in 0..<w where mask[r, c] >= 0.5 { targets.append((r, c)) } }
                XCTAssertFalse(targets.isEmpty)
                for r in 0..<h {
                    for c in 0..<w {
                        var best = Double.infinity
                        for (tr, tc) in targets {
                            let e = Double(c - tc) * m.dx[r], n = y[r] - y[tr]
                            best = min(best, (e * e + n * n).squareRoot())
                        }
                        XCTAssertEqual(Double(d[r, c]), best, accuracy: best * 1e-6 + 1e-6, "(\(r), \(c)) seed \(seed)")
                    }
                }
            }
        }
    }
}

final class RankingTests: XCTestCase {
    /// Greedy NMS the slow way: sort every candidate, then check every accepted site.
    func reference(_ k: Int, _ score: Grid, _ feasible: Grid, _ m: CellMetrics, _ sep: Double) -> [RankedSite] {
        var cands: [(Float, Int, Int)] = []
        for r in 0..<score.height { for c in 0..<score.width where feasible[r, c] == 1 && !score[r, c].isNaN { cands.append((score[r, c], r, c)) } }
        cands.sort { a, b in a.0 != b.0 ? a.0 > b.0 : (a.1 != b.1 ? a.1 < b.1 : a.2 < b.2) }
        var out: [RankedSite] = []
        for (s, r, c) in cands where out.count < k {
            if out.allSatisfy({ Ranking.distance(metrics: m, r, c, $0.row, $0.column) >= sep }) {
                out.append(RankedSite(rank: out.count + 1, row: r, column: c, score: s))
            }
        }
        return out
    }

    func testMatchesReferenceAndRespectsSeparation() {
        let w = 60, h = 50
        var score = randomGrid(w, h, seed: 5, nanEvery: 30)
        for i in stride(from: 0, to: w * h, by: 7) { score.values[i] = 0.5 }     // many ties
        let feasible = randomMask(w, h, seed: 6, pSafe: 0.6, nanEvery: 40)
        var geographic = CellMetrics.uniform(rows: h, dx: 100, dy: 100)
        for r in 0..<h { geographic.dx[r] = 100 * cos(Double(r) * 0.02) }
        for m in [CellMetrics.uniform(rows: h, dx: 100, dy: 100), CellMetrics.uniform(rows: h, dx: 60, dy: 140), geographic] {
            for sep in [0.0, 350, 1000] {
                let sites = Ranking.top(25, score: score, feasible: feasible, metrics: m, minSeparation: sep)
                XCTAssertEqual(sites, reference(25, score, feasible, m, sep), "sep \(sep)")
                XCTAssertEqual(sites.count, sep < 1000 ? 25 : sites.count)
                XCTAssertGreaterThan(sites.count, 10)
                for (i, a) in sites.enumerated() {
                    XCTAssertEqual(a.rank, i + 1)
                    XCTAssertEqual(feasible[a.row, a.column], 1)
                    for b in sites[(i + 1)...] {
                        XCTAssertGreaterThanOrEqual(Ranking.distance(metrics: m, a.row, a.column, b.row, b.column), sep)
                        XCTAssertGreaterThanOrEqual(a.score, b.score)
                    }
                }
            }
        }
    }

    func testDeterministicTies() {
        let score = Grid(width: 10, height: 10, repeating: 0.5)
        let feasible = Grid(width: 10, height: 10, repeating: 1)
        let m = CellMetrics.uniform(rows: 10, dx: 100, dy: 100)
        let none = Ranking.top(5, score: score, feasible: feasible, metrics: m, minSeparation: 0)
        XCTAssertEqual(none.map { [$0.row, $0.column] }, [[0, 0], [0, 1], [0, 2], [0, 3], [0, 4]])
        let sep = Ranking.top(6, score: score, feasible: feasible, metrics: m, minSeparation: 250)
        XCTAssertEqual(sep.map { [$0.row, $0.column] }, [[0, 0], [0, 3], [0, 6], [0, 9], [3, 0], [3, 3]])
    }

    func testInfeasibleAndNaNNeverChosen() {
        let score = Grid(width: 4, height: 1, values: [0.9, .nan, 0.8, 0.1])
        let feasible = Grid(width: 4, height: 1, values: [0, 1, .nan, 1])
        let sites = Ranking.top(10, score: score, feasible: feasible, metrics: .uniform(rows: 1, dx: 1, dy: 1), minSeparation: 0)
        XCTAssertEqual(sites, [RankedSite(rank: 1, row: 0, column: 3, score: 0.1)])
    }

    func testNegativeScoresOrder() {
        let score = Grid(width: 3, height: 1, values: [-0.5, -0.1, -2])
        let sites = Ranking.top(3, score: score, feasible: Grid(width: 3, height: 1, repeating: 1),
                                metrics: .uniform(rows: 1, dx: 1, dy: 1), minSeparation: 0)
        XCTAssertEqual(sites.map(\.column), [1, 0, 2])
    }
}

final class SensitivityTests: XCTestCase {
    func testSplitMix64KnownValuesAndGaussian() {
        var g = SplitMix64(seed: 0)
        XCTAssertEqual(g.next(), 0xE220_A839_7B1D_CDAF)
        var n = SplitMix64(seed: 42)
        var sum = 0.0, sum2 = 0.0
        for _ in 0..<20000 { let x = n.gaussian(); sum += x; sum2 += x * x }
        XCTAssertEqual(sum / 20000, 0, accuracy: 0.03)
        XCTAssertEqual(sum2 / 20000, 1, accuracy: 0.05)
    }

    /// Two layers; site A (row 2) is best in layer 0, site B (row 7) in layer 1, C (row 12) strong in both.
    func layers() -> [Grid] {
        var a = Grid(width: 5, height: 15, repeating: 0), b = Grid(width: 5, height: 15, repeating: 0)
        a[2, 2] = 1; b[2, 2] = 0.5      // A: 0.75 at equal weights
        a[7, 2] = 0.5; b[7, 2] = 1      // B: 0.75
        a[12, 2] = 1; b[12, 2] = 1      // C: 1, always first
        return [a, b]
    }

    func testStabilityValues() {
        let cs = [Criterion(layer: 0, membership: .linear(from: 0, to: 1)), Criterion(layer: 1, membership: .linear(from: 0, to: 1))]
        let m = CellMetrics.uniform(rows: 15, dx: 100, dy: 100)
        let r = Sensitivity.analyse(layers: layers(), criteria: cs, metrics: m, count: 3, minSeparation: 300, runs: 200, seed: 7)
        XCTAssertEqual(r.baseline.map(\.row), [12, 2, 7])        // tie A/B broken by row
        XCTAssertEqual(r.stability[0].topKFraction, 1)
        XCTAssertEqual(r.stability[0].meanRank, 1)
        // A and B swap places about half the time: both stay in the top 3, mean ranks near 2.5.
        XCTAssertEqual(r.stability[1].topKFraction, 1)
        XCTAssertEqual(r.stability[1].meanRank, 2.5, accuracy: 0.15)
        XCTAssertEqual(r.stability[1].meanRank + r.stability[2].meanRank, 5, accuracy: 1e-9)
        // K = 2: B (baseline rank... not in the baseline) — A drops out whenever B beats it.
        let k2 = Sensitivity.analyse(layers: layers(), criteria: cs, metrics: m, count: 2, minSeparation: 300, runs: 200, seed: 7)
        XCTAssertEqual(k2.stability[1].topKFraction, 1 - (r.stability[1].meanRank - 2), accuracy: 1e-9)
        XCTAssertEqual(k2.stability[1].meanRankWhenPresent, 2)
        // Deterministic by seed; sigma 0 changes nothing.
        let again = Sensitivity.analyse(layers: layers(), criteria: cs, metrics: m, count: 3, minSeparation: 300, runs: 200, seed: 7)
        XCTAssertEqual(again.stability, r.stability)
        let still = Sensitivity.analyse(layers: layers(), criteria: cs, metrics: m, count: 3, minSeparation: 300, runs: 10, sigma: 0, seed: 7)
        XCTAssertEqual(still.stability.map(\.meanRank), [1, 2, 3])
        XCTAssertEqual(still.stability.map(\.topKFraction), [1, 1, 1])
    }
}
