import Foundation
import GeoRaster
import Traverse
import Visibility

/// The time-dependent half of a traverse: the earliest-arrival search through the window's lit and linked
/// runs under the rover's time rules (`EarliestArrival`), its travel-time map, the safe havens, and routes
/// with their timelines (arrivals, waits and why) in place of the static routes.
///
/// The search's model (docs/methods/earliest-arrival.md): the rover drives only while its driving clocks
/// allow (driving time in shadow since last lit <= max_shadow_drive_h, out of contact since last linked <=
/// max_no_link_drive_h) and parks where it survives: in sunlight, or at a safe haven (a cell whose every
/// night in the window fits max_shadow_h - max_shadow_drive_h; `safe_haven.tif`); parked time does not count
/// on the driving clocks. Elsewhere it may idle, its clocks growing as if it drove. The search is exact
/// under these rules (tested against a brute-force time-expanded search), so every route it returns is
/// safe by them.
///
/// Its cost: dark regions crossed with a long shadow-driving budget can need many label families per cell.
/// The exact search has a budget (`familiesPerCell` at any one cell); past it, the run falls back to the
/// search with parking allowed anywhere (exact for that relaxed model, one or two families per cell) and
/// flags every route that parks in darkness beyond the survival budget at a cell that is not a haven
/// (stderr and report.html), never reporting it as safe.
enum TimedTraverse {
    /// The exact search's budget of label families at any one cell (see above).
    static let familiesPerCell = 16

    static func run(_ result: inout TraverseResult, lighting: WindowLighting, time: TimeWindow, context: RouteContext, originCell: Int,
                    targetCells: [Int], request: TraverseRequest) throws {
        guard let rules = request.rover.time, let lit = lighting.lit, let linked = lighting.linked else { return }
        let survival = TraverseRules(maxShadowDriveSeconds: rules.maxShadowDriveHours * 3600, maxShadowSeconds: rules.maxShadowHours * 3600,
                                     maxNoLinkDriveSeconds: rules.maxNoLinkDriveHours * 3600)
        let clock = ContinuousClock()
        var found: ArrivalSearch!
        var exact = true
        let elapsed = clock.measure {
            let budget = familiesPerCell
            found = EarliestArrival.search(surface: context.surface, motion: request.rover.motion, neighbourhood: request.neighbourhood,
                                           lit: lit, linked: linked, stepSeconds: time.step, rules: survival, origin: originCell,
                                           startSeconds: 0, originIsHaven: true, familyBudget: budget, targets: targetCells)
            if found.exhaustedBudget {
                exact = false
                result.notes.append("the survival-exact time search passed its budget of \(budget) label families at one cell; "
                                    + "routes are searched with parking allowed anywhere "
                                    + "and checked against \(request.rover.name)'s survival budget instead")
                var relaxed = survival
                relaxed.maxShadowSeconds = .infinity
                found = EarliestArrival.search(surface: context.surface, motion: request.rover.motion, neighbourhood: request.neighbourhood,
                                               lit: lit, linked: linked, stepSeconds: time.step, rules: relaxed, origin: originCell,
                                               startSeconds: 0, targets: targetCells)
            }
        }
        result.timeSearchSeconds = TraversePlanning.seconds(elapsed)
        let w = result.window.width, h = result.window.height
        result.travelTimeHours = Grid(width: w, height: h, values: found.arrivalSeconds.map { $0.isFinite ? Float($0 / 3600) : .nan })
        let havens = EarliestArrival.safeHavens(lit: lit, linked: linked, rules: survival, stepSeconds: time.step)
        result.safeHavens = Grid(width: w, height: h, values: havens.indices.map { i in
            context.dem.values[i].isNaN ? .nan : (havens[i] && context.surface.passable[i] ? 1 : 0)
        })
        var routes: [TraverseRoute] = []
        for (k, cell) in targetCells.enumerated() {
            guard let events = found.route(to: cell) else {
                throw FarSideError.badInput("target \(k + 1) (\(request.targets[k])): not reachable by rover \(request.rover.name) within the time window "
                                            + "under its driving rules (static cost \(result.cost.values[cell]) \(request.rover.costUnit))")
            }
            var vertices = context.vertices(events.map(\.cell))
            for (i, e) in events.enumerated() {
                vertices[i].arrivalHours = e.arrivalSeconds / 3600
                vertices[i].departureHours = e.departureSeconds.map { $0 / 3600 }
                vertices[i].waitHours = e.waitedSeconds / 3600
                vertices[i].lit = e.lit
                vertices[i].linked = e.linked
                vertices[i].shadowClockHours = e.shadowClockSeconds / 3600
                vertices[i].linkClockHours = e.linkClockSeconds / 3600
                guard e.waitedSeconds > 0 else { continue }
                var why: String
                switch e.reason {
                case .sunlight: why = "waiting in sunlight for the drive ahead (sunlight on the way)"
                case .link: why = "waiting for a link on the drive ahead"
                case .haven: why = "sitting out darkness or a blackout"
                case .none: why = "waiting"
                }
                let dark = darkSeconds(lit: lit, cell: e.cell, from: e.arrivalSeconds, to: e.departureSeconds ?? e.arrivalSeconds, step: time.step)
                if dark > 0 {
                    why += String(format: "; %.2f h of it in darkness", dark / 3600)
                    if havens[e.cell] {
                        why += " at a safe haven"
                    } else if exact {
                        why += " (idling within its shadow-driving budget)"
                    } else if dark + e.shadowClockSeconds > survival.maxShadowSeconds {
                        why += String(format: ", beyond the rover's survival budget of %g h at a cell that is not a safe haven", rules.maxShadowHours)
                        result.notes.append("route to target \(k + 1) parks " + String(format: "%.1f h", dark / 3600)
                                            + " in darkness at vertex \(i), beyond \(request.rover.name)'s survival budget (\(rules.maxShadowHours) h): not a safe route")
                    }
                }
                vertices[i].waitReason = why
            }
            routes.append(TraverseRoute(targetIndex: k, target: request.targets[k], vertices: vertices))
        }
        result.routes = routes
    }

    /// Seconds of [from, to) in which `cell` is not lit.
    static func darkSeconds(lit: StepRuns, cell: Int, from: Double, to: Double, step: Double) -> Double {
        guard to > from else { return 0 }
        var litTime = 0.0
        for run in lit.runs(of: cell) {
            let a = max(from, Double(run.start) * step), b = min(to, Double(run.end) * step)
            if b > a { litTime += b - a }
        }
        return (to - from) - litTime
    }
}
