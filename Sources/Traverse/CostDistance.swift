import Foundation
import FarSideCore
import CKernelShims
import HeapModule

/// Static cost distance: the least accumulated cost of moving from the nearest of a set of source cells to
/// every cell of a `TraverseSurface`, as GRASS `r.cost` and scikit-image's `MCP_Geometric.find_costs`,
/// with the rover's own move costs (`RoverMotion`), which may differ uphill and downhill.
///
/// The grid is a graph: one node per passable cell, one edge u -> v per move of the `Neighbourhood` whose
/// two end cells are passable (a diagonal or knight's move may cut the corner of an impassable cell, as in
/// r.cost and MCP) and whose cost `motion.cost(length:rise:)` exists, with
/// - length = `Neighbourhood.length(offset, row: row(u), metrics:)` (the planimetric length from the
///   per-row cell sizes, symmetric on geographic grids),
/// - rise = `Double(elevation[v]) - Double(elevation[u])` (in Double, so a move and its reverse have
///   opposite rises exactly).
/// A move whose cost is NaN or infinite (a speed of 0) is not allowed; a negative cost (an energy table
/// that regenerates downhill) is taken as 0, since a label-setting search needs non-negative edges.
///
/// The search is Dijkstra's (1959) label-setting algorithm, exact in Double: every cell's cost is the
/// least sum, in Double, of the move costs along a path, accumulated in the order of the path (a cell's
/// cost is its predecessor's cost plus the move's cost), each cell settled once; the result holds it
/// rounded to the nearest Float. Two implementations of the priority queue:
/// - Few distinct edge weights (`RoverMotion.uniformCostPerMetre` non-nil, the distance objective, and
///   metrics constant over the rows, a projected grid): one FIFO queue (`FIFORing`, a ring buffer) per
///   distinct move length. An entry pushed to queue k has key = (the popped key) + w_k, and popped keys
///   never decrease, so every queue stays sorted and the minimum is the least of K heads: exact Dijkstra
///   in O(m + nK) time for K distinct weights, no heap (Dinitz 1978, "Economical algorithms for finding
///   shortest paths in a network"; the "Dijkstra with few distinct edge lengths" queue, also in
///   Ahuja, Magnanti & Orlin, "Network Flows", 1993, and Cherkassky, Goldberg & Radzik 1996). K is 2
///   (8 neighbours on square cells) to 8 (16 neighbours on rectangular cells).
/// - Otherwise (time and energy objectives, anisotropic; geographic grids whose dx changes per row): a
///   binary min-max heap (swift-collections `Heap`) of (key, cell), O(m log n).
///
/// Float storage, Double keys: the queue entries carry the Double costs; the grid holds 4 bytes a cell.
/// A tentative cost is stored as the least Float at or above it (`storedAbove`). A settled cell holds its
/// final cost rounded to nearest and negated (-0 for a source): no move improves on a negative number,
/// and the first pop of a cell, always its least key, settles it; later entries for it find the sign set
/// and are skipped (lazy deletion). The two queues differ in what they push:
/// - the heap pushes every strict improvement in Double (`new < Double(stored)`, which the rounding up
///   never hides): its result is the exact Double search's, rounded once to Float (tested equal, to the
///   bit, to an independent Double Dijkstra);
/// - the FIFO queues push a candidate only when its stored Float is below the cell's (`storedAbove(new) <
///   stored`). With few distinct move lengths a cell's candidates are mostly the same moves summed in
///   another order, equal or a Double rounding apart: pushing those (as the exact test does) doubled the
///   entries on 4096 x 4096 (11.7 M duplicates for 12.3 M cells) and the search time by half. Two
///   candidates within one Float step of each other are kept as the first that came, so a cost may differ
///   from the exact Double search's by the rounding of the Float it is written as; on the 4096 x 4096
///   benchmark grid the written costs are bit-identical to the exact Double search's, and the random-
///   surface test finds them equal to the independent Dijkstra's, rounded, on every cell.
///
/// Memory: the cost array (4 bytes per cell, on a grid padded with `reach` rows and columns of NaN
/// sentinels so the inner loop needs no border tests: a NaN cost, padding or impassable, fails every
/// `new < cost` test) and the queues, which hold only the frontier (16 bytes an entry). No predecessor
/// array: routes are traced back from the costs afterwards (`RouteTrace`). The padded array is compacted
/// in place into the result: 4 bytes per cell in all, plus the frontier and, on the heap path, a per-row
/// table of move lengths. (With 8-byte Double costs `farside traverse` on 4096 x 4096 peaked at 298 MB;
/// with these, 4 bytes per cell less.)
///
/// Speed (the FIFO path): the pops hop along the whole wavefront, whose rows on a large grid do not fit
/// in the L2 cache, so each pop's three (five with 16 neighbours) rows are prefetched 8 entries ahead in
/// its queue (the queues are FIFO: the next pops are known), the cost array sits on transparent huge
/// pages where Linux grants them (fewer TLB misses), and the relaxation of a cell's moves is branch-free.
/// Single source, 4096 x 4096, 8 neighbours, distance: about 0.45 s of CPU on one core of the 2-core
/// development machine (0.65 s without the prefetch, 0.7 s with swift-collections' `Deque`), against
/// 7.8 s for scikit-image's MCP_Geometric on the same machine.
public enum CostDistance {
    /// The priority queue of the search. `automatic` picks the FIFO queues when the edge weights take few
    /// distinct values (see the type's documentation), else the heap; forcing one is for tests and timings
    /// (`buckets` on a grid that does not qualify falls back to the heap).
    public enum Method: String, Sendable, CaseIterable { case automatic, buckets, heap }

    /// Least cost from the nearest source to every cell.
    ///
    /// - Parameters:
    ///   - sources: cell indices (row * width + column), all at cost 0. An index outside the grid is a
    ///     precondition failure; an impassable source is skipped (it stays unreachable, cost infinity, and
    ///     starts nothing): callers that must refuse it check `surface.isPassable` first. Duplicates are
    ///     harmless.
    ///   - costLimit: the search stops at this cost: cells whose least cost exceeds it are +infinity (as
    ///     r.cost `max_cost`); cells at or under it are exact.
    ///   - threads: threads that fill the cost array before the search (the search itself is sequential).
    public static func compute(surface: TraverseSurface, sources: [Int], motion: RoverMotion,
                               neighbourhood: Neighbourhood, costLimit: Double = .infinity,
                               method: Method = .automatic, threads: Int = 1) -> CostField {
        let width = surface.width, height = surface.height
        let cellCount = width * height
        let layout = PaddedLayout(width: width, height: height, reach: neighbourhood.reach)
        var cost = initialCosts(layout: layout, surface: surface, threads: threads)
        var seeds: [Int] = []
        cost.withUnsafeMutableBufferPointer { c in
            for s in sources {
                precondition(s >= 0 && s < cellCount, "cost distance: source cell \(s) is outside the \(width) x \(height) grid")
                let p = layout.padded(s, width: width)
                if c[p] == .infinity {
                    c[p] = 0
                    seeds.append(s)
                }
            }
        }
        if !seeds.isEmpty {
            let lengths = method == .heap ? nil : uniformLengths(surface: surface, motion: motion, neighbourhood: neighbourhood)
            if let lengths {
                bucketSearch(cost: &cost, layout: layout, surface: surface, seeds: seeds, motion: motion,
                             neighbourhood: neighbourhood, lengths: lengths, costLimit: costLimit)
            } else {
                heapSearch(cost: &cost, layout: layout, surface: surface, seeds: seeds, motion: motion,
                           neighbourhood: neighbourhood, costLimit: costLimit)
            }
        }
        compact(&cost, layout: layout, width: width, height: height, threads: threads)
        cost.removeLast(cost.count - cellCount)
        return CostField(width: width, height: height, cost: cost, sources: seeds)
    }

    /// The Float a tentative cost is stored as: the least Float at or above the Double `cost`, so a later
    /// candidate below `cost` in Double is also below the stored value (`new < Double(stored)`): no strict
    /// improvement is lost to the rounding. A candidate within one Float step above `cost` passes too; it is
    /// a duplicate entry, skipped as stale when popped after the cell has settled.
    @inline(__always) static func storedAbove(_ cost: Double) -> Float {
        let f = Float(cost)
        return Double(f) < cost ? f.nextUp : f
    }

    /// The planimetric length of each move when the cost depends on the length alone (distance objective)
    /// and the metrics are equal on every row: nil otherwise.
    static func uniformLengths(surface: TraverseSurface, motion: RoverMotion, neighbourhood: Neighbourhood) -> [Double]? {
        guard let perMetre = motion.uniformCostPerMetre, perMetre >= 0, perMetre.isFinite, surface.height > 0 else { return nil }
        let m = surface.metrics
        guard m.dx.allSatisfy({ $0 == m.dx[0] }), m.dy.allSatisfy({ $0 == m.dy[0] }) else { return nil }
        // Any row gives the same lengths; one with the move's other end inside the grid keeps the per-row
        // look-up in range (NaN when the grid is too short for the move: it is never made).
        return neighbourhood.offsets.map { o in
            let row = max(0, -Int(o.x))
            guard row < surface.height && row + Int(o.x) < surface.height else { return .nan }
            return Neighbourhood.length(o, row: row, metrics: m)
        }
    }

    /// A queue entry: the cost the cell had when pushed, and its padded index.
    @usableFromInline
    struct Entry: BucketKeyed {
        @usableFromInline var key: Double
        @usableFromInline var cell: Int
        @inlinable init(_ key: Double, _ cell: Int) { self.key = key; self.cell = cell }
        @inlinable static func < (a: Entry, b: Entry) -> Bool { a.key < b.key }
        @inlinable static func == (a: Entry, b: Entry) -> Bool { a.key == b.key }
        var bucketKey: Double { key }
    }

    /// Dijkstra with one FIFO queue per distinct edge weight (Dinitz 1978).
    static func bucketSearch(cost: inout [Float], layout: PaddedLayout, surface: TraverseSurface, seeds: [Int],
                             motion: RoverMotion, neighbourhood: Neighbourhood, lengths moveLength: [Double], costLimit: Double) {
        let width = surface.width
        let offsets = neighbourhood.offsets
        let perMetre = motion.uniformCostPerMetre ?? 1
        // Group the moves by length, shortest first, so the cost-limit test can stop at the first group over.
        var distinct: [Double] = []
        for l in moveLength where !l.isNaN && !distinct.contains(l) { distinct.append(l) }
        distinct.sort()
        var groupLength: [Double] = [], groupWeight: [Double] = [], groupStart: [Int] = [0]
        var paddedDelta: [Int] = [], elevationDelta: [Int] = []
        for l in distinct {
            for (j, o) in offsets.enumerated() where moveLength[j] == l {
                paddedDelta.append(Int(o.x) * layout.stride + Int(o.y))
                elevationDelta.append(Int(o.x) * width + Int(o.y))
            }
            groupLength.append(l)
            groupWeight.append(l * perMetre)
            groupStart.append(paddedDelta.count)
        }
        let groups = groupWeight.count
        guard groups > 0 else { return }
        // A grade limit on the distance objective: |rise| against the limit's rise for each group's
        // length, with the exact `motion.cost` test only within 1e-9 of the limit.
        let limitDeg = motion.maxGradeDeg
        let checkGrade = !(limitDeg >= 90)
        let tanLimit = checkGrade ? tan(limitDeg * .pi / 180) : .infinity
        let riseSure = groupLength.map { $0 * tanLimit * (1 - 1e-9) }
        let riseNever = groupLength.map { $0 * tanLimit * (1 + 1e-9) }

        let queues = UnsafeMutablePointer<FIFORing>.allocate(capacity: groups)
        for g in 0..<groups { (queues + g).initialize(to: FIFORing(minimumCapacity: g == 0 ? seeds.count : 0)) }
        defer {
            for g in 0..<groups { queues[g].deallocate() }
            queues.deallocate()
        }
        for s in seeds { queues[0].push(Entry(0, layout.padded(s, width: width))) }

        cost.withUnsafeMutableBufferPointer { cb in
        surface.elevation.withUnsafeBufferPointer { elevation in
        groupWeight.withUnsafeBufferPointer { gw in
        groupStart.withUnsafeBufferPointer { gs in
        paddedDelta.withUnsafeBufferPointer { pd in
        elevationDelta.withUnsafeBufferPointer { ed in
            let c = cb.baseAddress!
            let prefetchDistance = 8
            let prefetchRows = (-neighbourhood.reach...neighbourhood.reach).map { $0 * layout.stride }
            while true {
                // The least of the K heads (each queue is sorted).
                var k = -1, best = Double.infinity
                for i in 0..<groups where queues[i].count > 0 {
                    let key = queues[i].headKey
                    if k < 0 || key < best { best = key; k = i }
                }
                if k < 0 { break }
                let entry = queues[k].pop()
                let u = entry.cell, key = entry.key
                if queues[k].count > prefetchDistance {
                    let ahead = queues[k].peek(prefetchDistance).cell
                    for d in prefetchRows { farside_prefetch_read(UnsafeRawPointer(c + (ahead &+ d))) }
                }
                if c[u].sign == .minus { continue }   // stale: the cell is settled (reached cheaper)
                c[u] = -Float(key)
                if !checkGrade {
                    for g in 0..<groups {
                        let nv = key + gw[g]
                        if !(nv <= costLimit) { break }
                        let up = Self.storedAbove(nv)
                        let start = gs[g], end = gs[g + 1]
                        queues[g].reserve(end - start)
                        // Branch-free relaxation: the entry is always written past the tail and kept (the
                        // tail advanced) only on a strict improvement; NaN sentinels never improve.
                        var ring = queues[g]
                        for j in start..<end {
                            let v = u &+ pd[j]
                            let cv = c[v]
                            let better = up < cv
                            c[v] = better ? up : cv
                            ring.pushIf(better, Entry(nv, v))
                        }
                        queues[g] = ring
                    }
                } else {
                    let t = u - layout.origin, r = t / layout.stride
                    let eu = r * width + (t - r * layout.stride)
                    let zu = Double(elevation[eu])
                    for g in 0..<groups {
                        let nv = key + gw[g]
                        if !(nv <= costLimit) { break }
                        for j in gs[g]..<gs[g + 1] {
                            let v = u + pd[j]
                            let up = Self.storedAbove(nv)
                            guard up < c[v] else { continue }   // NaN: padding or impassable; settled; no better
                            let rise = abs(Double(elevation[eu + ed[j]]) - zu)
                            if !(rise <= riseSure[g]) {
                                if rise > riseNever[g] { continue }
                                if motion.cost(length: groupLength[g], rise: rise) == nil { continue }
                            }
                            c[v] = up
                            queues[g].push(Entry(nv, v))
                        }
                    }
                }
            }
        }}}}}}
    }

    /// Dijkstra with a binary heap and lazy deletion, for move costs that depend on the grade or the row.
    static func heapSearch(cost: inout [Float], layout: PaddedLayout, surface: TraverseSurface, seeds: [Int],
                           motion: RoverMotion, neighbourhood: Neighbourhood, costLimit: Double) {
        let width = surface.width, height = surface.height
        let offsets = neighbourhood.offsets, moves = offsets.count
        let paddedDelta = offsets.map { Int($0.x) * layout.stride + Int($0.y) }
        let elevationDelta = offsets.map { Int($0.x) * width + Int($0.y) }
        // Move lengths per row (NaN where the move leaves the grid: never made).
        var lengths = [Double](repeating: .nan, count: height * moves)
        for r in 0..<height {
            for (j, o) in offsets.enumerated() {
                let other = r + Int(o.x)
                if other >= 0 && other < height { lengths[r * moves + j] = Neighbourhood.length(o, row: r, metrics: surface.metrics) }
            }
        }
        // Buckets a sixteenth of the least move cost wide (`BucketedHeap`): the heap holds a thin slice of
        // the search's front, not the whole front (the time objective on 2048^2 spent 27 % of its search in
        // the single heap's trickle-down: 0.98 s -> 0.78-0.80 s; one move wide, 0.84-0.88 s; a 64th, no
        // better). A motion with no positive least cost has one bucket: a plain heap.
        let shortest = lengths.lazy.filter { !$0.isNaN && $0 > 0 }.min() ?? 1
        let leastMove = shortest * motion.leastCostPerMetre / 16
        var heap = BucketedHeap<Entry>(width: leastMove > 0 && leastMove.isFinite ? leastMove : .greatestFiniteMagnitude)
        for s in seeds { heap.insert(Entry(0, layout.padded(s, width: width))) }

        cost.withUnsafeMutableBufferPointer { cb in
        surface.elevation.withUnsafeBufferPointer { elevation in
        lengths.withUnsafeBufferPointer { len in
        paddedDelta.withUnsafeBufferPointer { pd in
        elevationDelta.withUnsafeBufferPointer { ed in
            let c = cb.baseAddress!
            while let entry = heap.popMin() {
                let u = entry.cell, key = entry.key
                if c[u].sign == .minus { continue }   // settled
                c[u] = -Float(key)
                let t = u - layout.origin, r = t / layout.stride
                let eu = r * width + (t - r * layout.stride)
                let zu = Double(elevation[eu])
                let rowLengths = r * moves
                for j in 0..<moves {
                    let v = u + pd[j]
                    let cv = c[v]
                    guard key < Double(cv) else { continue }   // NaN (padding, impassable), settled, or no gain possible
                    guard let mc = motion.cost(length: len[rowLengths + j], rise: Double(elevation[eu + ed[j]]) - zu),
                          mc < .infinity else { continue }   // too steep, NaN or infinite
                    let nv = key + max(mc, 0)
                    if nv < Double(cv) && nv <= costLimit {   // exact: every strict improvement in Double
                        c[v] = Self.storedAbove(nv)
                        heap.insert(Entry(nv, v))
                    }
                }
            }
        }}}}}
    }
}

/// A FIFO queue of search entries in a ring buffer (power-of-two capacity) that can append without a
/// branch (`pushIf`): the relaxation of a cell's neighbours writes every candidate and keeps it only on a
/// strict improvement, which removes the badly predicted branch of each move. swift-collections' `Deque`
/// is the same ring buffer, but its `append` checks uniqueness and capacity on every call and cannot be
/// made conditional: with it (and the same prefetching) the 4096 x 4096 search took 30-40 % longer.
struct FIFORing {
    private var buffer: UnsafeMutablePointer<CostDistance.Entry>
    private var mask: Int
    private var head = 0
    private var tail = 0

    init(minimumCapacity: Int) {
        var capacity = 1024
        while capacity < minimumCapacity + 1 { capacity *= 2 }
        buffer = .allocate(capacity: capacity)
        mask = capacity - 1
    }

    func deallocate() { buffer.deallocate() }

    @inline(__always) var count: Int { tail &- head }
    @inline(__always) var headKey: Double { buffer[head & mask].key }

    @inline(__always) func peek(_ i: Int) -> CostDistance.Entry { buffer[(head &+ i) & mask] }

    @inline(__always) mutating func pop() -> CostDistance.Entry {
        let e = buffer[head & mask]
        head &+= 1
        return e
    }

    /// Room for `extra` more entries, plus the one `pushIf` writes past the tail.
    @inline(__always) mutating func reserve(_ extra: Int) {
        if count + extra + 1 > mask { grow(count + extra + 1) }
    }

    @inline(__always) mutating func push(_ e: CostDistance.Entry) {
        reserve(1)
        buffer[tail & mask] = e
        tail &+= 1
    }

    /// Writes `e` at the tail and keeps it when `keep` (room reserved beforehand).
    @inline(__always) mutating func pushIf(_ keep: Bool, _ e: CostDistance.Entry) {
        buffer[tail & mask] = e
        tail &+= Int(unsafeBitCast(keep, to: UInt8.self))
    }

    @inline(never) private mutating func grow(_ needed: Int) {
        var capacity = (mask + 1) * 2
        while capacity <= needed { capacity *= 2 }
        let fresh = UnsafeMutablePointer<CostDistance.Entry>.allocate(capacity: capacity)
        for i in 0..<count { fresh[i] = buffer[(head &+ i) & mask] }
        buffer.deallocate()
        buffer = fresh
        tail = count
        head = 0
        mask = capacity - 1
    }
}

extension CostDistance {
    /// Compacts the padded rows in place to `width` values per row and turns the NaN sentinels into
    /// +infinity. Each cell moves to a lower or equal index, so one pass in increasing order never
    /// overwrites a value before reading it. In parallel row ranges: a range's destination overlaps the
    /// sources of the range before it only in that range's last rows (a row moves down by `reach` cells
    /// per row), so those rows are copied aside first and the earlier range reads them from the copy.
    static func compact(_ cost: inout [Float], layout: PaddedLayout, width: Int, height: Int, threads: Int) {
        var chunks = height < 64 ? 1 : max(1, threads)
        var bounds = (0...chunks).map { $0 * height / chunks }
        // The copy aside covers rows of the range itself only: else (very narrow grids) one pass in order.
        if (1..<chunks).contains(where: { k in layout.origin + (bounds[k] - 1) * layout.stride + width > bounds[k + 1] * width }) {
            chunks = 1
            bounds = [0, height]
        }
        cost.withUnsafeMutableBufferPointer { cb in
            let c = SharedPointer(cb.baseAddress!)
            // Per range, its last rows whose sources the next range's destination (from row `next`) reaches.
            let aside: [(first: Int, values: [Float])] = (0..<chunks).map { k in
                let end = bounds[k + 1]
                guard k + 1 < chunks, end > bounds[k] else { return (end, []) }
                var first = end
                while first > bounds[k] && layout.origin + (first - 1) * layout.stride + width > end * width { first -= 1 }
                return (first, Array(UnsafeBufferPointer(start: c.base + layout.origin + first * layout.stride,
                                                         count: (end - first) * layout.stride)))
            }
            ParallelChunks.forEach(count: chunks, chunks: chunks) { ks in
                for k in ks {
                    aside[k].values.withUnsafeBufferPointer { saved in
                        for r in bounds[k]..<bounds[k + 1] {
                            let src = r < aside[k].first ? UnsafePointer(c.base + layout.origin + r * layout.stride)
                                : saved.baseAddress! + (r - aside[k].first) * layout.stride
                            let dst = c.base + r * width
                            for col in 0..<width {
                                let x = src[col]
                                dst[col] = x.isNaN ? .infinity : x.magnitude
                            }
                        }
                    }
                }
            }
        }
    }

    /// The padded cost array before the search: +infinity on passable cells, NaN on impassable cells and
    /// the padding. Written once, in parallel row ranges on `threads` threads: the array is fresh memory
    /// (8 bytes per cell), and the kernel clears each page on its first touch, so touching it from every
    /// thread spreads that clearing too.
    static func initialCosts(layout: PaddedLayout, surface: TraverseSurface, threads: Int) -> [Float] {
        let width = surface.width, height = surface.height
        return hugePageArray(count: layout.count) { c in
            let c = SharedPointer(c.baseAddress!)
            surface.passable.withUnsafeBufferPointer { pass in
                ParallelChunks.forEachRange(count: max(height, 1), threads: threads) { rows in
                    // This range's rows and the padding after each (before the first row: the top padding;
                    // after the last: the bottom padding).
                    let first = rows.lowerBound == 0 ? 0 : layout.origin + rows.lowerBound * layout.stride
                    (c.base + first).update(repeating: .nan, count: layout.origin + rows.lowerBound * layout.stride - first)
                    for r in rows where r < height {
                        let src = r * width, dst = c.base + layout.origin + r * layout.stride
                        for col in 0..<width { dst[col] = pass[src + col] ? .infinity : .nan }
                        (dst + width).update(repeating: .nan, count: layout.stride - width)
                    }
                    if rows.upperBound >= height {
                        let end = layout.origin + height * layout.stride
                        (c.base + end).update(repeating: .nan, count: layout.count - end)
                    }
                }
            }
        }
    }
}

/// An array of `count` elements written by `fill` (which must write every element), backed by
/// transparent huge pages where the system has them on request (Linux `madvise(MADV_HUGEPAGE)`, before
/// the first touch): the search's accesses hop between rows, one row of a 4096-cell grid is 8 pages of
/// 4 KiB, and the frontier of a large grid touches more pages than the TLB holds; 2 MiB pages made the
/// 4096 x 4096 search about 10 % faster.
func hugePageArray<T>(count: Int, fill: (UnsafeMutableBufferPointer<T>) -> Void) -> [T] {
    [T](unsafeUninitializedCapacity: count) { buffer, initialized in
        #if os(Linux)
        if let base = buffer.baseAddress, count * MemoryLayout<T>.stride >= 4 << 20 {
            let huge = 2 << 20
            let start = (Int(bitPattern: base) + huge - 1) & ~(huge - 1)
            let end = (Int(bitPattern: base) + count * MemoryLayout<T>.stride) & ~(huge - 1)
            if end > start { _ = madvise(UnsafeMutableRawPointer(bitPattern: start), end - start, MADV_HUGEPAGE) }
        }
        #endif
        if count > 0 { fill(buffer) }
        initialized = count
    }
}

/// The padded cost array of a search: `reach` sentinel rows above and below, and `reach` sentinel columns
/// shared between consecutive rows (a row's right padding is the next row's left padding), so a move from
/// any cell lands inside the array.
struct PaddedLayout {
    let stride: Int
    let origin: Int
    let count: Int

    init(width: Int, height: Int, reach: Int) {
        stride = width + reach
        origin = reach * stride + reach
        count = (height + 2 * reach) * stride + 2 * reach
    }

    @inline(__always) func padded(_ cell: Int, width: Int) -> Int {
        let r = cell / width
        return origin + r * stride + (cell - r * width)
    }
}

