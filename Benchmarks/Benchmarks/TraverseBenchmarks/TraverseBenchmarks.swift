import Benchmark
import FarSideCore
import Foundation
import Traverse

/// Route search throughput on synthetic grids (20 m cells, rolling terrain, 12 % of cells impassable in
/// blobs):
/// - static cost distance (`CostDistance`, the `distance` objective with a 20 degree grade limit, and the
///   time objective on an anisotropic speed table), one source, 1024 x 1024, 8 and 16 neighbours; one
///   iteration searches the whole grid, so "throughput (# / s)" is searches per second (x 1,048,576 cells);
/// - the time-dependent earliest-arrival search (`EarliestArrival`), 256 x 256 over 240 hourly steps with
///   a shadow sweeping the grid as the Sun circles the pole and a link lost in a band for a few hours,
///   VIPER-class budgets (6 h driving in shadow, 50 h of darkness survivable, 0.25 h out of contact), with
///   the default cap (8 / 32 / 10 %) and with parking allowed anywhere (the relaxation).
let benchmarks: @Sendable () -> Void = {
    let configuration = Benchmark.Configuration(metrics: [.wallClock, .throughput, .peakMemoryResident], scalingFactor: .one,
                                                maxDuration: .seconds(5), maxIterations: 50)

    func surface(size n: Int, seed: UInt64) -> TraverseSurface {
        var rng = SplitMix64(seed: seed)
        var dem = Grid(width: n, height: n, repeating: 0)
        for r in 0..<n { for c in 0..<n { dem[r, c] = Float(40 * sin(Double(c) / 37) * cos(Double(r) / 23) + 0.3 * Double(c)) } }
        var passable = [Bool](repeating: true, count: n * n)
        for _ in 0..<(n * n / 2000) {
            let cr = Int(rng.next() % UInt64(n)), cc = Int(rng.next() % UInt64(n)), rad = 2 + Int(rng.next() % 6)
            for r in max(0, cr - rad)..<min(n, cr + rad) { for c in max(0, cc - rad)..<min(n, cc + rad) { passable[r * n + c] = false } }
        }
        passable[(n / 2) * n + n / 2] = true
        return TraverseSurface(elevation: dem, passable: passable, metrics: .uniform(rows: n, dx: 20, dy: 20))
    }

    let big = surface(size: 1024, seed: 1)
    let speed = try! SlopeTable(points: [(-20, 0.12), (-5, 0.2), (0, 0.2), (10, 0.1), (20, 0.05)])
    for (name, motion) in [("distance", RoverMotion(objective: .distance, maxGradeDeg: 20)),
                           ("time", RoverMotion(objective: .time, maxGradeDeg: 20, speed: speed))] {
        for neighbourhood in [Neighbourhood.eight, .sixteen] {
            Benchmark("cost distance \(name), 1024^2, \(neighbourhood.count) neighbours", configuration: configuration) { benchmark in
                for _ in benchmark.scaledIterations {
                    blackHole(CostDistance.compute(surface: big, sources: [512 * 1024 + 512], motion: motion, neighbourhood: neighbourhood))
                }
            }
        }
    }

    // A shadow sweeping the grid: cell (r, c) is dark while the Sun's azimuth (15 deg per hour) is within 50
    // deg of the cell's own bearing from a hill at the grid's centre, when the cell is within 90 cells of it;
    // the link is lost between hours 100 and 104 in the grid's left half.
    let n = 256, steps = 240
    let small = surface(size: n, seed: 2)
    let lit = StepRuns(cellCount: n * n, stepCount: steps) { cell, t in
        let r = cell / n - n / 2, c = cell % n - n / 2
        guard r * r + c * c < 90 * 90 else { return true }
        let bearing = atan2(Double(c), Double(r)) * 180 / .pi
        var d = abs((Double(t) * 15).truncatingRemainder(dividingBy: 360) - (bearing + 360).truncatingRemainder(dividingBy: 360))
        d = min(d, 360 - d)
        return d > 50
    }
    let linked = StepRuns(cellCount: n * n, stepCount: steps) { cell, t in !(t >= 100 && t < 104 && cell % n < n / 2) }
    let rules = TraverseRules(maxShadowDriveSeconds: 6 * 3600, maxShadowSeconds: 50 * 3600, maxNoLinkDriveSeconds: 0.25 * 3600)
    let motion = RoverMotion(objective: .time, maxGradeDeg: 20, speed: speed)
    for (name, rules, cap) in [("with the rules, cap 8", rules, FamilyCap(kept: 8, most: 32, slack: 0.1) as FamilyCap?),
                               ("parking anywhere", TraverseRules(maxShadowDriveSeconds: rules.maxShadowDriveSeconds,
                                                                  maxShadowSeconds: .infinity,
                                                                  maxNoLinkDriveSeconds: rules.maxNoLinkDriveSeconds), nil)] {
        Benchmark("earliest arrival \(name), 256^2 x 240 h", configuration: configuration) { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(EarliestArrival.search(surface: small, motion: motion, neighbourhood: .eight, lit: lit, linked: linked,
                                                 stepSeconds: 3600, rules: rules, origin: (n / 2) * n + n / 2,
                                                 startSeconds: 0, originIsHaven: true, cap: cap).labelCount)
            }
        }
    }
}
