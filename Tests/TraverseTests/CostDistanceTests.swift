import XCTest
import FarSideCore
@testable import Traverse

final class CostDistanceTests: XCTestCase {
    // MARK: - An independent reference

    /// A deliberately naive Dijkstra (array of labels, linear scan for the minimum, no padding, no queues):
    /// shares nothing with `CostDistance` but the public move-cost model `RoverMotion.cost`. Move lengths are
    /// computed here from dx and dy (the east-west size at the move's middle row).
    static func naiveCostDistance(width: Int, height: Int, elevation: [Float], passable: [Bool], dx: [Double], dy: [Double],
                                  moves: [(dr: Int, dc: Int)], sources: [Int], motion: RoverMotion,
                                  costLimit: Double = .infinity) -> [Double] {
        let n = width * height
        let open = (0..<n).map { passable[$0] && !elevation[$0].isNaN }
        var dist = [Double](repeating: .infinity, count: n)
        var done = [Bool](repeating: false, count: n)
        for s in sources where open[s] { dist[s] = 0 }
        while true {
            var u = -1
            for i in 0..<n where !done[i] && dist[i].isFinite && (u < 0 || dist[i] < dist[u]) { u = i }
            if u < 0 { break }
            done[u] = true
            let r = u / width, c = u % width
            for m in moves {
                let r2 = r + m.dr, c2 = c + m.dc
                if r2 < 0 || r2 >= height || c2 < 0 || c2 >= width { continue }
                let v = r2 * width + c2
                if !open[v] || done[v] { continue }
                let mdx = (dx[r] + dx[r2]) / 2, mdy = (dy[r] + dy[r2]) / 2
                let ex = Double(m.dc) * mdx, ey = Double(m.dr) * mdy
                let length = (ex * ex + ey * ey).squareRoot()
                guard let mc = motion.cost(length: length, rise: Double(elevation[v]) - Double(elevation[u])), mc.isFinite else { continue }
                let nd = dist[u] + max(0, mc)
                if nd <= costLimit && nd < dist[v] { dist[v] = nd }
            }
        }
        return dist
    }

    static let kingMoves: [(dr: Int, dc: Int)] = [(-1, 0), (0, 1), (1, 0), (0, -1), (-1, 1), (1, 1), (1, -1), (-1, -1)]
    static let knightMoves: [(dr: Int, dc: Int)] = [(-2, 1), (-1, 2), (1, 2), (2, 1), (2, -1), (1, -2), (-1, -2), (-2, -1)]

    struct RandomGrid {
        var width: Int, height: Int
        var elevation: [Float], passable: [Bool]
        var dx: [Double], dy: [Double]

        var surface: TraverseSurface {
            TraverseSurface(elevation: Grid(width: width, height: height, values: elevation), passable: passable,
                            metrics: CellMetrics(dx: dx, dy: dy))
        }
    }

    enum MetricsKind: CaseIterable { case square, rectangular, geographic }

    /// Rolling terrain (grades up to about 25 deg on 20 m cells), ~12 % impassable cells, ~4 % NaN holes.
    static func randomGrid(width: Int, height: Int, seed: UInt64, metrics: MetricsKind) -> RandomGrid {
        var rng = SplitMix64(seed: seed)
        var elevation = [Float](repeating: 0, count: width * height)
        var passable = [Bool](repeating: true, count: width * height)
        for r in 0..<height {
            for c in 0..<width {
                let i = r * width + c
                elevation[i] = Float(30 * sin(Double(r) * 0.31) + 25 * cos(Double(c) * 0.23 + 1) + 5 * rng.unit())
                let x = rng.unit()
                if x < 0.04 { elevation[i] = .nan } else if x < 0.16 { passable[i] = false }
            }
        }
        let dx: [Double], dy: [Double]
        switch metrics {
        case .square: dx = Array(repeating: 20, count: height); dy = dx
        case .rectangular: dx = Array(repeating: 20, count: height); dy = Array(repeating: 30, count: height)
        case .geographic:
            // A geographic grid: the east-west size shrinks with the row (cos latitude: 40 to 55 deg), dy constant.
            dx = (0..<height).map { 25 * cos((40 + Double($0) * 0.5) * .pi / 180) }
            dy = Array(repeating: 20, count: height)
        }
        return RandomGrid(width: width, height: height, elevation: elevation, passable: passable, dx: dx, dy: dy)
    }

    static func randomSources(_ grid: RandomGrid, count: Int, seed: UInt64) -> [Int] {
        var rng = SplitMix64(seed: seed ^ 0x5EED)
        return (0..<count).map { _ in Int(rng.next() % UInt64(grid.width * grid.height)) }
    }

    static let asymmetricSpeed = try! SlopeTable(points: [(-20, 0.35), (-5, 1.1), (0, 1.0), (10, 0.55), (25, 0.2)])
    static let asymmetricEnergy = try! SlopeTable(points: [(-15, 0.4), (0, 1.0), (12, 2.5), (25, 4)])
    static let motions: [(String, RoverMotion)] = [
        ("distance", .distance),
        ("distance-max15", RoverMotion(objective: .distance, maxGradeDeg: 15)),
        ("time", RoverMotion(objective: .time, maxGradeDeg: 25, speed: asymmetricSpeed, energy: asymmetricEnergy)),
        ("energy", RoverMotion(objective: .energy, maxGradeDeg: 25, speed: asymmetricSpeed, energy: asymmetricEnergy)),
    ]

    /// Same reachable set, and each cost the reference's Double rounded to Float, exactly (the search is
    /// exact in Double and rounds once); returns the number of reachable cells.
    @discardableResult
    func assertSameCosts(_ got: [Float], _ want: [Double], _ label: String, file: StaticString = #filePath, line: UInt = #line) -> Int {
        XCTAssertEqual(got.count, want.count, label, file: file, line: line)
        var mismatches = 0, reachable = 0
        for i in 0..<min(got.count, want.count) {
            if want[i].isFinite { reachable += 1 }
            let ok = want[i].isFinite ? got[i] == Float(want[i]) : !got[i].isFinite
            if !ok {
                if mismatches < 3 { XCTFail("\(label): cell \(i): got \(got[i]), want \(want[i])", file: file, line: line) }
                mismatches += 1
            }
        }
        XCTAssertEqual(mismatches, 0, "\(label): \(mismatches) cells differ", file: file, line: line)
        return reachable
    }

    // MARK: - Against the reference

    func testMatchesNaiveDijkstraOnRandomSurfaces() {
        var cases = 0
        for seed: UInt64 in [1, 2] {
            for (k, kind) in MetricsKind.allCases.enumerated() {
                let grid = Self.randomGrid(width: 40, height: 30, seed: seed &* 7919 &+ UInt64(k), metrics: kind)
                let surface = grid.surface
                for (count, moves) in [(8, Self.kingMoves), (16, Self.kingMoves + Self.knightMoves)] {
                    let neighbourhood = try! Neighbourhood(count: count)
                    for (name, motion) in Self.motions {
                        let sources = Self.randomSources(grid, count: Int(seed) + (count == 16 ? 2 : 0), seed: seed &+ UInt64(count))
                        let want = Self.naiveCostDistance(width: grid.width, height: grid.height, elevation: grid.elevation,
                                                          passable: grid.passable, dx: grid.dx, dy: grid.dy, moves: moves,
                                                          sources: sources, motion: motion)
                        let label = "seed \(seed) \(kind) n\(count) \(name) sources \(sources)"
                        for method in CostDistance.Method.allCases {
                            let field = CostDistance.compute(surface: surface, sources: sources, motion: motion,
                                                             neighbourhood: neighbourhood, method: method)
                            let reachable = assertSameCosts(field.cost, want, "\(label) \(method)")
                            if method == .automatic { XCTAssertGreaterThan(reachable, 30, label) }
                        }
                        cases += 1
                    }
                }
            }
        }
        XCTAssertEqual(cases, 2 * 3 * 2 * 4)
    }

    /// The cost array is filled and compacted in parallel row ranges: the same costs, bit for bit, for any
    /// number of threads, on grids tall enough to be split, wide and very narrow (where the compaction's
    /// ranges would overlap by more than their last rows and it runs in one pass).
    func testThreadsGiveTheSameCosts() {
        for (width, height) in [(70, 130), (3, 200), (1, 64), (257, 65)] {
            let grid = Self.randomGrid(width: width, height: height, seed: UInt64(width * 1000 + height), metrics: .square)
            let sources = Self.randomSources(grid, count: 2, seed: UInt64(height))
            for n in [Neighbourhood.eight, .sixteen] {
                let one = CostDistance.compute(surface: grid.surface, sources: sources, motion: .distance, neighbourhood: n)
                for threads in [2, 3, 7] {
                    let many = CostDistance.compute(surface: grid.surface, sources: sources, motion: .distance, neighbourhood: n, threads: threads)
                    XCTAssertEqual(many.cost.map(\.bitPattern), one.cost.map(\.bitPattern), "\(width) x \(height), \(n.count) moves, \(threads) threads")
                }
            }
        }
    }

    // MARK: - Exact analytic cases

    /// A plane rising 4 m per 20 m cell eastwards (grade 11.31 deg): the time of the straight run is
    /// 10 * sqrt(20^2 + 4^2) / speed, at 0.5 m/s uphill and 2 m/s downhill.
    func testTiltedPlaneUphillAndDownhillTimes() {
        let width = 11, height = 3
        let elevation = (0..<(width * height)).map { Float(4 * ($0 % width)) }
        let surface = TraverseSurface(elevation: Grid(width: width, height: height, values: elevation),
                                      passable: Array(repeating: true, count: width * height),
                                      metrics: .uniform(rows: height, dx: 20, dy: 20))
        let speed = try! SlopeTable(points: [(-5, 2.0), (5, 0.5)])
        let motion = RoverMotion(objective: .time, speed: speed)
        let west = 1 * width, east = 1 * width + width - 1
        let run = 10 * (416.0).squareRoot()
        for n in [Neighbourhood.eight, .sixteen] {
            let up = CostDistance.compute(surface: surface, sources: [west], motion: motion, neighbourhood: n)
            XCTAssertEqual(up.cost[east], Float(run / 0.5))
            let down = CostDistance.compute(surface: surface, sources: [east], motion: motion, neighbourhood: n)
            XCTAssertEqual(down.cost[west], Float(run / 2.0))
            XCTAssertEqual(RouteTrace.trace(field: up, surface: surface, motion: motion, neighbourhood: n, to: east),
                           Array(west...east))
        }
        // The energy objective on the same plane: S * energy(grade), 3 Wh/m uphill, 0.5 Wh/m downhill.
        let energy = RoverMotion(objective: .energy, energy: try! SlopeTable(points: [(-5, 0.5), (5, 3)]))
        let up = CostDistance.compute(surface: surface, sources: [west], motion: energy, neighbourhood: .eight)
        XCTAssertEqual(up.cost[east], Float(run * 3))
        let down = CostDistance.compute(surface: surface, sources: [east], motion: energy, neighbourhood: .eight)
        XCTAssertEqual(down.cost[west], Float(run * 0.5))
    }

    /// A wall down column 10 of a flat 21 x 21 grid with one gap at row 10: from the top-left corner to the
    /// top-right one the route must pass the gap, 10 + 10 diagonal moves of 20 sqrt 2 m.
    func testWallWithOneGap() {
        let size = 21, d = 20.0
        var passable = [Bool](repeating: true, count: size * size)
        for r in 0..<size where r != 10 { passable[r * size + 10] = false }
        let surface = TraverseSurface(elevation: Grid(width: size, height: size, repeating: 0), passable: passable,
                                      metrics: .uniform(rows: size, dx: d, dy: d))
        for method in CostDistance.Method.allCases {
            let field = CostDistance.compute(surface: surface, sources: [0], motion: .distance, neighbourhood: .eight, method: method)
            let diagonal = d * 2.0.squareRoot()
            let corner = Double(field.cost[size - 1]), gap = Double(field.cost[10 * size + 10]), past = Double(field.cost[10 * size + 11])
            XCTAssertEqual(corner, 20 * diagonal, accuracy: 1e-7 * 20 * diagonal, "\(method)")
            XCTAssertEqual(gap, 10 * diagonal, accuracy: 1e-7 * 10 * diagonal)
            XCTAssertEqual(past, 10 * diagonal + d, accuracy: 1e-7 * 300)
            for r in 0..<size where r != 10 { XCTAssertFalse(field.isReachable(r * size + 10)) }
            let route = RouteTrace.trace(field: field, surface: surface, motion: .distance, neighbourhood: .eight, to: size - 1)
            XCTAssertEqual(route?.count, 21)
            XCTAssertEqual(route?.first, 0)
            XCTAssertTrue(route?.contains(10 * size + 10) ?? false)
        }
        // Without the gap the far side is unreachable.
        var closed = passable
        closed[10 * size + 10] = false
        let sealed = TraverseSurface(elevation: Grid(width: size, height: size, repeating: 0), passable: closed,
                                     metrics: .uniform(rows: size, dx: d, dy: d))
        let field = CostDistance.compute(surface: sealed, sources: [0], motion: .distance, neighbourhood: .eight)
        XCTAssertFalse(field.isReachable(size - 1))
        XCTAssertNil(RouteTrace.trace(field: field, surface: sealed, motion: .distance, neighbourhood: .eight, to: size - 1))
        XCTAssertEqual(field.reachableCount, 10 * size)
    }

    /// The FIFO-queue search and the heap search are the same Dijkstra: bit-identical costs on a distance
    /// grid (each cell's cost is the least rounded sum over its settled neighbours, whatever the order).
    func testBucketAndHeapPathsIdentical() {
        let grid = Self.randomGrid(width: 160, height: 120, seed: 99, metrics: .rectangular)
        let sources = Self.randomSources(grid, count: 3, seed: 5)
        for n in [Neighbourhood.eight, .sixteen] {
            for motion in [RoverMotion.distance, RoverMotion(objective: .distance, maxGradeDeg: 12)] {
                let a = CostDistance.compute(surface: grid.surface, sources: sources, motion: motion, neighbourhood: n, method: .buckets)
                let b = CostDistance.compute(surface: grid.surface, sources: sources, motion: motion, neighbourhood: n, method: .heap)
                XCTAssertEqual(a.cost, b.cost, "n\(n.count) max grade \(motion.maxGradeDeg)")
                XCTAssertGreaterThan(a.reachableCount, 100)
            }
        }
    }

    func testCostLimitStopsTheSearch() {
        let grid = Self.randomGrid(width: 60, height: 50, seed: 3, metrics: .square)
        let sources = Self.randomSources(grid, count: 2, seed: 8)
        for (name, motion) in Self.motions {
            for method in [CostDistance.Method.buckets, .heap] {
                let full = CostDistance.compute(surface: grid.surface, sources: sources, motion: motion, neighbourhood: .sixteen, method: method)
                let finite = full.cost.filter(\.isFinite).sorted()
                guard finite.count > 10 else { XCTFail("\(name): too few reachable cells"); continue }
                // Halfway between two consecutive costs: no cell's Double cost lies within a rounding of it.
                let k = finite.count / 3
                let next = finite[k...].first { $0 > finite[k] } ?? finite[k].nextUp
                let limit = (Double(finite[k]) + Double(next)) / 2
                let limited = CostDistance.compute(surface: grid.surface, sources: sources, motion: motion, neighbourhood: .sixteen,
                                                   costLimit: limit, method: method)
                var kept = 0
                for i in 0..<full.cost.count {
                    if Double(full.cost[i]) <= limit {
                        XCTAssertEqual(limited.cost[i], full.cost[i], "\(name) \(method) cell \(i)")
                        kept += 1
                    } else {
                        XCTAssertEqual(limited.cost[i], .infinity, "\(name) \(method) cell \(i)")
                    }
                }
                XCTAssertEqual(kept, limited.reachableCount)
                XCTAssertGreaterThan(kept, finite.count / 4)
            }
        }
    }

    // MARK: - Routes

    func testRouteTraceFollowsTheField() {
        let grid = Self.randomGrid(width: 40, height: 30, seed: 11, metrics: .geographic)
        let surface = grid.surface
        let sources = Self.randomSources(grid, count: 2, seed: 21).filter { surface.isPassable($0) }
        XCTAssertFalse(sources.isEmpty)
        for n in [Neighbourhood.eight, .sixteen] {
            for (name, motion) in Self.motions {
                let field = CostDistance.compute(surface: surface, sources: sources, motion: motion, neighbourhood: n)
                var traced = 0
                for target in stride(from: 0, to: field.cost.count, by: 7) {
                    guard let route = RouteTrace.trace(field: field, surface: surface, motion: motion, neighbourhood: n, to: target) else {
                        XCTAssertFalse(field.isReachable(target), "\(name) n\(n.count): no route to reachable cell \(target)")
                        continue
                    }
                    traced += 1
                    XCTAssertTrue(sources.contains(route[0]), "\(name): route starts at \(route[0]), not a source")
                    XCTAssertEqual(route.last, target)
                    var sum = 0.0
                    for (a, b) in zip(route, route.dropFirst()) {
                        XCTAssertTrue(surface.isPassable(a) && surface.isPassable(b))
                        let offset = SIMD2<Int32>(Int32(b / grid.width - a / grid.width), Int32(b % grid.width - a % grid.width))
                        XCTAssertTrue(n.offsets.contains(offset), "\(name): \(a) -> \(b) is not a move")
                        guard let move = RouteTrace.moveCost(from: a, offset: offset, surface: surface, motion: motion) else {
                            XCTFail("\(name): move \(a) -> \(b) not allowed"); break
                        }
                        sum += move
                    }
                    // Each step's predecessor is the search's own, or one within RouteTrace.tolerance of it.
                    let want = Double(field.cost[target])
                    XCTAssertEqual(sum, want, accuracy: Double(route.count) * RouteTrace.tolerance * max(1, want), "\(name) n\(n.count) to \(target)")
                }
                XCTAssertGreaterThan(traced, 20, "\(name) n\(n.count)")
            }
        }
    }

    // MARK: - Edges

    func testSourcesAndOutput() {
        let grid = Self.randomGrid(width: 12, height: 9, seed: 4, metrics: .square)
        var surface = grid.surface
        surface.passable[0] = false
        // No source, or only an impassable one: nothing is reached.
        XCTAssertEqual(CostDistance.compute(surface: surface, sources: [], motion: .distance, neighbourhood: .eight).reachableCount, 0)
        let blocked = CostDistance.compute(surface: surface, sources: [0], motion: .distance, neighbourhood: .eight)
        XCTAssertEqual(blocked.reachableCount, 0)
        XCTAssertTrue(blocked.sources.isEmpty)
        // A passable source costs 0 and is its own route; duplicates are harmless.
        let s = (0..<surface.passable.count).first { surface.passable[$0] }!
        let field = CostDistance.compute(surface: surface, sources: [s, s, 0], motion: .distance, neighbourhood: .eight)
        XCTAssertEqual(field.cost[s], 0)
        XCTAssertEqual(field.sources, [s])
        XCTAssertEqual(RouteTrace.trace(field: field, surface: surface, motion: .distance, neighbourhood: .eight, to: s), [s])
        let out = field.toGrid()
        XCTAssertEqual(out.width, 12)
        XCTAssertEqual(out.height, 9)
        for i in 0..<field.cost.count {
            if field.isReachable(i) { XCTAssertEqual(out.values[i], field.cost[i]) } else { XCTAssertTrue(out.values[i].isNaN) }
        }
        XCTAssertFalse(field.isReachable(0))
    }
}
