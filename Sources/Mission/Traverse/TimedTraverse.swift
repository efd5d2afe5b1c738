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
/// on the driving clocks. Elsewhere it may idle, its clocks growing as if it drove. Every route the search
/// returns keeps these rules; it is exact when it keeps every label family (tested against a brute-force
/// time-expanded search).
///
/// Its cost: dark regions crossed with a long shadow-driving budget can need many label families per cell.
/// The search keeps a few at any one cell (`TraverseRequest.familyCap`) and drops the rest, so every route
/// it returns still keeps the rules, but an arrival may be late or a cell missed. Beside it (on a second
/// thread) the run searches with parking allowed anywhere, a relaxation whose arrivals are lower bounds,
/// cancelled if the capped search drops nothing; otherwise it CERTIFIES the cells where both agree
/// (`ArrivalCertificate`); elsewhere the earliest arrival under the rules lies between the two
/// (`travel_time_lower_h.tif`), and the notes and each route's report say so.
enum TimedTraverse {
    /// `shadowCells`: the cells of permanent shadow the rover may reach ice at (`TraverseRequest.toShadow`):
    /// the earliest reached gets a route (`TraverseResult.shadowRoute`); with `request.stopAtShadow` the
    /// searches stop there.
    static func run(_ result: inout TraverseResult, lighting: WindowLighting, time: TimeWindow, context: RouteContext, originCell: Int,
                    targetCells: [Int], shadowCells: [Bool]?, request: TraverseRequest) throws {
        guard let rules = request.rover.time, let lit = lighting.lit, let linked = lighting.linked else { return }
        let survival = TraverseRules(maxShadowDriveSeconds: rules.maxShadowDriveHours * 3600, maxShadowSeconds: rules.maxShadowHours * 3600,
                                     maxNoLinkDriveSeconds: rules.maxNoLinkDriveHours * 3600)
        let clock = ContinuousClock()
        let stopAt = request.stopAtShadow ? shadowCells : nil
        var found: ArrivalSearch!
        var lower: [Double]?
        let elapsed = clock.measure {
            // The capped search and the relaxation are independent: on two threads at once, the relaxation
            // cancelled as soon as the capped search turns out exact.
            let exactDone = SearchSignal(), outcome = SearchOutcomes()
            func capped() {
                let start = clock.now
                let search = EarliestArrival.search(surface: context.surface, motion: request.rover.motion, neighbourhood: request.neighbourhood,
                                                    lit: lit, linked: linked, stepSeconds: time.step, rules: survival, origin: originCell,
                                                    startSeconds: 0, originIsHaven: true, cap: request.familyCap, stopAt: stopAt,
                                                    targets: targetCells)
                if search.isExact { exactDone.raise() }
                outcome.set(capped: search)
                StageLog.note(String(format: "traverse: time search with the rules: %d label families settled in %.1f s", search.labelCount,
                                     TraversePlanning.seconds(clock.now - start)))
            }
            func relaxed() {
                let start = clock.now
                var rules = survival
                rules.maxShadowSeconds = .infinity
                let search = EarliestArrival.search(surface: context.surface, motion: request.rover.motion, neighbourhood: request.neighbourhood,
                                                    lit: lit, linked: linked, stepSeconds: time.step, rules: rules, origin: originCell,
                                                    startSeconds: 0, cancelled: exactDone.isRaised, stopAt: stopAt)
                if !search.stoppedAtLimit { outcome.set(relaxed: search.arrivalSeconds) }
                StageLog.note(String(format: "traverse: time search with parking anywhere (the lower bound): %d label families settled in %.1f s%@",
                                     search.labelCount, TraversePlanning.seconds(clock.now - start), search.stoppedAtLimit ? ", cancelled" : ""))
            }
            if request.threads > 1 {
                DispatchQueue.concurrentPerform(iterations: 2) { $0 == 0 ? capped() : relaxed() }
            } else {
                capped()
                if !exactDone.isRaised() { relaxed() }
            }
            found = outcome.capped
            if !found.isExact { lower = outcome.relaxed }
        }
        result.timeSearchSeconds = TraversePlanning.seconds(elapsed)
        let arrivals = found.arrivalSeconds
        if stopAt != nil {
            result.notes.append("the time searches stopped at the earliest arrival in permanent shadow: travel_time_h holds the cells reached by then")
        }
        if let lower, stopAt == nil {
            let certificate = ArrivalCertificate(arrivals: arrivals, lowerBounds: lower)
            result.notes.append("the time search kept \(request.familyCap.kept) label families per cell, up to \(request.familyCap.most) where they differ by more than "
                                + "\(Int(request.familyCap.slack * 100)) % of a budget, and dropped \(found.droppedFamilies): "
                                + "every route keeps \(request.rover.name)'s rules; \(certificate.summary)")
            result.arrivalCertificate = certificate
        }
        let w = result.window.width, h = result.window.height
        func hours(_ seconds: [Double]) -> Grid { Grid(width: w, height: h, values: seconds.map { $0.isFinite ? Float($0 / 3600) : .nan }) }
        result.travelTimeHours = hours(arrivals)
        result.travelTimeLowerHours = lower.map(hours) ?? result.travelTimeHours   // (exact: the arrivals are their own bound)
        let havens = EarliestArrival.safeHavens(lit: lit, linked: linked, rules: survival, stepSeconds: time.step)
        result.safeHavens = Grid(width: w, height: h, values: havens.indices.map { i in
            // (1: a haven the rover can reach, hence passable; states are computed only for the cells it can reach)
            context.surface.elevation[i].isNaN ? .nan : (havens[i] && result.cost.values[i].isFinite ? 1 : 0)
        })
        func vertices(_ events: [RouteEvent]) -> [RouteVertex] {
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
                    why += e.cell == originCell ? " at the origin (the rover's base: a haven)"
                        : havens[e.cell] ? " at a safe haven" : " (idling within its shadow-driving budget)"
                }
                vertices[i].waitReason = why
            }
            return vertices
        }
        var routes: [TraverseRoute] = []
        for (k, cell) in targetCells.enumerated() {
            guard let events = found.route(to: cell) else {
                var why = "not reachable by rover \(request.rover.name) within the time window under its driving rules (static cost \(result.cost.values[cell]) \(request.rover.costUnit))"
                if let lower, lower[cell].isFinite {
                    why = "no route found that keeps rover \(request.rover.name)'s rules within the time window (the search's cap of label families "
                        + "per cell dropped some; with parking allowed anywhere it arrives after " + String(format: "%.2f h", lower[cell] / 3600) + ")"
                }
                throw FarSideError.badInput("target \(k + 1) (\(request.targets[k])): " + why)
            }
            if let lower, let note = ArrivalCertificate.targetNote(k + 1, arrival: arrivals[cell], lowerBound: lower[cell]) { result.notes.append(note) }
            routes.append(TraverseRoute(targetIndex: k, target: request.targets[k], vertices: vertices(events)))
        }
        result.routes = routes
        // The nearest permanent shadow: the earliest arrival among its cells; proven earliest when the search
        // kept every family or the relaxation's least arrival there meets it.
        result.shadowRoute = nil
        if let shadowCells, let cell = ShadowTargets.nearest(shadowCells, by: { arrivals[$0] }), let events = found.route(to: cell) {
            result.shadowRoute = TraverseRoute(shadow: vertices(events), index: targetCells.count)
            let bound = lower.map { lower in ShadowTargets.nearest(shadowCells, by: { lower[$0] }).map { lower[$0] } ?? arrivals[cell] } ?? arrivals[cell]
            result.shadowArrivalLowerHours = min(bound, arrivals[cell]) / 3600
            if bound < arrivals[cell] - 1e-6 {
                result.notes.append(String(format: "the route to permanent shadow arrives %.2f h after the start; the earliest arrival there under the rules lies "
                                           + "between %.2f h (parking allowed anywhere) and that (the search's cap dropped label families)",
                                           arrivals[cell] / 3600, bound / 3600))
            }
        } else if shadowCells != nil && !request.stopAtShadow {
            throw FarSideError.badInput("no permanently shadowed cell reachable by rover \(request.rover.name) within the time window under its driving rules")
        }
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

/// Raised once, read from another thread (the capped search tells the relaxation it is not needed).
final class SearchSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var raised = false
    func raise() { lock.withLock { raised = true } }
    func isRaised() -> Bool { lock.withLock { raised } }
}

/// The two searches' results, set from their threads.
final class SearchOutcomes: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var capped: ArrivalSearch?
    private(set) var relaxed: [Double]?
    func set(capped search: ArrivalSearch) { lock.withLock { capped = search } }
    func set(relaxed arrivals: [Double]) { lock.withLock { relaxed = arrivals } }
}
