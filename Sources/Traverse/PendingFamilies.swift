/// The families waiting to be settled: a swift-collections `Heap` per bucket of start times (`BucketedHeap`),
/// in the families' order (`ArrivalFamily.<`: earliest member first), each family also in a list of the
/// pending families at its cell (a pool with reused slots).
///
/// The per-cell lists let a family being settled be cut where a family still pending at its cell covers
/// its members to its end (`trimEnd`). A pending family starts no earlier (the heap's order), so it can only
/// cover a later part; families settle in order of their earliest member, and one that starts a little
/// earlier with larger clocks used to be settled and expanded whole before the later one that beats it
/// over the rest of its span: its expansion multiplied those members, move after move. Cutting them is
/// exact: every pending family is reached by a route that keeps the rules, and whatever later covers the
/// pending family covers the cut members too (covering is transitive). On the 512^2 VIPER-class search over
/// 10 days: 1,382,868 families settled before, 543,327 after, the same arrivals at every cell.
struct PendingFamilies {
    /// A heap entry: the family itself (popping reads no pool) and its slot in the lists.
    struct Entry: BucketKeyed {
        var family: ArrivalFamily
        var slot: Int32

        @inline(__always) static func < (a: Entry, b: Entry) -> Bool { a.family < b.family }
        @inline(__always) static func == (a: Entry, b: Entry) -> Bool { a.family == b.family }
        var bucketKey: Double { family.t0 }
    }

    private var heap: BucketedHeap<Entry>
    /// The pending families by slot, for the per-cell lists.
    private var pool: [ArrivalFamily] = []
    /// Per slot, the neighbours in its cell's list (-1: none); free slots are chained through `next`.
    private var next: [Int32] = []
    private var previous: [Int32] = []
    private var head: [Int32]
    private var free: Int32 = -1

    /// - Parameter bucketSeconds: the width of the heap's buckets (`BucketedHeap`).
    init(cellCount: Int, bucketSeconds: Double) {
        heap = BucketedHeap(width: bucketSeconds)
        head = [Int32](repeating: -1, count: cellCount)
    }

    var count: Int { heap.count }

    /// Queues `f` unless one of the 16 newest families pending at its cell covers all of it (starts no later,
    /// with no larger clocks over all of f's span): `f` would be settled after it and dropped as covered then,
    /// so skipping it now gives the same search without the queue's work (exact for the same reasons as
    /// `trimEnd`). Where a large region changes state at one step, every neighbour of a cell pushes a family
    /// at that cell's change: on the 2048^2 30-day traverse up to 756,000 families were pending at one
    /// instant, and popping them took 13 % of the run; with this look, at most 72,000.
    /// `mayBeCovered` false queues `f` whatever covers it: a capped search keeps every parked family, and
    /// the family covering it might be a drive family that the cap drops.
    mutating func insert(_ f: ArrivalFamily, mayBeCovered: Bool = true) {
        let eps = LightTimeline.eps
        var i = mayBeCovered ? head[Int(f.cell)] : -1, looked = 0
        while i >= 0 && looked < 16 {
            let b = pool[Int(i)]
            i = next[Int(i)]
            looked += 1
            if b.t0 <= f.t0, let c = b.coverage(of: f), c.lo <= f.t0, c.hi >= f.t1 - eps { return }
        }
        let slot: Int32
        if free >= 0 {
            slot = free
            free = next[Int(slot)]
            pool[Int(slot)] = f
        } else {
            slot = Int32(pool.count)
            pool.append(f)
            next.append(-1)
            previous.append(-1)
        }
        let c = Int(f.cell), s = Int(slot)
        next[s] = head[c]
        previous[s] = -1
        if head[c] >= 0 { previous[Int(head[c])] = slot }
        head[c] = slot
        heap.insert(Entry(family: f, slot: slot))
    }

    /// The least pending family, out of the heap and its cell's list.
    mutating func popMin() -> ArrivalFamily? {
        guard let e = heap.popMin() else { return nil }
        let s = Int(e.slot)
        let p = previous[s], n = next[s]
        if p >= 0 { next[Int(p)] = n } else { head[Int(e.family.cell)] = n }
        if n >= 0 { previous[Int(n)] = p }
        next[s] = free
        free = e.slot
        return e.family
    }

    /// Cuts `f` (out of the heap, a drive or idle family: not a parked one) where a family pending at its
    /// cell covers its members to its end; false when one covers all of them. A parked family is never cut:
    /// once settled it covers every later arrival at its cell with the same clocks (one that lasts to the
    /// window's end, all of them), and cutting it for a later one would split it into slivers instead, each
    /// cut again by the next arrival (on a grid lit and linked throughout, without end).
    func trimEnd(_ f: inout ArrivalFamily) -> Bool {
        let eps = LightTimeline.eps
        var i = head[Int(f.cell)]
        while i >= 0 {
            let b = pool[Int(i)]
            i = next[Int(i)]
            guard b.t0 <= f.t1 + eps,
                  let c = b.coverage(of: f),
                  c.hi >= f.t1 - eps else { continue }
            // All of it only when the cover reaches its very start (a pending family starts no earlier, and
            // one that starts within eps later would lose the earliest member); no cut that leaves less than
            // eps (a stay continued from such an end would be cut again, and again, in ever smaller steps).
            if c.lo <= f.t0 { return false }
            if c.lo > f.t0 + eps && c.lo < f.t1 { f.t1 = c.lo }
        }
        return true
    }
}
