import Foundation
import GeoRaster
import Traverse
import Visibility

/// The time-dependent half of a traverse: the earliest-arrival search through the window's lit and linked
/// runs under the rover's time rules (`EarliestArrival`), its travel-time map, the safe havens, and routes
/// with their timelines (arrivals, waits and why) in place of the static routes.
///
/// The search's model: the rover drives only while its driving clocks allow (driving time in shadow since
/// last lit <= max_shadow_drive_h, out of contact since last linked <= max_no_link_drive_h) and may park
/// anywhere, parked time not counting on those clocks. With parking allowed everywhere the label-setting
/// search is exact (tested against a brute-force time-expanded search: 0 differences in 80 random cases);
/// restricting parking to havens makes it inexact (arrivals can hinge on leaving a lit cell at a moment set
/// by the budget), so survival is not a constraint of the search: `safe_haven.tif` shows the cells whose
/// every night fits `max_shadow_h` minus the driving budget, and a route that parks in darkness for longer
/// than the survival budget at a cell that is not a haven is flagged (stderr and report.html), never
/// reported as if it were safe.
enum TimedTraverse {
    static func run(_ result: inout TraverseResult, lighting: WindowLighting, time: TimeWindow, context: RouteContext, originCell: Int,
                    targetCells: [Int], request: TraverseRequest) throws {
        guard let rules = request.rover.time, let lit = lighting.lit, let linked = lighting.linked else { return }
        let survival = TraverseRules(maxShadowDriveSeconds: rules.maxShadowDriveHours * 3600, maxShadowSeconds: rules.maxShadowHours * 3600,
                                     maxNoLinkDriveSeconds: rules.maxNoLinkDriveHours * 3600)
        var search = survival
        search.maxShadowSeconds = .infinity  // park anywhere (see above)
        let clock = ContinuousClock()
        var found: ArrivalSearch!
        let elapsed = clock.measure {
            found = EarliestArrival.search(surface: context.surface, motion: request.rover.motion, neighbourhood: request.neighbourhood,
                                           lit: lit, linked: linked, stepSeconds: time.step, rules: search, origin: originCell,
                                           startSeconds: 0, targets: targetCells)
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
                case .sunlight: why = "waiting for sunlight (here or on the next cell)"
                case .link: why = "waiting for a link (here or on the next cell)"
                case .haven: why = "sitting out darkness or a blackout"
                case .none: why = "waiting"
                }
                let dark = darkSeconds(lit: lit, cell: e.cell, from: e.arrivalSeconds, to: e.departureSeconds ?? e.arrivalSeconds, step: time.step)
                if dark > 0 {
                    why += String(format: "; %.2f h of it in darkness", dark / 3600)
                    if !havens[e.cell] && dark + e.shadowClockSeconds > survival.maxShadowSeconds {
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
