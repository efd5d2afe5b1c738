import FarSideCore

/// The search loop of `EarliestArrival` over label families (`ArrivalFamily`), settled in order of their
/// earliest member.
struct ArrivalSearcher {
    let surface: TraverseSurface
    let motion: RoverMotion
    let neighbourhood: Neighbourhood
    let timeline: LightTimeline
    /// Planimetric length of move `m` from row `r`: `lengths[r * moves + m]`.
    let lengths: [Double]

    var settled: SettledFamilies
    /// Drive (not parked) families kept at one cell (`FamilyCap`): `familyCap` at once, up to `hardCap` where
    /// settled ones do not come within `capSlack` of them; the others are dropped (counted in `dropped`).
    var familyCap = Int.max
    var dropped = 0
    var hardCap = Int.max
    var capSlack = (shadow: 0.0, link: 0.0)
    /// Settled families allowed in all; the search stops there (`stopped`).
    var familyLimit = Int.max
    var stopped = false
    /// Asked every 4096 families: true stops the search (`stopped`).
    var cancelled: (() -> Bool)?
    /// Cells whose earliest arrival ends the search (nil: none; it runs to its end): once a family settles
    /// at one of them at time a, the search goes on only while families that may start before a are
    /// queued (a trimmed family can settle later than its key), then stops (`stoppedAtTarget`).
    var stopCells: [Bool]?
    /// The earliest settled arrival at a stop cell so far (infinity: none).
    var stopArrival = Double.infinity
    var stoppedAtTarget = false
    /// Settled families per cell (only counted under a cap).
    var countAtCell: [UInt16] = []
    var heap: PendingFamilies
    /// Parked families pushed by the move being expanded (start, end, clocks): a later one in the same
    /// parked stretch with no smaller clocks adds nothing.
    var parkedPushes: [(start: Double, end: Double, shadow: Double, link: Double)] = []
    /// Breakpoints of the move being expanded and its pieces (reused: no allocation per family).
    var points: [Double] = []
    var pieces: [LightTimeline.PieceDrive?] = []
    var exact: [(Double, Double)?] = []

    init(surface: TraverseSurface, motion: RoverMotion, neighbourhood: Neighbourhood, timeline: LightTimeline) {
        self.surface = surface
        self.motion = motion
        self.neighbourhood = neighbourhood
        self.timeline = timeline
        settled = SettledFamilies(cellCount: surface.width * surface.height)
        heap = PendingFamilies(cellCount: surface.width * surface.height, bucketSeconds: Self.bucketSeconds(timeline))
        var lengths: [Double] = []
        lengths.reserveCapacity(surface.height * neighbourhood.count)
        for r in 0..<surface.height {
            for o in neighbourhood.offsets {
                let other = r + Int(o.x)
                lengths.append(other >= 0 && other < surface.height ? Neighbourhood.length(o, row: r, metrics: surface.metrics) : 0)
            }
        }
        self.lengths = lengths
        points.reserveCapacity(64)
        pieces.reserveCapacity(64)
    }

    /// The pending queue's bucket width: the window in 65,536 buckets, at least a millisecond.
    static func bucketSeconds(_ timeline: LightTimeline) -> Double {
        max(timeline.end / 65536, 1e-3)
    }

    /// Duration of move `m` from `u` (row `row`) to `v`, nil when not allowed.
    @inline(__always)
    func duration(_ m: Int, from u: Int, row: Int, to v: Int) -> Double? {
        let zu = surface.elevation[u], zv = surface.elevation[v]
        guard let d = motion.seconds(length: lengths[row * neighbourhood.count + m], rise: Double(zv) - Double(zu)), d > 0 else { return nil }
        return d
    }

    /// The end of the parked family starting at `t0` at `c` (the cell's next state change, or the window
    /// end), nil when the rover may not park there at `t0`.
    @inline(__always)
    func parkedEnd(_ c: Int, from t0: Double) -> Double? {
        let tl = timeline
        guard t0 < tl.end, tl.parkingEnd(c, from: t0) > t0 else { return nil }
        return min(Double(tl.nextChange(c, afterStep: tl.stepIndex(t0))) * tl.step, tl.end)
    }

    /// Queues a family, made a parked one where the rover may park at its start, unless the latest families
    /// settled at its cell already cover it.
    @inline(__always)
    mutating func push(_ family: ArrivalFamily, fromMove: Bool = false) {
        var f = family
        let parkedAt = parkedEnd(Int(f.cell), from: f.t0)
        if let e = parkedAt {
            f.t1 = e
            f.shadowSlope = 0
            f.linkSlope = 0
            if fromMove {
                for p in parkedPushes where p.end == e && p.start <= f.t0 && p.shadow <= f.shadow + LightTimeline.eps && p.link <= f.link + LightTimeline.eps { return }
                parkedPushes.append((f.t0, e, f.shadow, f.link))
            }
        }
        if familyCap < Int.max && parkedAt == nil && Int(countAtCell[Int(f.cell)]) >= hardCap { dropped += 1; return }
        // (A cheap look; the full one when it is settled. Under a cap a parked family is queued even where a
        // pending family covers it: that one may be a drive family the cap drops, and parked ones are kept.)
        if !settled.covers(f, latest: 4) { heap.insert(f, mayBeCovered: familyCap == .max || parkedAt == nil) }
    }

    mutating func run(origin: Int, start: Double) {
        if familyCap < Int.max { countAtCell = [UInt16](repeating: 0, count: settled.head.count) }
        push(ArrivalFamily(t0: start, t1: start, shadow: 0, link: 0, shadowSlope: 0, linkSlope: 0, cell: Int32(origin), parent: -1))
        while var f = heap.popMin() {
            // (Every family still queued starts no earlier than this one's key, so none reaches a stop cell
            // before `stopArrival` any more.)
            if f.t0 >= stopArrival { stoppedAtTarget = true; break }
            let parked = parkedEnd(Int(f.cell), from: f.t0) != nil
            guard settled.trim(&f, keepStart: parked), parked || heap.trimEnd(&f) else { continue }
            if familyCap < Int.max && !parked {   // (parked families, one per state change, are always kept)
                let c = Int(f.cell)
                if Int(countAtCell[c]) >= familyCap {
                    guard Int(countAtCell[c]) < hardCap, !settled.covers(f, slack: capSlack) else { dropped += 1; continue }
                }
                countAtCell[c] += 1
            }
            guard settled.count < familyLimit else { stopped = true; break }
            if settled.count & 4095 == 0, let cancelled, cancelled() { stopped = true; break }
            let index = settled.append(f)
            if let stopCells, stopCells[Int(f.cell)] { stopArrival = min(stopArrival, f.t0); continue }
            expand(f, index: index, parked: parked)
        }
    }

    /// Expands a settled family: its stay at the cell goes on (`continueStay`), and per move every
    /// departure of the family (`expandMove`).
    mutating func expand(_ f: ArrivalFamily, index: Int32, parked: Bool) {
        guard f.t0 < timeline.end else { return }
        continueStay(f, index: index, parked: parked)
        let u = Int(f.cell), w = surface.width, height = surface.height
        let row = u / w, column = u % w
        for (m, offset) in neighbourhood.offsets.enumerated() {
            let r = row + Int(offset.x), col = column + Int(offset.y)
            guard r >= 0, r < height, col >= 0, col < w else { continue }
            let v = r * w + col
            guard surface.passable[v], let d = duration(m, from: u, row: row, to: v) else { continue }
            // Every arrival of the move lies in [t0 + d, t1 + d] with clocks of 0 or more: nothing to do where
            // the newest families settled at v cover that span with clocks of 0 (each arrival would be dropped
            // as covered when pushed).
            let span = ArrivalFamily(t0: f.t0 + d, t1: min(f.t1, timeline.end - d) + d, shadow: 0, link: 0, shadowSlope: 0, linkSlope: 0,
                                     cell: Int32(v), parent: -1)
            if settled.covers(span, latest: 4) { continue }
            expandMove(f, index: index, to: v, seconds: d)
        }
    }

    /// The stay at the family's cell after its members: parked across the cell's next state change (a
    /// family there), or idling from its last member at a dark cell that is no place to park.
    mutating func continueStay(_ f: ArrivalFamily, index: Int32, parked: Bool) {
        let u = Int(f.cell)
        let tl = timeline, end = tl.end, eps = LightTimeline.eps
        if parked {
            // Parked on across the cell's next state change: a family there (parked again, or idling in the
            // dark if the cell is no longer a place to park).
            if let change = parkedEnd(u, from: f.t0), f.t1 >= change - eps, change < end {
                var s = f.shadow, l = f.link
                tl.stay(u, from: f.t0, to: change, &s, &l)
                push(ArrivalFamily(t0: change, t1: change, shadow: s, link: l, shadowSlope: 0, linkSlope: 0, cell: f.cell, parent: index))
            }
        } else if f.t1 < end {
            // Idling at a dark cell that is no place to park, from the family's last member on: the clocks
            // grow as if driving (the shadow clock, and the link clock while out of contact), until a budget
            // runs out or the cell's state changes (a family there).
            var (s1, l1) = f.clocks(at: f.t1)
            let k = tl.stepIndex(f.t1)
            let linked = tl.state(tl.linked, u, k).on
            if linked { l1 = 0 }
            if tl.state(tl.lit, u, k).on { s1 = 0 }
            if tl.parkingEnd(u, from: f.t1) > f.t1 {
                push(ArrivalFamily(t0: f.t1, t1: f.t1, shadow: s1, link: l1, shadowSlope: 0, linkSlope: 0, cell: f.cell, parent: index))
            } else {
                let change = min(Double(tl.nextChange(u, afterStep: k)) * tl.step, end)
                var stop = min(change, f.t1 + (tl.maxShadow - s1))
                if !linked { stop = min(stop, f.t1 + (tl.maxLink - l1)) }
                if stop > f.t1 + eps {
                    push(ArrivalFamily(t0: f.t1, t1: stop, shadow: s1, link: l1, shadowSlope: 1, linkSlope: linked ? 0 : 1,
                                       cell: f.cell, parent: index))
                }
            }
        }
    }

    /// The move from the family's cell to `v` (`d` seconds) for every departure of the family: one family
    /// at `v` per stretch of departures with a fixed state pattern (its members keep the rules where affine
    /// bounds allow), plus the breakpoints themselves where they do better.
    mutating func expandMove(_ f: ArrivalFamily, index: Int32, to v: Int, seconds d: Double) {
        let u = Int(f.cell)
        let tl = timeline, end = tl.end, eps = LightTimeline.eps
        let h = d / 2
        var last = min(f.t1, end - d)
        if last < f.t0 { if last >= f.t0 - eps { last = f.t0 } else { return } }
        collectBreakpoints(f, from: u, to: v, seconds: d, last: last)
        parkedPushes.removeAll(keepingCapacity: true)
        // The breakpoints, exactly.
        exact.removeAll(keepingCapacity: true)
        for tau in points {
            var (s, l) = f.clocks(at: tau)
            exact.append(tl.move(u, v, at: tau, half: h, &s, &l) ? (s, l) : nil)
        }
        // Pieces between breakpoints: affine clocks, departures bounded by the rules. A piece is open:
        // where its bounds reach a breakpoint, the breakpoint joins the family only if it does no worse
        // than the piece's formula there (a stretch of the piece can vanish at its end, and with it a
        // reset), else the family stops just short of it.
        pieces.removeAll(keepingCapacity: true)
        var run: LightTimeline.PieceDrive? = nil
        for i in 0..<(points.count - 1) {
            let p0 = points[i], p1 = points[i + 1], tm = (p0 + p1) / 2
            let c = f.clocks(at: tm)
            guard var p = tl.drivePiece(u, v, from: p0, to: p1, half: h,
                                        shadow: AffineClock(value: c.shadow, slope: Double(f.shadowSlope)),
                                        link: AffineClock(value: c.link, slope: Double(f.linkSlope))) else { pieces.append(nil); continue }
            if p.lo <= p0 + eps && !Self.noWorse(exact[i], than: p, at: p0) { p.lo = p0 + Self.openEnd }
            if p.hi >= p1 - eps && !Self.noWorse(exact[i + 1], than: p, at: p1) { p.hi = p1 - Self.openEnd }
            guard p.lo <= p.hi else { pieces.append(nil); continue }
            pieces.append(p)
            // Consecutive pieces with the same affine clocks (a breakpoint upstream that changed the pattern
            // but not the outcome) make one family: fragments would multiply move after move.
            if let q = run, q.hi >= p.lo - eps, q.shadow.slope == p.shadow.slope, q.link.slope == p.link.slope,
               abs(q.shadow.at(p.lo - q.reference) - p.shadow.at(p.lo - p.reference)) <= eps,
               abs(q.link.at(p.lo - q.reference) - p.link.at(p.lo - p.reference)) <= eps {
                run!.hi = p.hi
            } else {
                if let q = run { pushPiece(q, seconds: d, to: v, parent: index) }
                run = p
            }
        }
        if let q = run { pushPiece(q, seconds: d, to: v, parent: index) }
        // The breakpoints themselves, where they do better than the pieces beside them.
        for i in 0..<points.count {
            guard let (s, l) = exact[i] else { continue }
            let tau = points[i]
            if i > 0, let p = pieces[i - 1], p.hi >= tau - eps, Self.noWorse(p, than: (s, l), at: tau) { continue }
            if i < pieces.count, let p = pieces[i], p.lo <= tau + eps, Self.noWorse(p, than: (s, l), at: tau) { continue }
            push(ArrivalFamily(t0: tau + d, t1: tau + d, shadow: s, link: l, shadowSlope: 0, linkSlope: 0, cell: Int32(v), parent: index),
                 fromMove: true)
        }
    }

    /// Queues the family at `v` of the departures of piece `p` (a move of `d` seconds).
    @inline(__always)
    mutating func pushPiece(_ p: LightTimeline.PieceDrive, seconds d: Double, to v: Int, parent: Int32) {
        let dt = p.lo - p.reference
        push(ArrivalFamily(t0: p.lo + d, t1: p.hi + d, shadow: max(0, p.shadow.at(dt)), link: max(0, p.link.at(dt)),
                           shadowSlope: Float(p.shadow.slope), linkSlope: Float(p.link.slope), cell: Int32(v), parent: parent),
             fromMove: true)
    }

    /// The departures in [f.t0, last] where the move's state pattern changes, in order, into `points`
    /// (f.t0 and `last` included): the switch instant meets a change of u or v, or the arrival meets a
    /// change of v.
    mutating func collectBreakpoints(_ f: ArrivalFamily, from u: Int, to v: Int, seconds d: Double, last: Double) {
        let tl = timeline, eps = LightTimeline.eps, h = d / 2
        points.removeAll(keepingCapacity: true)
        points.append(f.t0)
        if last > f.t0 {
            let first = points.count
            tl.changes(of: u, after: f.t0 + h, before: last + h, into: &points)
            tl.changes(of: v, after: f.t0 + h, before: last + h, into: &points)
            for i in first..<points.count { points[i] -= h }
            let arrivals = points.count
            tl.changes(of: v, after: f.t0 + d, before: last + d, into: &points)
            for i in arrivals..<points.count { points[i] -= d }
            points.append(last)
            if points.count > 2 { points.sort() }
            var kept = 1
            for i in 1..<points.count where points[i] > points[kept - 1] + eps { points[kept] = points[i]; kept += 1 }
            if kept > 1 && points[kept - 1] < last { points[kept - 1] = last }
            points.removeLast(points.count - kept)
        }
    }

    /// How far (seconds) a family stops short of a breakpoint it may not include.
    static let openEnd = 1e-5

    /// Whether the exact clocks at breakpoint `tau` are no larger than the piece's formula there.
    @inline(__always)
    static func noWorse(_ exact: (Double, Double)?, than p: LightTimeline.PieceDrive, at tau: Double) -> Bool {
        guard let (s, l) = exact else { return false }
        let dt = tau - p.reference
        return s <= p.shadow.at(dt) + LightTimeline.eps && l <= p.link.at(dt) + LightTimeline.eps
    }

    /// Whether the piece's formula at `tau` is no larger than the exact clocks there.
    @inline(__always)
    static func noWorse(_ p: LightTimeline.PieceDrive, than exact: (Double, Double), at tau: Double) -> Bool {
        let dt = tau - p.reference
        return p.shadow.at(dt) <= exact.0 + LightTimeline.eps && p.link.at(dt) <= exact.1 + LightTimeline.eps
    }

    func result() -> ArrivalSearch {
        let n = settled.head.count
        var arrival = [Double](repeating: .infinity, count: n)
        var first = [Int32](repeating: -1, count: n)
        for i in 0..<settled.count where settled[i].t0 < arrival[Int(settled[i].cell)] {   // (trimmed families settle out of order)
            first[Int(settled[i].cell)] = Int32(i)
            arrival[Int(settled[i].cell)] = settled[i].t0
        }
        return ArrivalSearch(field: ArrivalField(width: surface.width, height: surface.height, arrivalSeconds: arrival),
                             surface: surface, motion: motion, timeline: timeline, families: settled, first: first,
                             droppedFamilies: dropped, stoppedAtLimit: stopped, stoppedAtTarget: stoppedAtTarget)
    }
}
