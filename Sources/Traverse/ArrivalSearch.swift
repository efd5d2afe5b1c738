import FarSideCore

/// Earliest arrival per cell (seconds from the window start; infinity = unreachable).
public struct ArrivalField: Sendable {
    public let width: Int
    public let height: Int
    public var arrivalSeconds: [Double]
}

/// The result of `EarliestArrival.search`: the earliest arrival per cell and the settled labels, from which
/// the route to any reached cell (with its timeline) is rebuilt on demand.
public struct ArrivalSearch: Sendable {
    public let field: ArrivalField
    let surface: TraverseSurface
    let motion: RoverMotion
    let timeline: LightTimeline
    let cell: [Int32]
    let time: [Double]
    let shadow: [Float]
    let link: [Float]
    let parent: [Int32]
    /// Per cell, its earliest settled label (-1: unreached).
    let first: [Int32]

    /// Earliest arrival per cell (seconds; infinity = unreachable): `field.arrivalSeconds`.
    public var arrivalSeconds: [Double] { field.arrivalSeconds }
    /// Number of settled labels (all cells).
    public var labelCount: Int { cell.count }

    /// Whether the rover may be parked at `cell` at time `t` (lit, or a safe haven).
    public func mayPark(_ cell: Int, at t: Double) -> Bool { timeline.parkingEnd(cell, from: t) > t }

    /// The route to `target` arriving at its earliest time, cell by cell from the origin (nil when
    /// unreachable). Consecutive labels at one cell (parking) are one event.
    public func route(to target: Int) -> [RouteEvent]? {
        guard target >= 0, target < first.count, first[target] >= 0 else { return nil }
        var chain: [Int] = []
        var i = Int(first[target])
        while i >= 0 { chain.append(i); i = Int(parent[i]) }
        chain.reverse()
        var events: [RouteEvent] = []
        var k = 0
        while k < chain.count {
            var lastHere = k
            while lastHere + 1 < chain.count && cell[chain[lastHere + 1]] == cell[chain[k]] { lastHere += 1 }
            let here = Int(cell[chain[k]]), label = chain[k]
            let arrival = time[label]
            var event = RouteEvent(cell: here, arrivalSeconds: arrival, departureSeconds: nil, waitedSeconds: 0, reason: .none,
                                   shadowClockSeconds: Double(shadow[label]), linkClockSeconds: Double(link[label]),
                                   lit: timeline.isLit(here, at: arrival), linked: timeline.isLinked(here, at: arrival))
            if lastHere + 1 < chain.count {
                let next = chain[lastHere + 1], there = Int(cell[next])
                let w = surface.width
                let offset = SIMD2<Int32>(Int32(there / w - here / w), Int32(there % w - here % w))
                let length = Neighbourhood.length(offset, row: here / w, metrics: surface.metrics)
                let d = motion.seconds(length: length, rise: Double(surface.elevation[there]) - Double(surface.elevation[here])) ?? 0
                var leave = time[next] - d
                if abs(leave - arrival) <= LightTimeline.eps { leave = arrival }
                event.departureSeconds = leave
                event.waitedSeconds = max(0, leave - arrival)
                if event.waitedSeconds > LightTimeline.eps {
                    let h = d / 2
                    if timeline.haven[here] && (!timeline.isLit(here, at: arrival) || !timeline.isLit(here, at: leave - LightTimeline.eps)) {
                        event.reason = .haven
                    } else if (!timeline.isLit(here, at: arrival) && timeline.isLit(here, at: leave))
                                || (!timeline.isLit(there, at: arrival + h) && timeline.isLit(there, at: leave + h))
                                || (!timeline.isLit(there, at: arrival + d) && timeline.isLit(there, at: leave + d)) {
                        event.reason = .sunlight
                    } else if (!timeline.isLinked(here, at: arrival) && timeline.isLinked(here, at: leave))
                                || (!timeline.isLinked(there, at: arrival + h) && timeline.isLinked(there, at: leave + h))
                                || (!timeline.isLinked(there, at: arrival + d) && timeline.isLinked(there, at: leave + d)) {
                        event.reason = .link
                    } else {
                        event.reason = timeline.haven[here] ? .haven : .sunlight
                    }
                }
            }
            events.append(event)
            k = lastHere + 1
        }
        return events
    }
}
