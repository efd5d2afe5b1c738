import FarSideCore

/// The time-dependent earliest-arrival search over a grid whose cells are lit and linked in runs of time
/// steps, for a rover with driving budgets in shadow and out of contact and parking only where it survives
/// (`TraverseRules`): a label-setting search (Dijkstra 1959 generalised to labels (cell, time, clocks), as
/// in resource-constrained shortest paths) over FAMILIES of labels, intervals of arrival times with clocks
/// affine in time (`ArrivalFamily`), settled in time order in a swift-collections `Heap`. Parked families
/// change only at a cell's state changes (its lit and linked runs, `StepRuns`), never one node per cell per
/// step; a move's departures are cut where its state pattern changes and each piece's rules become bounds
/// on the departure (`LightTimeline.drivePiece`). Exact for the model with a finite survival budget (a
/// brute-force time-expanded search agrees on every cell). The model, the families, the exactness argument
/// and the memory per family: docs/methods/earliest-arrival.md.
public enum EarliestArrival {
    /// The search from `origin` at `startSeconds` (seconds from the window start). `targets` is kept for
    /// callers' convenience (every cell's earliest arrival and route are available); `lit` and `linked`
    /// have one cell per grid cell and the same step count. `originIsHaven`: the rover may park at the
    /// origin at any time (it starts from a lander or a base that shelters it), whatever its nights.
    /// `cap`: how many label families the search keeps at one cell (`FamilyCap`); the ones it drops are
    /// counted (`ArrivalSearch.droppedFamilies`): every route found still keeps the rules, but an arrival
    /// may be later than the earliest, or a cell missed. Dark regions crossed with long shadow-driving
    /// budgets can need many families per cell (docs/methods/earliest-arrival.md, "Cost").
    /// `familyLimit`: the most label families in all (56 bytes each); the search stops there and says so
    /// (`ArrivalSearch.stoppedAtLimit`), as it does when `cancelled` (asked now and then) returns true.
    /// `stopAt`: cells (one flag per grid cell) whose earliest arrival is all the caller wants (the nearest
    /// of a set of targets, such as permanent shadow): the search stops once the earliest arrival at any of
    /// them is settled and no queued family can start before it (`ArrivalSearch.stoppedAtTarget`), and does
    /// not expand families at them. The arrivals it returns up to that time are those of the full search.
    public static func search(surface: TraverseSurface, motion: RoverMotion, neighbourhood: Neighbourhood,
                              lit: StepRuns, linked: StepRuns, stepSeconds: Double, rules: TraverseRules,
                              origin: Int, startSeconds: Double, originIsHaven: Bool = false, cap: FamilyCap? = nil, familyLimit: Int = .max,
                              cancelled: (() -> Bool)? = nil, stopAt: [Bool]? = nil,
                              targets: [Int] = []) -> ArrivalSearch {
        let n = surface.width * surface.height
        precondition(lit.cellCount == n && linked.cellCount == n, "lit/linked runs must have one cell per grid cell")
        precondition(origin >= 0 && origin < n, "origin outside the grid")
        let timeline = LightTimeline(lit: lit, linked: linked, stepSeconds: stepSeconds, rules: rules,
                                     alsoHaven: originIsHaven ? origin : nil)
        var search = ArrivalSearcher(surface: surface, motion: motion, neighbourhood: neighbourhood, timeline: timeline)
        if let cap {
            search.familyCap = cap.kept
            search.hardCap = cap.most
            search.capSlack = (cap.slack * rules.maxShadowDriveSeconds, cap.slack * rules.maxNoLinkDriveSeconds)
        }
        search.familyLimit = familyLimit
        search.cancelled = cancelled
        if let stopAt {
            precondition(stopAt.count == n, "stop cells must have one flag per grid cell")
            search.stopCells = stopAt
        }
        if surface.passable[origin] && startSeconds <= timeline.end && startSeconds >= 0 {
            search.run(origin: origin, start: startSeconds)
        }
        return search.result()
    }

    /// Safe havens: cells whose every dark run within the window (leading and trailing runs included) lasts
    /// at most P - Dd (`rules.longestHavenNightSeconds`), so that a rover arriving with up to Dd of shadow
    /// driving behind it can sit out any night parked within its survival budget P. Every cell is a haven
    /// when P is infinite. (`linked` is not needed: parking out of contact is allowed.)
    public static func safeHavens(lit: StepRuns, linked: StepRuns, rules: TraverseRules, stepSeconds: Double) -> [Bool] {
        precondition(lit.cellCount == linked.cellCount && lit.stepCount == linked.stepCount)
        let night = rules.longestHavenNightSeconds
        guard night.isFinite else { return [Bool](repeating: true, count: lit.cellCount) }
        let steps = lit.stepCount
        return (0..<lit.cellCount).map { cell in
            var previous = 0, gap = 0
            for r in lit.runs(of: cell) { gap = max(gap, Int(r.start) - previous); previous = Int(r.end) }
            gap = max(gap, steps - previous)
            return Double(gap) * stepSeconds <= night + LightTimeline.eps
        }
    }
}
