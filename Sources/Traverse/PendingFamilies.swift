import HeapModule

/// The families waiting to be settled: a swift-collections `Heap` in the families' order (earliest member,
/// then the smaller sum of the clocks: `ArrivalFamily.<`), each family also in a list of the pending
/// families at its cell (a pool with reused slots).
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
    /// A heap entry: the family itself (popping reads no pool) and its slot in the lists (-1: none).
    struct Entry: Comparable {
        var family: ArrivalFamily
        var slot: Int32

        @inline(__always) static func < (a: Entry, b: Entry) -> Bool { a.family < b.family }
        @inline(__always) static func == (a: Entry, b: Entry) -> Bool { a.family == b.family }
    }

    private var heap = Heap<Entry>()
    /// The pending families by slot, for the per-cell lists.
    private var pool: [ArrivalFamily] = []
    /// Per slot, the neighbours in its cell's list (-1: none); free slots are chained through `next`.
    private var next: [Int32] = []
    private var previous: [Int32] = []
    private var head: [Int32]
    private var free: Int32 = -1
    /// Whether the per-cell lists are kept: not where every family is a parked one (every cell a haven),
    /// which `trimEnd` never cuts.
    private let lists: Bool

    init(cellCount: Int, lists: Bool = true) {
        self.lists = lists
        head = [Int32](repeating: -1, count: lists ? cellCount : 0)
    }

    var count: Int { heap.count }

    mutating func insert(_ f: ArrivalFamily) {
        guard lists else { heap.insert(Entry(family: f, slot: -1)); return }
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
        guard lists else { return e.family }
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
        guard lists else { return true }
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
