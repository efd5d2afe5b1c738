import FarSideCore

/// A family of labels (see `EarliestArrival` and docs/methods/earliest-arrival.md): the rover can be at
/// `cell` at any time τ in [t0, t1], its driving clocks then being `shadow + shadowSlope * (τ - t0)` and
/// `link + linkSlope * (τ - t0)`. Where it may park (lit, or a haven) the family runs to the cell's next
/// state change with slopes 0 (parked time is free); elsewhere it is a drive that the rover could have
/// begun later at its last parking place, the whole route shifted in time with the same state pattern.
/// In the heap: 48 bytes. Ordered by the earliest member, then the smaller sum of the clocks there, then the
/// longer family (settled first, it covers the shorter one with the same start and clocks).
struct ArrivalFamily: Comparable {
    var t0: Double
    var t1: Double
    var shadow: Double
    var link: Double
    var shadowSlope: Float
    var linkSlope: Float
    var cell: Int32
    var parent: Int32

    static func < (a: ArrivalFamily, b: ArrivalFamily) -> Bool {
        if a.t0 != b.t0 { return a.t0 < b.t0 }
        let sa = a.shadow + a.link, sb = b.shadow + b.link
        return sa < sb || (sa == sb && a.t1 > b.t1)
    }
    static func == (a: ArrivalFamily, b: ArrivalFamily) -> Bool { !(a < b) && !(b < a) }

    /// The members of `f` that this family covers (same times, clocks no larger, up to `slack`): an
    /// interval, as the clock differences are affine in time; nil when none.
    @inline(__always)
    func coverage(of f: ArrivalFamily, slack: (shadow: Double, link: Double) = (0, 0)) -> (lo: Double, hi: Double)? {
        let eps = LightTimeline.eps
        var lo = max(f.t0, t0), hi = min(f.t1, t1)
        guard lo <= hi + eps else { return nil }
        let x = lo
        // g(τ) = clock_a(τ) - clock_f(τ) <= eps, for both clocks.
        @inline(__always) func bound(_ va: Double, _ ka: Float, _ vf: Double, _ kf: Float, _ slack: Double) -> Bool {
            let slope = Double(ka) - Double(kf)
            let g = va + Double(ka) * (x - t0) - vf - Double(kf) * (x - f.t0) - slack
            if slope == 0 { return g <= eps }
            let root = x + (eps - g) / slope
            if slope > 0 { hi = min(hi, root) } else { lo = max(lo, root) }
            return true
        }
        guard bound(shadow, shadowSlope, f.shadow, f.shadowSlope, slack.shadow),
              bound(link, linkSlope, f.link, f.linkSlope, slack.link) else { return nil }
        return lo <= hi + eps ? (lo, hi) : nil
    }

    /// The clocks of the member at `tau`.
    @inline(__always)
    func clocks(at tau: Double) -> (shadow: Double, link: Double) {
        (shadow + Double(shadowSlope) * (tau - t0), link + Double(linkSlope) * (tau - t0))
    }

    /// Moves the start to `tau` (within the family), keeping every member.
    @inline(__always)
    mutating func trimStart(to tau: Double) {
        let c = clocks(at: tau)
        shadow = c.shadow
        link = c.link
        t0 = tau
    }
}

/// One settled family, as stored: the family and its two links (56 bytes), so a walk down a cell's list
/// (the covering tests, most of the search's time after the heap) loads one or two cache lines per family.
struct SettledFamily {
    var family: ArrivalFamily
    /// The next older family at the same cell (-1: none).
    var nextAtCell: Int32
    /// The nearest older family at the same cell that ends later than this one (-1: none): every family
    /// between them ends no later than this one, so a walk looking for families that reach a time this one
    /// ends before jumps there (the "previous greater element" chain, kept in amortised O(1) per append as
    /// with a monotonic stack).
    var olderEndingLater: Int32
}

/// The settled families, in settle order, with a per-cell list, newest first, and jumps over families
/// that end too early to matter. The covering walks (`covers`, `trim`) only need families that reach the
/// start of the family tested; on the 512^2 10-day VIPER-class search 55 % of the families they walked
/// ended before it (137 M visits for 1.38 M families settled), and those are now jumped over.
struct SettledFamilies {
    private(set) var records: [SettledFamily] = []
    /// Per cell, its latest settled family (-1: none).
    var head: [Int32]

    init(cellCount: Int) { head = [Int32](repeating: -1, count: cellCount) }

    var count: Int { records.count }

    @inline(__always) subscript(i: Int) -> ArrivalFamily { records[i].family }

    @inline(__always)
    mutating func append(_ f: ArrivalFamily) -> Int32 {
        let index = Int32(records.count), c = Int(f.cell), older = head[c]
        var later = older
        while later >= 0 && records[Int(later)].family.t1 <= f.t1 { later = records[Int(later)].olderEndingLater }
        records.append(SettledFamily(family: f, nextAtCell: older, olderEndingLater: later))
        head[c] = index
        return index
    }

    /// The members of `f` that settled family `a` covers (same times, clocks no larger): an interval, as
    /// the clock differences are affine in time; nil when none.
    @inline(__always)
    func coverage(of f: ArrivalFamily, by a: Int, slack: (shadow: Double, link: Double) = (0, 0)) -> (lo: Double, hi: Double)? {
        records[a].family.coverage(of: f, slack: slack)
    }

    /// Whether settled families at `f`'s cell cover every member of `f`, looking at the `latest` settled
    /// there (all by default), with clocks up to `slack` larger allowed (0: exact covering).
    func covers(_ f: ArrivalFamily, latest: Int = .max, slack: (shadow: Double, link: Double) = (0, 0)) -> Bool {
        var i = head[Int(f.cell)], seen = 0
        while i >= 0 && seen < latest {
            seen += 1
            let a = Int(i)
            // (A full walk jumps over families that end before `f`; a short look just takes the newest.)
            if latest == .max && records[a].family.t1 < f.t0 - LightTimeline.eps { i = records[a].olderEndingLater; continue }
            i = records[a].nextAtCell
            if let c = coverage(of: f, by: a, slack: slack), c.lo <= f.t0 + LightTimeline.eps, c.hi >= f.t1 - LightTimeline.eps { return true }
        }
        return false
    }

    /// Removes from `f` the members that settled families cover at its start or its end (only at its end
    /// when `keepStart`: a parked family's start is its arrival); false when nothing is left.
    func trim(_ f: inout ArrivalFamily, keepStart: Bool) -> Bool {
        let eps = LightTimeline.eps
        var changed = true, passes = 0
        while changed && passes < 3 {
            changed = false
            passes += 1
            var i = head[Int(f.cell)]
            while i >= 0 {
                let a = Int(i)
                if records[a].family.t1 < f.t0 - eps { i = records[a].olderEndingLater; continue }   // ends before f: no cover
                i = records[a].nextAtCell
                guard let c = coverage(of: f, by: a) else { continue }
                let fromStart = c.lo <= f.t0 + eps, toEnd = c.hi >= f.t1 - eps
                if fromStart && toEnd { return false }
                // (Cuts only shrink the family: the cover's ends are within eps, and moving an end outwards
                // would make members that no route has, and let a continued stay be cut again forever.)
                if toEnd && c.lo > f.t0 + eps && c.lo < f.t1 {
                    f.t1 = c.lo
                    changed = true
                } else if fromStart && !keepStart && c.hi < f.t1 - eps && c.hi > f.t0 {
                    f.trimStart(to: c.hi)
                    changed = true
                }
            }
        }
        return true
    }
}
