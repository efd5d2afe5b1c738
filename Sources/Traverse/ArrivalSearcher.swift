import FarSideCore
import HeapModule

/// A label waiting in the heap (see `EarliestArrival`): 24 bytes.
struct PendingLabel: Comparable {
    var time: Double
    var cell: Int32
    var parent: Int32
    var shadow: Float
    var link: Float

    static func < (a: PendingLabel, b: PendingLabel) -> Bool { a.time < b.time }
    static func == (a: PendingLabel, b: PendingLabel) -> Bool { a.time == b.time }
}

/// The settled labels (struct of arrays, 28 bytes each) and the search loop.
struct ArrivalSearcher {
    let surface: TraverseSurface
    let motion: RoverMotion
    let neighbourhood: Neighbourhood
    let timeline: LightTimeline
    /// Planimetric length of move `m` from row `r`: `lengths[r * moves + m]`.
    let lengths: [Double]

    var cell: [Int32] = []
    var time: [Double] = []
    var shadow: [Float] = []
    var link: [Float] = []
    var parent: [Int32] = []
    var nextAtCell: [Int32] = []
    /// Per cell, its latest settled label (-1: none).
    var head: [Int32]
    var heap = Heap<PendingLabel>()
    /// Candidate departures of the move being expanded (reused: no allocation per label).
    var candidates: [Double] = []

    init(surface: TraverseSurface, motion: RoverMotion, neighbourhood: Neighbourhood, timeline: LightTimeline) {
        self.surface = surface
        self.motion = motion
        self.neighbourhood = neighbourhood
        self.timeline = timeline
        head = [Int32](repeating: -1, count: surface.width * surface.height)
        var lengths: [Double] = []
        lengths.reserveCapacity(surface.height * neighbourhood.count)
        for r in 0..<surface.height {
            for o in neighbourhood.offsets {
                let other = r + Int(o.x)
                lengths.append(other >= 0 && other < surface.height ? Neighbourhood.length(o, row: r, metrics: surface.metrics) : 0)
            }
        }
        self.lengths = lengths
        candidates.reserveCapacity(64)
    }

    /// Duration of move `m` from `u` (row `row`) to `v`, nil when not allowed.
    @inline(__always)
    func duration(_ m: Int, from u: Int, row: Int, to v: Int) -> Double? {
        let zu = surface.elevation[u], zv = surface.elevation[v]
        guard let d = motion.seconds(length: lengths[row * neighbourhood.count + m], rise: Double(zv) - Double(zu)), d > 0 else { return nil }
        return d
    }

    /// Whether a settled label at `c` makes (t, s, l) useless: no later, clocks no larger after parking
    /// from its time to t (parking allowed throughout).
    /// A wait label (`wait`) is pruned only by a label settled at the same time: an earlier label covers
    /// later departures through its own wait labels, which must therefore not be pruned by it.
    func dominated(_ c: Int, _ t: Double, _ s: Float, _ l: Float, wait: Bool) -> Bool {
        var i = head[c]
        while i >= 0 {
            let a = Int(i)
            i = nextAtCell[a]
            let ta = time[a]
            var sa = shadow[a], la = link[a]
            if sa > s && la > l { continue }
            if t - ta > LightTimeline.eps {
                guard !wait else { continue }
                // Where the rover may not park, an earlier label with no larger clocks is still taken to
                // cover a later one (the plain label-setting rule): not exact (see KNOWN GAP), but without
                // it labels at dark non-haven cells never dominate each other and their number explodes.
                if timeline.parkingEnd(c, from: ta) >= t - LightTimeline.eps {
                    var ds = Double(sa), dl = Double(la)
                    timeline.parked(c, from: ta, to: t, &ds, &dl)
                    sa = Float(ds); la = Float(dl)
                }
            } else if ta - t > LightTimeline.eps { continue }
            if sa <= s && la <= l { return true }
        }
        return false
    }

    @inline(__always)
    mutating func push(_ c: Int, _ t: Double, _ s: Double, _ l: Double, parent: Int32, wait: Bool = false) {
        let sf = Float(s), lf = Float(l)
        if !dominated(c, t, sf, lf, wait: wait) {
            heap.insert(PendingLabel(time: t, cell: Int32(c), parent: parent, shadow: sf, link: lf))
        }
    }

    mutating func run(origin: Int, start: Double) {
        heap.insert(PendingLabel(time: start, cell: Int32(origin), parent: -1, shadow: 0, link: 0))
        while let p = heap.popMin() {
            let c = Int(p.cell)
            if dominated(c, p.time, p.shadow, p.link, wait: p.parent >= 0 && cell[Int(p.parent)] == p.cell) { continue }
            let li = Int32(cell.count)
            cell.append(p.cell); time.append(p.time); shadow.append(p.shadow); link.append(p.link)
            parent.append(p.parent); nextAtCell.append(head[c])
            head[c] = li
            expand(p, index: li)
        }
    }

    /// Expands a settled label: a wait label at the cell's next state change (when the rover may park
    /// across it), and per move the best departure in each stretch of constant state pattern.
    mutating func expand(_ p: PendingLabel, index li: Int32) {
        let u = Int(p.cell), a = p.time
        let tl = timeline, step = tl.step, end = tl.end
        guard a < end else { return }
        let ka = tl.stepIndex(a)
        let bu = Double(tl.nextChange(u, afterStep: ka)) * step
        let parkEnd = tl.parkingEnd(u, from: a)
        let stretchEnd = parkEnd > a ? min(bu, end) : a
        if parkEnd >= bu && bu < end && tl.parkingEnd(u, from: bu) > bu {
            var s = Double(p.shadow), l = Double(p.link)
            tl.parked(u, from: a, to: bu, &s, &l)
            push(u, bu, s, l, parent: li, wait: true)
        }
        let w = surface.width, height = surface.height
        let row = u / w, column = u % w
        for (m, offset) in neighbourhood.offsets.enumerated() {
            let r = row + Int(offset.x), col = column + Int(offset.y)
            guard r >= 0, r < height, col >= 0, col < w else { continue }
            let v = r * w + col
            guard surface.passable[v], let d = duration(m, from: u, row: row, to: v) else { continue }
            guard a + d <= end + LightTimeline.eps else { continue }
            let h = d / 2
            // Candidate departures: at once, and (while parking is allowed) where the move's state pattern
            // changes: the switch instant meets u's change, or the switch / arrival meets a change of v.
            candidates.removeAll(keepingCapacity: true)
            candidates.append(a)
            if stretchEnd > a {
                if bu - h > a && bu - h < stretchEnd { candidates.append(bu - h) }
                var k = tl.stepIndex(a + h)
                while k < tl.stepCount {
                    let kc = tl.nextChange(v, afterStep: k)
                    if kc >= tl.stepCount { break }
                    let bv = Double(kc) * step
                    if bv > stretchEnd + d { break }
                    if bv - h > a && bv - h < stretchEnd { candidates.append(bv - h) }
                    if bv - d > a && bv - d < stretchEnd { candidates.append(bv - d) }
                    k = kc
                }
                if candidates.count > 2 { candidates.sort() }
            }
            var i = 0
            while i < candidates.count {
                var tau = candidates[i]
                i += 1
                while i < candidates.count && candidates[i] <= tau { i += 1 }
                let last = i == candidates.count
                let limit = last ? stretchEnd : candidates[i]
                // The earliest departure of this stretch that keeps the rules: where the first stretch of a
                // clock overshoots, departing later by the overshoot shortens it (parked time is free).
                for _ in 0..<4 {
                    if tau + d > end + LightTimeline.eps { break }
                    var s = Double(p.shadow), l = Double(p.link)
                    if tau > a { tl.parked(u, from: a, to: tau, &s, &l) }
                    if let o = tl.move(u, v, at: tau, half: h, &s, &l) {
                        if stretchEnd <= a {
                            // No parking here: the drive's start moves later, by the overshoot when that
                            // mends it, at most to the next change of this move's state pattern.
                            let k0 = tl.stepIndex(a), kh = tl.stepIndex(a + h), kd = tl.stepIndex(a + d)
                            var x = Double(tl.nextChange(u, afterStep: k0)) * step - a
                            x = min(x, Double(tl.nextChange(u, afterStep: kh)) * step - a - h)
                            x = min(x, Double(tl.nextChange(v, afterStep: kh)) * step - a - h)
                            x = min(x, Double(tl.nextChange(v, afterStep: kd)) * step - a - d)
                            if o.mendable { x = min(x, o.excess) }
                            if x > LightTimeline.eps && a + d + x <= end { requestLaterDeparture(from: li, by: x) }
                            break
                        }
                        guard o.mendable else { break }
                        tau += o.excess
                        if last ? tau > limit : tau >= limit { break }
                        continue
                    }
                    push(v, tau + d, s, l, parent: li)
                    break
                }
            }
        }
    }

    /// A label at a cell where the rover may not park failed a move by an overshoot that a later start of
    /// its drive would shorten: the drive's last parking place (the anchor) departs that much later on the
    /// drive's first move (a new label, searched like any other, possibly earlier than the heap's time).
    mutating func requestLaterDeparture(from x: Int32, by e: Double) {
        let tl = timeline
        var child = Int(x), y = Int(parent[Int(x)])
        while y >= 0 && tl.parkingEnd(Int(cell[y]), from: time[y]) <= time[y] { child = y; y = Int(parent[y]) }
        guard y >= 0 else { return }
        let u = Int(cell[y]), c1 = Int(cell[child]), w = surface.width
        guard u != c1 else { return }
        let offset = SIMD2<Int32>(Int32(c1 / w - u / w), Int32(c1 % w - u % w))
        guard let m = neighbourhood.offsets.firstIndex(of: offset), let d = duration(m, from: u, row: u / w, to: c1) else { return }
        var tau = time[child] - d + e
        let parkEnd = tl.parkingEnd(u, from: time[y])
        for _ in 0..<4 {
            guard tau <= parkEnd + LightTimeline.eps, tau + d <= tl.end + LightTimeline.eps else { return }
            var s = Double(shadow[y]), l = Double(link[y])
            tl.parked(u, from: time[y], to: tau, &s, &l)
            if let o = tl.move(u, c1, at: tau, half: d / 2, &s, &l) {
                guard o.mendable else { return }
                tau += o.excess
                continue
            }
            push(c1, tau + d, s, l, parent: Int32(y))
            return
        }
    }

    func result() -> ArrivalSearch {
        let n = head.count
        var arrival = [Double](repeating: .infinity, count: n)
        var first = [Int32](repeating: -1, count: n)
        for i in 0..<cell.count where time[i] < arrival[Int(cell[i])] {   // (re-departures settle out of order)
            first[Int(cell[i])] = Int32(i)
            arrival[Int(cell[i])] = time[i]
        }
        return ArrivalSearch(field: ArrivalField(width: surface.width, height: surface.height, arrivalSeconds: arrival),
                             surface: surface, motion: motion, timeline: timeline, cell: cell, time: time,
                             shadow: shadow, link: link, parent: parent, first: first)
    }
}
