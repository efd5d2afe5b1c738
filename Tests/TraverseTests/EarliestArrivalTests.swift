import XCTest
import FarSideCore
@testable import Traverse

/// The time-dependent earliest-arrival search against an independent time-expanded brute force, plus
/// named scenarios with known answers. The model is the one stated in `EarliestArrival`.
final class EarliestArrivalTests: XCTestCase {
    func flatSurface(width: Int, height: Int, dx: Double, dy: Double, passable: [Bool]? = nil, elevation: [Float]? = nil) -> TraverseSurface {
        let grid = Grid(width: width, height: height, values: elevation ?? [Float](repeating: 0, count: width * height))
        return TraverseSurface(elevation: grid, passable: passable ?? [Bool](repeating: true, count: width * height),
                               metrics: .uniform(rows: height, dx: dx, dy: dy))
    }

    /// 20 m cells at 0.2 m/s: 100 s per orthogonal move.
    let viper = RoverMotion(objective: .time, speed: .constant(0.2))

    func runs(_ n: Int, _ steps: Int, _ flag: (Int, Int) -> Bool) -> StepRuns { StepRuns(cellCount: n, stepCount: steps, flag: flag) }

    /// Havens by the definition, written here: every dark run at most P - Dd.
    func havens(_ lit: StepRuns, _ rules: TraverseRules, _ step: Double) -> [Bool] {
        (0..<lit.cellCount).map { c in
            var run = 0, worst = 0
            for k in 0..<lit.stepCount { run = lit.holds(cell: c, step: k) ? 0 : run + 1; worst = max(worst, run) }
            return rules.maxShadowSeconds.isInfinite || Double(worst) * step <= rules.maxShadowSeconds - rules.maxShadowDriveSeconds
        }
    }

    /// Time-expanded brute force in units of `unit` seconds over every state (cell, unit, sd, ld), no
    /// dominance: parking one unit where the cell is lit or a haven, idling one unit elsewhere (the clocks
    /// grow as if driving), moves of `half` + `half` units, the
    /// switch instant seen in both cells, the arrival instant in the new one. Earliest arrival per cell.
    func bruteForce(width: Int, height: Int, passable: [Bool], moves: [(dr: Int, dc: Int, half: Int)], lit: StepRuns,
                    linked: StepRuns, haven: [Bool], unitsPerStep: Int, unit: Double, shadowUnits: Int?, linkUnits: Int?,
                    origin: Int, startUnit: Int) -> [Double] {
        let n = width * height, units = lit.stepCount * unitsPerStep
        let S = (shadowUnits ?? 0) + 1, L = (linkUnits ?? 0) + 1
        let litF = (0..<n).map { c in (0..<lit.stepCount).map { lit.holds(cell: c, step: $0) } }
        let linkF = (0..<n).map { c in (0..<lit.stepCount).map { linked.holds(cell: c, step: $0) } }
        var best = [Double](repeating: .infinity, count: n)
        guard passable[origin], startUnit <= units else { return best }
        var seen = [Bool](repeating: false, count: (units + 1) * n * S * L)
        var layers = [[(Int, Int, Int)]](repeating: [], count: units + 1)
        func add(_ c: Int, _ k: Int, _ s: Int, _ l: Int) {
            var s = s, l = l
            if k < units { if litF[c][k / unitsPerStep] { s = 0 }; if linkF[c][k / unitsPerStep] { l = 0 } }
            let id = ((k * n + c) * S + s) * L + l
            if !seen[id] { seen[id] = true; layers[k].append((c, s, l)); best[c] = min(best[c], Double(k) * unit) }
        }
        add(origin, startUnit, 0, 0)
        for k in startUnit...units {
            for (c, s0, l0) in layers[k] {
                if k < units {
                    if litF[c][k / unitsPerStep] || haven[c] { add(c, k + 1, s0, l0) } else {
                        // Idling in the dark outside a haven: the clocks grow as if driving.
                        let s = s0 + 1, l = linkF[c][k / unitsPerStep] ? 0 : l0 + 1
                        if s <= (shadowUnits ?? Int.max) && l <= (linkUnits ?? Int.max) { add(c, k + 1, shadowUnits == nil ? 0 : s, linkUnits == nil ? 0 : l) }
                    }
                }
                for m in moves {
                    let r = c / width + m.dr, col = c % width + m.dc
                    guard r >= 0, r < height, col >= 0, col < width, passable[r * width + col], k + 2 * m.half <= units else { continue }
                    let v = r * width + col
                    var s = s0, l = l0, ok = true
                    for j in 0..<(2 * m.half) {
                        let here = j < m.half ? c : v, st = (k + j) / unitsPerStep
                        if j == m.half && k + j < units { if litF[c][st] { s = 0 }; if linkF[c][st] { l = 0 } }   // switch instant
                        if let b = shadowUnits { s = litF[here][st] ? 0 : s + 1; if s > b { ok = false; break } }
                        if let b = linkUnits { l = linkF[here][st] ? 0 : l + 1; if l > b { ok = false; break } }
                    }
                    if ok { add(v, k + 2 * m.half, s, l) }
                }
            }
        }
        return best
    }

    /// Checks a route under the model, written here: moves between neighbours with the motion's durations,
    /// parking where lit or a haven, idling elsewhere as if driving, driving clocks within the rules (recomputed piece by piece).
    func checkRoute(_ search: ArrivalSearch, to target: Int, surface: TraverseSurface, motion: RoverMotion, lit: StepRuns,
                    linked: StepRuns, step: Double, rules: TraverseRules, origin: Int, start: Double, line: UInt = #line) {
        guard let route = search.route(to: target) else { return XCTFail("no route to \(target)", line: line) }
        XCTAssertEqual(route.first?.cell, origin, line: line)
        XCTAssertEqual(route.first?.arrivalSeconds ?? -1, start, accuracy: 1e-6, line: line)
        XCTAssertEqual(route.last?.cell, target, line: line)
        XCTAssertEqual(route.last?.arrivalSeconds ?? -1, search.arrivalSeconds[target], accuracy: 1e-6, line: line)
        let haven = havens(lit, rules, step), end = Double(lit.stepCount) * step
        var s = 0.0, l = 0.0
        func k(_ t: Double) -> Int { Int((t / step + 1e-9).rounded(.down)) }
        func instant(_ c: Int, _ t: Double) {
            guard k(t) < lit.stepCount else { return }
            if lit.holds(cell: c, step: k(t)) { s = 0 }
            if linked.holds(cell: c, step: k(t)) { l = 0 }
        }
        func drive(_ c: Int, _ t0: Double, _ t1: Double) -> Bool {
            var t = t0
            while t < t1 - 1e-9 {
                let e = min(t1, Double(k(t) + 1) * step)
                if lit.holds(cell: c, step: k(t)) { s = 0 } else { s += e - t }
                if linked.holds(cell: c, step: k(t)) { l = 0 } else { l += e - t }
                if s > rules.maxShadowDriveSeconds + 1e-6 || l > rules.maxNoLinkDriveSeconds + 1e-6 { return false }
                t = e
            }
            instant(c, t1)
            return true
        }
        instant(origin, start)
        for (i, e) in route.enumerated() {
            XCTAssertTrue(surface.passable[e.cell], "route enters impassable cell \(e.cell)", line: line)
            XCTAssertEqual(e.shadowClockSeconds, s, accuracy: 1e-2, "shadow clock at \(i)", line: line)
            XCTAssertEqual(e.linkClockSeconds, l, accuracy: 1e-2, "link clock at \(i)", line: line)
            guard let leave = e.departureSeconds else { continue }
            XCTAssertGreaterThanOrEqual(leave, e.arrivalSeconds - 1e-6, line: line)
            var t = e.arrivalSeconds
            while t < leave - 1e-9 {   // parking where lit or a haven, else idling (clocks grow as if driving)
                let next = min(leave, Double(k(t) + 1) * step)
                if lit.holds(cell: e.cell, step: k(t)) || haven[e.cell] {
                    instant(e.cell, t)
                    instant(e.cell, next)
                } else {
                    XCTAssertTrue(drive(e.cell, t, next), "idles beyond a budget at \(e.cell)", line: line)
                }
                t = next
            }
            XCTAssertEqual(e.waitedSeconds, leave - e.arrivalSeconds, accuracy: 1e-6, line: line)
            if e.waitedSeconds == 0 { XCTAssertEqual(e.reason, .none, line: line) } else { XCTAssertNotEqual(e.reason, .none, line: line) }
            let next = route[i + 1]
            let (r0, c0) = (e.cell / surface.width, e.cell % surface.width), (r1, c1) = (next.cell / surface.width, next.cell % surface.width)
            let offset = SIMD2<Int32>(Int32(r1 - r0), Int32(c1 - c0))
            guard Neighbourhood.sixteen.offsets.contains(offset) else { return XCTFail("not a move: \(e.cell) -> \(next.cell)", line: line) }
            let d = motion.seconds(length: Neighbourhood.length(offset, row: r0, metrics: surface.metrics),
                                   rise: Double(surface.elevation[next.cell] - surface.elevation[e.cell]))!
            XCTAssertEqual(next.arrivalSeconds, leave + d, accuracy: 1e-6, line: line)
            XCTAssertLessThanOrEqual(next.arrivalSeconds, end + 1e-6, line: line)
            XCTAssertTrue(drive(e.cell, leave, leave + d / 2) && drive(next.cell, leave + d / 2, leave + d),
                          "route breaks a rule around \(e.cell) -> \(next.cell)", line: line)
        }
    }

    func randomRuns(cells: Int, steps: Int, rng: inout SplitMix64, on: Double, flip: Double, never: Double) -> StepRuns {
        var builder = StepRuns.Builder(stepCount: steps)
        for _ in 0..<cells {
            let dark = rng.unit() < never
            var state = rng.unit() < on
            for k in 0..<steps {
                if rng.unit() < flip { state.toggle() }
                builder.set(k, state && !dark)
            }
            builder.finishCell()
        }
        return builder.build()
    }

    // MARK: - Against the brute force

    /// Exact with finite survival budgets (dark cells that are not havens: no parking there): the brute
    /// force finds no earlier arrival anywhere and every route keeps the rules.
    func testAgreesWithTimeExpandedBruteForce() { bruteForceTrials(parkAnywhere: false, seed: 2026, cases: 80) }

    /// The same on larger grids over longer windows (up to 12 x 12 cells, 16 steps).
    func testAgreesWithTimeExpandedBruteForceOnLargerCases() {
        bruteForceTrials(parkAnywhere: false, seed: 77, cases: 120, maxSide: 12, maxSteps: 16)
    }

    /// With parking allowed everywhere (an infinite survival budget: every cell a haven), the search is exact.
    func testExactWhenTheRoverMayParkAnywhere() { bruteForceTrials(parkAnywhere: true, seed: 2026, cases: 80) }

    func bruteForceTrials(parkAnywhere: Bool, seed: UInt64, cases: Int, maxSide: Int = 9, maxSteps: Int = 10) {
        // 30 x 40 m cells at 1 m/s: moves of 30, 40 and 50 s (halves 15, 20, 25 s), steps of 60 s, budgets in
        // 5 s: every event falls on 5 s units, so the brute force in 5 s units is exact.
        var rng = SplitMix64(seed: seed)
        let drives: [Double] = [0, 15, 30, 50, 75, 120, .infinity]
        let nights: [Double] = parkAnywhere ? [.infinity] : [0, 60, 120, 240, .infinity]
        let links: [Double] = [0, 15, 30, 60, 100, .infinity]
        var reached = 0, cells = 0, mismatches: [String] = []
        var families = 0, stopChecks = 0
        let only = Int(ProcessInfo.processInfo.environment["EA_TRIAL"] ?? "")
        for trial in 0..<cases {
            let width = 6 + Int(rng.next() % UInt64(maxSide - 5)), height = 6 + Int(rng.next() % UInt64(maxSide - 5))
            let n = width * height, steps = 6 + Int(rng.next() % UInt64(maxSteps - 5))
            var passable = (0..<n).map { _ in rng.unit() < 0.85 }
            let origin = Int(rng.next() % UInt64(n))
            passable[origin] = true
            let lit = randomRuns(cells: n, steps: steps, rng: &rng, on: 0.6, flip: 0.2, never: 0.1)
            let linked = randomRuns(cells: n, steps: steps, rng: &rng, on: 0.7, flip: 0.2, never: 0.05)
            let dd = drives[Int(rng.next() % UInt64(drives.count))], night = nights[Int(rng.next() % UInt64(nights.count))]
            let rules = TraverseRules(maxShadowDriveSeconds: dd, maxShadowSeconds: dd + night,
                                      maxNoLinkDriveSeconds: links[Int(rng.next() % UInt64(links.count))])
            let startUnit = Int(rng.next() % 24)
            let surface = flatSurface(width: width, height: height, dx: 30, dy: 40, passable: passable)
            let motion = RoverMotion(objective: .time, speed: .constant(1))
            let search = EarliestArrival.search(surface: surface, motion: motion, neighbourhood: .eight, lit: lit, linked: linked,
                                                stepSeconds: 60, rules: rules, origin: origin, startSeconds: Double(startUnit) * 5)
            families += search.labelCount
            let moves = Neighbourhood.eight.offsets.map { o -> (dr: Int, dc: Int, half: Int) in
                (Int(o.x), Int(o.y), Int((Neighbourhood.length(o, row: 1, metrics: surface.metrics) / 10).rounded()))
            }
            func units(_ b: Double) -> Int? { b.isInfinite ? nil : Int(b / 5) }
            let reference = bruteForce(width: width, height: height, passable: surface.passable, moves: moves, lit: lit,
                                       linked: linked, haven: havens(lit, rules, 60), unitsPerStep: 12, unit: 5,
                                       shadowUnits: units(rules.maxShadowDriveSeconds), linkUnits: units(rules.maxNoLinkDriveSeconds),
                                       origin: origin, startUnit: startUnit)
            XCTAssertEqual(EarliestArrival.safeHavens(lit: lit, linked: linked, rules: rules, stepSeconds: 60), havens(lit, rules, 60))
            // Stopped at the earliest arrival in a random set of cells (the nearest permanent shadow's case):
            // the least brute-force arrival among them, exactly, by a route that keeps the rules.
            var stopRng = SplitMix64(seed: seed &* 1_000_003 &+ UInt64(trial))
            var stop = [Bool](repeating: false, count: n)
            for _ in 0..<3 { stop[Int(stopRng.next() % UInt64(n))] = true }
            let stopped = EarliestArrival.search(surface: surface, motion: motion, neighbourhood: .eight, lit: lit, linked: linked,
                                                 stepSeconds: 60, rules: rules, origin: origin, startSeconds: Double(startUnit) * 5, stopAt: stop)
            let stopCells = (0..<n).filter { stop[$0] }
            let wantNearest = stopCells.map { reference[$0] }.min()!, gotNearest = stopCells.map { stopped.arrivalSeconds[$0] }.min()!
            stopChecks += 1
            if !(gotNearest == wantNearest || abs(gotNearest - wantNearest) <= 1e-9) {
                mismatches.append("trial \(trial) stopped at \(stopCells): search \(gotNearest), reference \(wantNearest)")
            } else if gotNearest.isFinite, let cell = stopCells.first(where: { stopped.arrivalSeconds[$0] == gotNearest }) {
                XCTAssertTrue(stopped.stoppedAtTarget || stopped.labelCount <= search.labelCount)
                checkRoute(stopped, to: cell, surface: surface, motion: motion, lit: lit, linked: linked, step: 60,
                           rules: rules, origin: origin, start: Double(startUnit) * 5)
            }
            if let o = only {
                guard o == trial else { continue }
                print("origin \(origin) start \(startUnit * 5) w \(width) steps \(steps)")
                for c in 0..<n { print(c, passable[c] ? "P" : "x", (0..<steps).map { (lit.holds(cell: c, step: $0) ? "L" : ".") + (linked.holds(cell: c, step: $0) ? "K" : "_") }.joined(separator: " "), search.arrivalSeconds[c], reference[c]) }
                let f = search.families
                for i in 0..<search.labelCount { print("family", i, f[i].cell, f[i].t0, f[i].t1, f[i].shadow, f[i].shadowSlope, f[i].link, f[i].linkSlope, f[i].parent) }
            }
            for c in 0..<n {
                cells += 1
                let got = search.arrivalSeconds[c], want = reference[c]
                if want.isFinite { reached += 1 }
                if !(got == want || abs(got - want) <= 1e-9) {
                    mismatches.append("trial \(trial) cell \(c): search \(got), reference \(want) (\(rules))")
                    if only != nil, let route = search.route(to: c) { for e in route { print("  route", e) } }
                    if got.isFinite {
                        checkRoute(search, to: c, surface: surface, motion: motion, lit: lit, linked: linked, step: 60,
                                   rules: rules, origin: origin, start: Double(startUnit) * 5)
                    }
                } else if got.isFinite {
                    let failures = testRun?.failureCount ?? 0
                    checkRoute(search, to: c, surface: surface, motion: motion, lit: lit, linked: linked, step: 60,
                               rules: rules, origin: origin, start: Double(startUnit) * 5)
                    if (testRun?.failureCount ?? 0) > failures {
                        print("route check failed: trial \(trial) cell \(c)")
                        if only != nil, let route = search.route(to: c) { for e in route { print("  route", e) } }
                    }
                }
            }
        }
        print("EarliestArrival vs brute force: \(cases) cases, \(cells) cells, \(reached) reachable, \(stopChecks) searches stopped at a set of cells, "
              + "\(mismatches.count) mismatches, \(families) label families")
        for m in mismatches.prefix(20) { print("  " + m) }
        XCTAssertEqual(mismatches.count, 0, mismatches.prefix(5).joined(separator: "; "))
        XCTAssertGreaterThan(reached, cells / 3)
    }

    /// A 12 x 12 grid over 16 one-minute steps with random lit and linked runs and tight budgets: many
    /// label families per cell (the cap and limit tests).
    func cappedCase(seed: UInt64) -> (TraverseSurface, StepRuns, StepRuns, TraverseRules, RoverMotion) {
        var rng = SplitMix64(seed: seed)
        let width = 12, height = 12, n = width * height, steps = 16
        let surface = flatSurface(width: width, height: height, dx: 30, dy: 40)
        let lit = randomRuns(cells: n, steps: steps, rng: &rng, on: 0.5, flip: 0.2, never: 0.2)
        let linked = randomRuns(cells: n, steps: steps, rng: &rng, on: 0.7, flip: 0.2, never: 0.05)
        let rules = TraverseRules(maxShadowDriveSeconds: 120, maxShadowSeconds: 240, maxNoLinkDriveSeconds: 60)
        return (surface, lit, linked, rules, RoverMotion(objective: .time, speed: .constant(1)))
    }

    /// A family cap drops families and says so; every route it finds keeps the rules (checked), its arrivals
    /// are never earlier than the exact search's nor than the relaxation's (parking anywhere), and the
    /// certificate proves exactly the cells where the capped arrival meets the relaxation's bound.
    func testFamilyCapKeepsRoutesLegalAndIsCertified() {
        let (surface, lit, linked, rules, motion) = cappedCase(seed: 5)
        let n = surface.width * surface.height
        func run(_ cap: FamilyCap?, _ rules: TraverseRules) -> ArrivalSearch {
            EarliestArrival.search(surface: surface, motion: motion, neighbourhood: .eight, lit: lit, linked: linked, stepSeconds: 60,
                                   rules: rules, origin: 0, startSeconds: 0, cap: cap)
        }
        var relaxedRules = rules
        relaxedRules.maxShadowSeconds = .infinity
        let exact = run(nil, rules), cut = run(FamilyCap(kept: 1, most: 1, slack: 0), rules), relaxed = run(nil, relaxedRules)
        let slack = run(FamilyCap(kept: 1, most: 4, slack: 0.2), rules)
        XCTAssertGreaterThan(slack.droppedFamilies, 0)
        XCTAssertGreaterThan(slack.labelCount, cut.labelCount, "families that differ by more than the slack are kept")
        for c in 0..<n where slack.arrivalSeconds[c].isFinite {
            XCTAssertGreaterThanOrEqual(slack.arrivalSeconds[c], exact.arrivalSeconds[c])
            checkRoute(slack, to: c, surface: surface, motion: motion, lit: lit, linked: linked, step: 60, rules: rules, origin: 0, start: 0)
        }
        XCTAssertTrue(exact.isExact)
        XCTAssertGreaterThan(cut.droppedFamilies, 0)
        XCTAssertLessThan(cut.labelCount, exact.labelCount)
        var late = 0
        for c in 0..<n {
            XCTAssertGreaterThanOrEqual(cut.arrivalSeconds[c], exact.arrivalSeconds[c])
            XCTAssertGreaterThanOrEqual(exact.arrivalSeconds[c] + 1e-9, relaxed.arrivalSeconds[c])
            if cut.arrivalSeconds[c] > exact.arrivalSeconds[c] + 1e-6 { late += 1 }
            guard cut.arrivalSeconds[c].isFinite else { continue }
            checkRoute(cut, to: c, surface: surface, motion: motion, lit: lit, linked: linked, step: 60, rules: rules, origin: 0, start: 0)
        }
        XCTAssertGreaterThan(late, 0, "a cap of one family per cell makes some arrivals late")
        let certificate = ArrivalCertificate(arrivals: cut.arrivalSeconds, lowerBounds: relaxed.arrivalSeconds)
        let proven = (0..<n).filter { cut.arrivalSeconds[$0].isFinite && cut.arrivalSeconds[$0] <= relaxed.arrivalSeconds[$0] + ArrivalCertificate.tolerance }
        XCTAssertEqual(certificate.proven, proven.count)
        for c in proven { XCTAssertEqual(cut.arrivalSeconds[c], exact.arrivalSeconds[c], accuracy: 1e-6, "a proven cell is exact") }
        XCTAssertEqual(certificate.reached, cut.arrivalSeconds.filter(\.isFinite).count)
        XCTAssertFalse(certificate.isComplete)
        XCTAssertTrue(ArrivalCertificate(arrivals: exact.arrivalSeconds, lowerBounds: exact.arrivalSeconds).isComplete)
    }

    /// A limit of families in all, or a cancellation, stops the search and says so: not exact, and what it
    /// reached is reached no earlier than by the whole search.
    func testFamilyLimitAndCancellationStopTheSearch() {
        let (surface, lit, linked, rules, motion) = cappedCase(seed: 11)
        let n = surface.width * surface.height
        func run(limit: Int = .max, cancelled: (() -> Bool)? = nil) -> ArrivalSearch {
            EarliestArrival.search(surface: surface, motion: motion, neighbourhood: .eight, lit: lit, linked: linked, stepSeconds: 60,
                                   rules: rules, origin: 0, startSeconds: 0, familyLimit: limit, cancelled: cancelled)
        }
        let whole = run(), limited = run(limit: 10), cancelled = run(cancelled: { true })
        XCTAssertTrue(whole.isExact)
        XCTAssertFalse(whole.stoppedAtLimit)
        XCTAssertTrue(limited.stoppedAtLimit)
        XCTAssertFalse(limited.isExact)
        XCTAssertEqual(limited.labelCount, 10)
        XCTAssertTrue(cancelled.stoppedAtLimit)
        XCTAssertLessThan(cancelled.labelCount, whole.labelCount)
        for c in 0..<n { XCTAssertGreaterThanOrEqual(limited.arrivalSeconds[c], whole.arrivalSeconds[c]) }
    }

    // MARK: - Named scenarios

    /// 5 x 7: row 2 a corridor dark until `litFromStep` (its ends always lit), row 0 a lit detour, row 1 a wall
    /// except at the ends. No shadow driving at all: the rover parks at the lit entrance until the corridor is
    /// lit, or takes the detour, whichever arrives first.
    func corridor(litFromStep: Int) -> (ArrivalSearch, TraverseSurface, StepRuns, StepRuns, TraverseRules) {
        let width = 7, height = 5
        var passable = [Bool](repeating: false, count: width * height)
        for c in 0..<width { passable[c] = true; passable[2 * width + c] = true }
        passable[width] = true; passable[width + 6] = true
        let surface = flatSurface(width: width, height: height, dx: 20, dy: 20, passable: passable)
        let lit = runs(width * height, 24) { cell, step in cell / width != 2 || cell % width == 0 || cell % width == 6 || step >= litFromStep }
        let linked = StepRuns(cellCount: width * height, stepCount: 24, all: true)
        let rules = TraverseRules(maxShadowDriveSeconds: 0, maxShadowSeconds: 0)
        let search = EarliestArrival.search(surface: surface, motion: viper, neighbourhood: .eight, lit: lit, linked: linked,
                                            stepSeconds: 300, rules: rules, origin: 2 * width, startSeconds: 0)
        return (search, surface, lit, linked, rules)
    }

    func testCorridorWaitBeatsDetour() {
        // Lit from 300 s: leave the entrance at 250 s (the switch instant at 300 s is lit), six moves: 850 s,
        // before the detour's 4 x 100 + 2 x 100 + 2 x 141.42 = 882.8 s.
        let (search, surface, lit, linked, rules) = corridor(litFromStep: 1)
        XCTAssertEqual(search.arrivalSeconds[20], 850, accuracy: 1e-9)
        let route = search.route(to: 20)!
        XCTAssertEqual(route.map(\.cell), Array(14...20))
        XCTAssertEqual(route[0].waitedSeconds, 250, accuracy: 1e-9)
        XCTAssertEqual(route[0].reason, .sunlight)
        checkRoute(search, to: 20, surface: surface, motion: viper, lit: lit, linked: linked, step: 300, rules: rules, origin: 14, start: 0)
    }

    func testDetourBeatsLateCorridor() {
        // Lit from 600 s: the corridor would arrive at 1150 s; the detour at 882.8 s.
        let (search, surface, lit, linked, rules) = corridor(litFromStep: 2)
        XCTAssertEqual(search.arrivalSeconds[20], 600 + 200 * 2.0.squareRoot(), accuracy: 1e-6)
        XCTAssertTrue(search.route(to: 20)!.contains { $0.cell == 3 })
        checkRoute(search, to: 20, surface: surface, motion: viper, lit: lit, linked: linked, step: 300, rules: rules, origin: 14, start: 0)
    }

    /// A 1 x 12 corridor of 100 s moves, linked except steps 1 and 2 (600 .. 1800 s), at most 150 s of
    /// driving out of contact: the rover parks through the blackout (lit cells, or dark havens).
    func testLinkBlackoutIsSatOutParked() {
        for allLit in [true, false] {
            let n = 12
            let surface = flatSurface(width: n, height: 1, dx: 20, dy: 20)
            let lit = StepRuns(cellCount: n, stepCount: 6, all: allLit)
            let linked = runs(n, 6) { _, k in k < 1 || k >= 3 }
            let rules = TraverseRules(maxNoLinkDriveSeconds: 150)
            let search = EarliestArrival.search(surface: surface, motion: viper, neighbourhood: .eight, lit: lit, linked: linked,
                                                stepSeconds: 600, rules: rules, origin: 0, startSeconds: 0)
            XCTAssertEqual(search.arrivalSeconds[7], 700, accuracy: 1e-9)
            // 150 s of driving out of contact, the rest after 1800 s: 1850 s at cell 8, 2050 s at cell 10.
            XCTAssertEqual(search.arrivalSeconds[8], 1850, accuracy: 1e-9)
            XCTAssertEqual(search.arrivalSeconds[10], 2050, accuracy: 1e-9)
            let route = search.route(to: 10)!
            let waits = route.filter { $0.waitedSeconds > 0 }
            XCTAssertEqual(waits.count, 1)
            XCTAssertEqual(waits.first?.reason, allLit ? .link : .haven)
            checkRoute(search, to: 10, surface: surface, motion: viper, lit: lit, linked: linked, step: 600, rules: rules, origin: 0, start: 0)
        }
    }

    /// A 1 x 7 corridor whose cells 2, 3, 4 are never lit: crossing drives 50 + 100 + 100 + 50 = 300 s in shadow.
    func testPermanentShadowExcursion() {
        let surface = flatSurface(width: 7, height: 1, dx: 20, dy: 20)
        let lit = runs(7, 10) { c, _ in c < 2 || c > 4 }
        let linked = StepRuns(cellCount: 7, stepCount: 10, all: true)
        for (budget, reaches) in [(300.0, true), (299.0, false)] {
            let rules = TraverseRules(maxShadowDriveSeconds: budget, maxShadowSeconds: budget)
            let search = EarliestArrival.search(surface: surface, motion: viper, neighbourhood: .eight, lit: lit, linked: linked,
                                                stepSeconds: 600, rules: rules, origin: 0, startSeconds: 0)
            XCTAssertEqual(search.arrivalSeconds[4], 400, accuracy: 1e-9)
            XCTAssertEqual(search.arrivalSeconds[6], reaches ? 600 : .infinity)
            if reaches {
                XCTAssertEqual(search.route(to: 4)!.last!.shadowClockSeconds, 250, accuracy: 1e-3)
                checkRoute(search, to: 6, surface: surface, motion: viper, lit: lit, linked: linked, step: 600, rules: rules, origin: 0, start: 0)
            }
        }
    }

    /// A 1 x 5 corridor: cell 0 lit, cells 1 and 2 never lit (not havens), cell 3 lit from 1200 s, cell 4 lit.
    /// At most 200 s of shadow driving: the rover may not park at 1, 2 or 3 while dark, so it parks at cell 0
    /// and leaves at 950 s, to see cell 3 lit at the switch instant 1200 s of the move 2 -> 3.
    func testNoParkingInTheDarkOutsideHavens() {
        let surface = flatSurface(width: 5, height: 1, dx: 20, dy: 20)
        let lit = runs(5, 8) { c, k in c == 0 || c == 4 || (c == 3 && k >= 4) }
        let linked = StepRuns(cellCount: 5, stepCount: 8, all: true)
        let rules = TraverseRules(maxShadowDriveSeconds: 200, maxShadowSeconds: 200)
        XCTAssertEqual(EarliestArrival.safeHavens(lit: lit, linked: linked, rules: rules, stepSeconds: 300), [true, false, false, false, true])
        let search = EarliestArrival.search(surface: surface, motion: viper, neighbourhood: .eight, lit: lit, linked: linked,
                                            stepSeconds: 300, rules: rules, origin: 0, startSeconds: 0)
        XCTAssertEqual(search.arrivalSeconds[1], 100, accuracy: 1e-9)
        XCTAssertEqual(search.arrivalSeconds[2], 200, accuracy: 1e-9)
        // The rover parks lit at cell 0 and leaves at 950 s: 1050 s at 1, 1150 s at 2, the switch instant of
        // 2 -> 3 at 1200 s sees cell 3 lit (100 + 100 + 50 = 250 s in shadow would break the 200 s budget):
        // 1250 s at 3, 1350 s at 4 (the brute force agrees).
        XCTAssertEqual(search.arrivalSeconds[3], 1250, accuracy: 1e-9)
        XCTAssertEqual(search.arrivalSeconds[4], 1350, accuracy: 1e-9)
        let route = search.route(to: 4)!
        XCTAssertEqual(route.map(\.cell), [0, 1, 2, 3, 4])
        XCTAssertEqual(route[0].waitedSeconds, 950, accuracy: 1e-9)
        XCTAssertEqual(route[0].reason, .sunlight)
        XCTAssertTrue(route.dropFirst().allSatisfy { $0.waitedSeconds == 0 })
        XCTAssertEqual(route[3].shadowClockSeconds, 0, accuracy: 1e-9)
        checkRoute(search, to: 4, surface: surface, motion: viper, lit: lit, linked: linked, step: 300, rules: rules, origin: 0, start: 0)
        // Cell 3 never lit: 300 s of shadow driving to reach it; unreachable.
        let dark = runs(5, 8) { c, _ in c == 0 || c == 4 }
        let blocked = EarliestArrival.search(surface: surface, motion: viper, neighbourhood: .eight, lit: dark, linked: linked,
                                             stepSeconds: 300, rules: rules, origin: 0, startSeconds: 0)
        XCTAssertEqual(blocked.arrivalSeconds[3], .infinity)
    }

    /// Everything lit and linked: the plain shortest travel time, against a Dijkstra written here; routes keep
    /// out of impassable cells; a cell beyond the window end is unreachable.
    func testLitAndLinkedIsPlainShortestTime() {
        var rng = SplitMix64(seed: 7)
        let width = 14, height = 11, n = width * height
        let elevation = (0..<n).map { _ in Float(rng.unit() * 12) }
        let passable = (0..<n).map { _ in rng.unit() < 0.8 }
        let surface = flatSurface(width: width, height: height, dx: 20, dy: 20, passable: passable, elevation: elevation)
        let motion = RoverMotion(objective: .time, maxGradeDeg: 25, speed: .constant(0.2))
        let origin = surface.passable.firstIndex(of: true)!
        for hood in [Neighbourhood.eight, .sixteen] {
            let all = StepRuns(cellCount: n, stepCount: 40, all: true)
            let search = EarliestArrival.search(surface: surface, motion: motion, neighbourhood: hood, lit: all, linked: all,
                                                stepSeconds: 600, rules: TraverseRules(maxShadowDriveSeconds: 0, maxNoLinkDriveSeconds: 0),
                                                origin: origin, startSeconds: 30)
            var dist = [Double](repeating: .infinity, count: n), done = [Bool](repeating: false, count: n)
            dist[origin] = 30
            while let u = (0..<n).filter({ !done[$0] && dist[$0].isFinite }).min(by: { dist[$0] < dist[$1] }) {
                done[u] = true
                for o in hood.offsets {
                    let r = u / width + Int(o.x), c = u % width + Int(o.y)
                    guard r >= 0, r < height, c >= 0, c < width, surface.passable[r * width + c] else { continue }
                    let v = r * width + c
                    if let d = motion.seconds(length: Neighbourhood.length(o, row: u / width, metrics: surface.metrics),
                                              rise: Double(elevation[v]) - Double(elevation[u])) { dist[v] = min(dist[v], dist[u] + d) }
                }
            }
            for c in 0..<n {
                XCTAssertEqual(search.arrivalSeconds[c], dist[c], accuracy: 1e-6)
                if dist[c].isFinite {
                    checkRoute(search, to: c, surface: surface, motion: motion, lit: all, linked: all, step: 600,
                               rules: TraverseRules(maxShadowDriveSeconds: 0, maxNoLinkDriveSeconds: 0), origin: origin, start: 30)
                }
            }
            // A window ending before the farthest cells: those are unreachable, the rest unchanged.
            let horizon = 3000.0
            let short = StepRuns(cellCount: n, stepCount: 5, all: true)
            let cut = EarliestArrival.search(surface: surface, motion: motion, neighbourhood: hood, lit: short, linked: short,
                                             stepSeconds: horizon / 5, rules: .unlimited, origin: origin, startSeconds: 30)
            for c in 0..<n { XCTAssertEqual(cut.arrivalSeconds[c], dist[c] <= horizon ? dist[c] : .infinity, accuracy: 1e-6) }
        }
    }

    func testSafeHavens() {
        // Steps of 3600 s; Dd 2 h, P 6 h: nights of at most 4 h.
        let lit = runs(4, 24) { c, k in
            switch c {
            case 0: return true                        // never dark
            case 1: return !(k >= 5 && k < 9)          // a 4 h night
            case 2: return !(k >= 5 && k < 10)         // a 5 h night
            default: return k >= 20                    // dark for the first 20 h
            }
        }
        let linked = StepRuns(cellCount: 4, stepCount: 24, all: false)
        let rules = TraverseRules(maxShadowDriveSeconds: 7200, maxShadowSeconds: 21600)
        XCTAssertEqual(EarliestArrival.safeHavens(lit: lit, linked: linked, rules: rules, stepSeconds: 3600), [true, true, false, false])
        XCTAssertEqual(EarliestArrival.safeHavens(lit: lit, linked: linked, rules: .unlimited, stepSeconds: 3600), [true, true, true, true])
    }
}
