import Foundation
import FarSideCore

/// Earliest arrival per cell (seconds from the window start; infinity = unreachable).
public struct ArrivalField: Sendable {
    public let width: Int
    public let height: Int
    public var arrivalSeconds: [Double]
}

/// The result of `EarliestArrival.search`: the earliest arrival per cell and the settled label families, from which
/// the route to any reached cell (with its timeline) is rebuilt on demand.
public struct ArrivalSearch: Sendable {
    public let field: ArrivalField
    let surface: TraverseSurface
    let motion: RoverMotion
    let timeline: LightTimeline
    let families: SettledFamilies
    /// Per cell, its earliest settled family (-1: unreached).
    let first: [Int32]
    /// Families dropped at cells that had reached the search's family cap (0: the search is exact).
    /// Every family kept is reached by a route that keeps the rules, so with drops the arrivals are upper
    /// bounds (a route exists; the earliest may be earlier) and a cell may be missed.
    public let droppedFamilies: Int
    /// Whether the search stopped early (its limit of families in all, or cancelled): the arrivals are then
    /// upper bounds (reached by routes that keep the rules) and cells not reached yet are infinity.
    public let stoppedAtLimit: Bool
    /// Whether the search stopped once the earliest arrival at one of its stop cells was known
    /// (`EarliestArrival.search(stopAt:)`): that arrival and every earlier one are final; cells the search
    /// had not reached by then are infinity.
    public let stoppedAtTarget: Bool

    /// Whether no family was dropped and the search ran to its end: the arrivals are the earliest under
    /// the rules.
    public var isExact: Bool { droppedFamilies == 0 && !stoppedAtLimit }

    /// Earliest arrival per cell (seconds; infinity = unreachable): `field.arrivalSeconds`.
    public var arrivalSeconds: [Double] { field.arrivalSeconds }
    /// Number of settled label families (all cells).
    public var labelCount: Int { families.count }

    /// Whether the rover may be parked at `cell` at time `t` (lit, or a safe haven).
    public func mayPark(_ cell: Int, at t: Double) -> Bool { timeline.parkingEnd(cell, from: t) > t }

    /// Duration of the move between neighbours `here` -> `there`.
    func moveSeconds(_ here: Int, _ there: Int) -> Double {
        let w = surface.width
        let offset = SIMD2<Int32>(Int32(there / w - here / w), Int32(there % w - here % w))
        let length = Neighbourhood.length(offset, row: here / w, metrics: surface.metrics)
        return motion.seconds(length: length, rise: Double(surface.elevation[there]) - Double(surface.elevation[here])) ?? 0
    }

    /// The cells of the route to `target` with the rover's arrival and departure times, from the origin:
    /// back through the families (a parked family was entered at its start; a drive's member at time t came
    /// from its parent's member at t minus the move; a family whose parent is at the same cell continues a
    /// stay there, parked or idling, from the parent's last member).
    func legs(to target: Int) -> [(cell: Int, arrival: Double, departure: Double)] {
        var legs: [(cell: Int, arrival: Double, departure: Double)] = []
        var g = Int(first[target]), tau = families[g].t0
        while true {
            let c = Int(families[g].cell)
            var entered = tau
            while families[g].parent >= 0 && Int(families[Int(families[g].parent)].cell) == c {
                g = Int(families[g].parent)
                entered = families[g].t1   // a stay continues from the parent's last member (its start may be trimmed)
            }
            let arrival = mayPark(c, at: families[g].t0) ? families[g].t0 : entered
            legs.append((c, arrival, tau))
            let p = Int(families[g].parent)
            guard p >= 0 else { break }
            tau = arrival - moveSeconds(Int(families[p].cell), c)
            g = p
        }
        return legs.reversed()
    }

    /// The route to `target` arriving at its earliest time, cell by cell from the origin (nil when
    /// unreachable), with the driving clocks recomputed along it. Parking at a cell is one event.
    public func route(to target: Int) -> [RouteEvent]? {
        guard target >= 0, target < first.count, first[target] >= 0 else { return nil }
        let legs = legs(to: target)
        let tl = timeline
        var events: [RouteEvent] = []
        var s = 0.0, l = 0.0
        for (k, leg) in legs.enumerated() {
            let here = leg.cell, arrival = leg.arrival
            var event = RouteEvent(cell: here, arrivalSeconds: arrival, departureSeconds: nil, waitedSeconds: 0, reason: .none,
                                   shadowClockSeconds: s, linkClockSeconds: l,
                                   lit: tl.isLit(here, at: arrival), linked: tl.isLinked(here, at: arrival))
            if k + 1 < legs.count {
                let there = legs[k + 1].cell
                let d = moveSeconds(here, there)
                var leave = legs[k + 1].arrival - d
                if abs(leave - arrival) <= LightTimeline.eps { leave = arrival }
                event.departureSeconds = leave
                event.waitedSeconds = max(0, leave - arrival)
                if event.waitedSeconds > LightTimeline.eps {
                    tl.stay(here, from: arrival, to: leave, &s, &l)
                    event.reason = waitReason(legs, at: k)
                } else {
                    event.waitedSeconds = 0
                }
                _ = tl.move(here, there, at: leave, half: d / 2, &s, &l)
            }
            events.append(event)
        }
        return events
    }

    /// Why the rover parked at leg `k`: at a haven through darkness; else for the drive that follows (up to
    /// the next stop): `.sunlight` when leaving at once would have met another lit state on the way (cells
    /// at their arrival and switch instants), `.link` when only the linked states differ.
    func waitReason(_ legs: [(cell: Int, arrival: Double, departure: Double)], at k: Int) -> RouteEvent.WaitReason {
        let tl = timeline, here = legs[k].cell, arrival = legs[k].arrival, leave = legs[k].departure
        let waited = leave - arrival
        var t = arrival
        while tl.haven[here] && t < leave - LightTimeline.eps {   // dark at some time of the wait: sitting out a night
            if !tl.isLit(here, at: t) { return .haven }
            t = (Double(tl.stepIndex(t) + 1) * tl.step)
        }
        var sunlight = false, link = false
        func compare(_ c: Int, _ t: Double) {
            if tl.isLit(c, at: t) != tl.isLit(c, at: t - waited) { sunlight = true }
            if tl.isLinked(c, at: t) != tl.isLinked(c, at: t - waited) { link = true }
        }
        compare(here, leave)
        var j = k + 1
        while j < legs.count {
            let previous = legs[j - 1]
            let d = legs[j].arrival - previous.departure
            compare(previous.cell, previous.departure + d / 2)
            compare(legs[j].cell, previous.departure + d / 2)
            compare(legs[j].cell, legs[j].arrival)
            if legs[j].departure > legs[j].arrival + LightTimeline.eps { break }
            j += 1
        }
        return sunlight || !link ? .sunlight : .link
    }
}
