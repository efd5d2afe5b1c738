import FarSideCore

/// The upper-convex-hull sweep of `HorizonSweeper`, sixteen neighbouring lines at a time in the lanes of
/// SIMD16 vectors (row-primary frame: every line advances one row per step, so at a given row the
/// lines' points and query cells are sixteen contiguous cells of that row and load as whole vectors).
///
/// Each lane keeps its own hull stack and does the scalar algorithm's operations in the same order
/// (Timonen & Westerholm 2010, upper hulls along parallel lines): pop the vertices on or below the
/// segment to the new point, push it, walk from the previous tangent to the new one. Each cell is queried
/// once, against the line that passes nearest to its centre (at most half a cell away): at a row the
/// lanes' cells are sixteen contiguous cells, the nearest ones to the sixteen lines. The query's result
/// is a candidate, not a horizon: the tangent's row (`CandidateCode`), around which `FinalPass`
/// evaluates the cell's own ray exactly (a line half a cell beside the ray crosses an oblique crater
/// wall a row or more away from where the ray does). The data-dependent loops (pops, tangent walks)
/// run while any lane still moves, so branches follow the slowest lane instead of mispredicting per line.
/// Those loops are chains of dependent loads and compares; sixteen lanes (two AVX registers) give the
/// core two independent chains to overlap (`LaneMath`).
///
/// A hull vertex is one 8-byte record (reduced height H, row k as a Float); its distance along the ray
/// is a linear function of k, so one 64-bit load per lane fetches a vertex. Stacks are interleaved (slot v
/// of lane j at record v * 16 + j). Lane masks are integer vectors selected on with bit operations
/// (`LaneMath`).
///
/// Lines are swept in batches of `groupsPerBatch` lane groups, block by block of `blockRows` rows, so
/// the rows a block touches are reused from cache by the batch's groups. The query cells' row is
/// prefetched `prefetchSteps` steps ahead (software prefetch: the stride between steps is a row plus a
/// varying column shift, which the hardware prefetchers do not follow).
///
/// Only the cells of `queryRows` get codes (an output window's rows, `HorizonSweeper`): lane groups whose
/// lines miss those rows are not swept, the others stop after them, and before them each query walks to its
/// tangent only, to keep the hint (the walk stops at the first vertex no neighbour of which is steeper, so
/// where rounding flattens the top of the slopes its result depends on where it starts) but neither looks
/// for the farthest nearly tangent vertex nor stores. Codes in those rows are the whole sweep's, bit for bit.
struct LaneSweepKernel: @unchecked Sendable {
    typealias V = LaneMath.V
    typealias I = LaneMath.I
    typealias M = LaneMath

    static let lanes = 16
    static let groupsPerBatch = 2
    /// Lane numbers (computed: constants in the code, where a stored static would be a lazily
    /// initialised global checked on every use in the loops).
    static var laneIntegers: I { I(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15) }
    static let blockRows = 64
    /// Steps between prefetching a query row and querying it (2 to 8 measure the same).
    static let prefetchSteps = 4

    let g: LineGeometry
    let frame: SweepFrame
    /// Per-cell candidate code (padded like the frame; `CandidateCode`), and the row of the farthest hull
    /// vertex whose elevation is within `nearlyTangent` of the tangent's (padded likewise).
    let candidates: SharedPointer<Float>
    let farthest: SharedPointer<Float>
    /// Vertices this close to the tangent's elevation (radians) are candidates too: on long, grazing
    /// profiles the ray half a cell beside the line can peak at any of them. (1 degree halved the worst
    /// misses again, 0.46 -> 0.27 degrees on a 256^2 seed-3 DEM, for 8-10% more time.)
    static let nearlyTangent: Float = 0.3 * .pi / 180
    let observerHeight: Float
    let inv2R: Float
    /// Rows between an observer and the first hull point (nearer points are the near field's).
    let lag: Int
    /// Distance along the ray of row k: k * distanceScale + distanceOffset (0 at the near end).
    let distanceScale: Float
    let distanceOffset: Float
    /// Rows whose cells are queried (all of them without an output window).
    let queryRows: Range<Int>

    init(geometry: LineGeometry, frame: SweepFrame, candidates: SharedPointer<Float>, farthest: SharedPointer<Float>,
         observerHeight: Double, radius: Double, near: NearField, queryRows: Range<Int>? = nil) {
        g = geometry
        self.queryRows = queryRows ?? 0..<geometry.rows
        self.frame = frame
        self.candidates = candidates
        self.farthest = farthest
        inv2R = Float(1 / (2 * radius))
        lag = near.lag
        distanceScale = Float(geometry.forward ? geometry.step : -geometry.step)
        distanceOffset = geometry.forward ? 0 : Float(Double(geometry.rows - 1) * geometry.step)
        self.observerHeight = Float(observerHeight)
    }

    /// Lane groups covering `lines`, each starting at `first + 16 k`.
    static func groupCount(_ lines: Range<Int>) -> Int { (lines.count + lanes - 1) / lanes }

    /// Hull vertices of the sixteen lanes: reduced height and row.
    struct Vertex {
        var H: V, k: V
        @inline(__always) static func select(_ m: I, _ a: Vertex, _ b: Vertex) -> Vertex { Vertex(H: M.select(m, a.H, b.H), k: M.select(m, a.k, b.k)) }
    }

    /// One lane group's sweep state between blocks.
    struct GroupState {
        var L0: Int, i: Int, end: Int
        var n: I, hint: I
        /// The hint vertex and its neighbours one slot up and down (kept in step with the stack, see
        /// `sweep`; a neighbour beyond the stack's ends holds garbage and is never read).
        var at: Vertex, up: Vertex, down: Vertex
        /// Top two hull vertices per lane (distance, reduced height), valid where n >= 1 and n >= 2.
        var t1d: V, t1H: V, t2d: V, t2H: V
    }

    /// Sweeps the lane groups `groups` (group k starts at line `firstLine + 16 k`).
    func run(groups: Range<Int>, firstLine: Int) {
        let P = g.rows
        let G = LaneSweepKernel.groupsPerBatch, B = LaneSweepKernel.blockRows
        let W = LaneSweepKernel.lanes
        let stride = (P + 1) * W
        let hulls = UnsafeMutablePointer<SIMD2<Float>>.allocate(capacity: G * stride)
        let states = UnsafeMutablePointer<GroupState>.allocate(capacity: G)
        defer { hulls.deallocate(); states.deallocate() }
        let blocks = (P + B - 1) / B
        g.floorShift.withUnsafeBufferPointer { fl in
            g.fracShift.withUnsafeBufferPointer { fr in
                var first = groups.lowerBound
                while first < groups.upperBound {
                    let count = min(G, groups.upperBound - first)
                    var anyActive = false
                    for q in 0..<count {
                        let L0 = firstLine + (first + q) * W
                        var lo = P, hi = 0
                        for j in 0..<W {
                            let r = g.activeRange(line: L0 + j)
                            if !r.isEmpty { lo = min(lo, r.lowerBound); hi = max(hi, r.upperBound) }
                        }
                        // Walk from the far end (largest distance) to the near end, and stop after the query rows.
                        let empty = lo >= hi || hi <= queryRows.lowerBound || lo >= queryRows.upperBound
                        let i0 = g.forward ? hi - 1 : lo
                        let end = g.forward ? Swift.max(lo, queryRows.lowerBound) - 1 : Swift.min(hi, queryRows.upperBound)
                        let zero = V(repeating: 0)
                        states[q] = GroupState(L0: L0, i: empty ? end : i0, end: end, n: I(repeating: 0), hint: I(repeating: 0),
                                               at: Vertex(H: zero, k: zero), up: Vertex(H: zero, k: zero), down: Vertex(H: zero, k: zero), t1d: zero, t1H: zero, t2d: zero, t2H: zero)
                        anyActive = anyActive || !empty
                    }
                    if anyActive {
                        for bb in 0..<blocks {
                            let blk = g.forward ? blocks - 1 - bb : bb
                            let bLo = blk * B, bHi = min(P, bLo + B)
                            for q in 0..<count where states[q].i != states[q].end {
                                sweep(&states[q], blockLo: bLo, blockHi: bHi, fl: fl.baseAddress!, fr: fr.baseAddress!,
                                      hull: hulls + q * stride)
                            }
                        }
                    }
                    first += count
                }
            }
        }
    }

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }

    @inline(__always)
    static func store(_ v: V, _ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self) }

    /// The two floats of the 8-byte records at `base + index[j] * scale` bytes, j = 0 ..< 16, as (first,
    /// second) vectors: sixteen 64-bit loads, paired into 128-bit halves (records j, j + 1 | j + 4, j + 5
    /// in one 256-bit register, j + 2, j + 3 | j + 6, j + 7 in another), so that one in-lane shuffle
    /// per output register (vshufps) de-interleaves them in lane order.
    @inline(__always)
    static func pairs(_ base: UnsafeRawPointer, _ index: I, scale: Int) -> (V, V) {
        // Records are loaded as Doubles (their bits): vectors built from 64-bit scalar loads lower to
        // vmovsd / vmovhpd / vinsertf128, where float-pair loads were split into single-float inserts.
        @inline(__always) func at(_ j: Int) -> Double { base.loadUnaligned(fromByteOffset: Int(index[j]) &* scale, as: Double.self) }
        @inline(__always) func eight(_ j: Int) -> (SIMD8<Float>, SIMD8<Float>) {
            let y0 = unsafeBitCast(SIMD4<Double>(at(j), at(j &+ 1), at(j &+ 4), at(j &+ 5)), to: SIMD8<Float>.self)
            let y1 = unsafeBitCast(SIMD4<Double>(at(j &+ 2), at(j &+ 3), at(j &+ 6), at(j &+ 7)), to: SIMD8<Float>.self)
            return (SIMD8(y0[0], y0[2], y1[0], y1[2], y0[4], y0[6], y1[4], y1[6]),
                    SIMD8(y0[1], y0[3], y1[1], y1[3], y0[5], y0[7], y1[5], y1[7]))
        }
        let (a0, b0) = eight(0), (a1, b1) = eight(8)
        return (V(lowHalf: a0, highHalf: a1), V(lowHalf: b0, highHalf: b1))
    }

    /// Stores the records (H[j], row) at slot n[j] of lanes j = 0 ..< 16: the records are interleaved in
    /// registers (vunpcklps / vunpckhps, records j, j + 1 | j + 4, j + 5 and j + 2, j + 3 | j + 6, j + 7)
    /// and stored as 64-bit halves, instead of assembling each record from single floats.
    @inline(__always)
    static func push(_ H: V, row kF: Float, at n: I, hull: UnsafeMutablePointer<SIMD2<Float>>) {
        let raw = UnsafeMutableRawPointer(hull)
        @inline(__always) func put(_ j: Int, _ record: Double) {
            raw.storeBytes(of: record, toByteOffset: (Int(n[j]) &* 16 &+ j) &* 8, as: Double.self)
        }
        @inline(__always) func eight(_ h: SIMD8<Float>, _ j: Int) {
            let lo = unsafeBitCast(SIMD8(h[0], kF, h[1], kF, h[4], kF, h[5], kF), to: SIMD4<Double>.self)
            let hi = unsafeBitCast(SIMD8(h[2], kF, h[3], kF, h[6], kF, h[7], kF), to: SIMD4<Double>.self)
            put(j, lo[0]); put(j &+ 1, lo[1]); put(j &+ 4, lo[2]); put(j &+ 5, lo[3])
            put(j &+ 2, hi[0]); put(j &+ 3, hi[1]); put(j &+ 6, hi[2]); put(j &+ 7, hi[3])
        }
        eight(H.lowHalf, 0)
        eight(H.highHalf, 8)
    }

    /// Hull vertices at `slot` of lanes 0 ..< 16 (record slot * 16 + lane): (reduced height, row as Float).
    @inline(__always)
    static func vertices(_ hull: UnsafePointer<SIMD2<Float>>, _ slot: I) -> Vertex {
        let (H, k) = pairs(UnsafeRawPointer(hull), slot &* 16 &+ laneIntegers, scale: 8)
        return Vertex(H: H, k: k)
    }

    /// Advances one lane group through rows blockLo ..< blockHi (or to its end).
    @inline(__always)
    func sweep(_ st: inout GroupState, blockLo: Int, blockHi: Int, fl: UnsafePointer<Int32>, fr: UnsafePointer<Float>,
               hull: UnsafeMutablePointer<SIMD2<Float>>) {
        let S = g.columns, P = g.rows
        let pad = SweepFrame.pad
        let zb = UnsafePointer(frame.targets.base), zo = UnsafePointer(frame.observers.base)
        let di = g.forward ? -1 : 1
        let lagStep = di &* lag
        let L0 = st.L0
        let deepLimit = V(repeating: SweepFrame.deepLimit), deep = V(repeating: SweepFrame.deep)
        let oneI = I(repeating: 1), twoI = I(repeating: 2), zeroI = I(repeating: 0)
        let hV = V(repeating: observerHeight)
        var n = st.n, hint = st.hint, at = st.at, up = st.up, down = st.down
        var t1d = st.t1d, t1H = st.t1H, t2d = st.t2d, t2H = st.t2H
        var i = st.i
        let end = st.end
        defer { st.n = n; st.hint = hint; st.at = at; st.up = up; st.down = down; st.i = i; st.t1d = t1d; st.t1H = t1H; st.t2d = t2d; st.t2H = t2H }
        let aheadStep = di &* LaneSweepKernel.prefetchSteps
        let queryLo = queryRows.lowerBound, queryHi = queryRows.upperBound
        while i != end && i >= blockLo && i < blockHi {
            // Each step's query row is new to the cache (the insertion reaches it `lag` steps later), and
            // its lines are a row apart, too far for the hardware prefetcher: fetch the two cache lines
            // of the query cells a few steps ahead, or the query's observer load stalls on memory.
            let ia = i &+ aheadStep
            if ia >= 0 && ia < P {
                let ahead = zo + frame.offset(row: ia, column: L0 &+ Int(fl[ia]))
                Prefetch.read(ahead)
                Prefetch.read(ahead + LaneSweepKernel.lanes)
            }
            // Insert the line points `lag` rows beyond the observers at i (nearer points are the near field's).
            let p = i &- lagStep
            if p >= 0 && p < P {
                let col0 = L0 &+ Int(fl[p])
                if col0 >= -pad && col0 &+ LaneSweepKernel.lanes &+ 1 <= S &+ pad {
                    let row = zb + frame.offset(row: p, column: col0)
                    var z = Self.load(row)
                    let r = fr[p]
                    if r > 0 {
                        let z1 = Self.load(row + 1)
                        // Lanes whose neighbour is nodata or padding get `deep` (not a point).
                        z = M.select(M.signMask(M.min(z, z1) - deepLimit), deep, z + V(repeating: r) * (z1 - z))
                    }
                    let valid = M.signMask(deepLimit - z)
                    if M.any(valid) {
                        let kF = Float(p)
                        let d = distance(row: kF)
                        let dV = V(repeating: d)
                        let H = z - V(repeating: d * d * inv2R)
                        // Pop vertices on or below the segment from the new point to the vertex beyond them:
                        // (H1 - H)(d2 - d) <= (H2 - H)(d1 - d), i.e. not (rhs - lhs < 0).
                        var pop = valid & ~M.lessMask(n, twoI) & ~M.signMask((t2H - H) * (t1d - dV) - (t1H - H) * (t2d - dV))
                        while M.any(pop) {
                            n = n &+ pop                                  // pop is -1 in popping lanes
                            t1d = M.select(pop, t2d, t1d)
                            t1H = M.select(pop, t2H, t1H)
                            let below = Self.vertices(hull, M.select(M.lessMask(n, twoI), zeroI, n &- twoI))
                            t2d = M.select(pop, distance(below.k), t2d)
                            t2H = M.select(pop, below.H, t2H)
                            pop = pop & ~M.lessMask(n, twoI) & ~M.signMask((t2H - H) * (t1d - dV) - (t1H - H) * (t2d - dV))
                        }
                        // The hint vertex and its neighbours stay valid unless the pops reached them. Pops
                        // down to the hint move it to the new top (the new point, whose down neighbour is
                        // the top left after the pops); pops down to its up neighbour put the new point
                        // there. So no query reloads them.
                        let point = Vertex(H: H, k: V(repeating: kF))
                        let over = valid & ~M.lessMask(hint, n)
                        let under = valid & ~over & M.lessMask(n, hint &+ twoI)          // hint + 1 == n
                        hint = M.select(over, n, hint)
                        down = Vertex.select(over, Vertex(H: t1H, k: rowOf(t1d)), down)
                        at = Vertex.select(over, point, at)
                        up = Vertex.select(under, point, up)
                        // Push (lanes without a point write into their free slot, which stays free).
                        Self.push(H, row: kF, at: n, hull: hull)
                        t2d = M.select(valid, t1d, t2d)
                        t2H = M.select(valid, t1H, t2H)
                        t1d = M.select(valid, dV, t1d)
                        t1H = M.select(valid, H, t1H)
                        n = n &- valid                                    // valid is -1 in lanes with a point
                    }
                }
            }
            // Query the cells nearest to the lanes' lines: column L + round(t i) for line L.
            let a0 = L0 &+ Int(fl[i]) &+ (fr[i] >= 0.5 ? 1 : 0)
            if a0 >= -pad && a0 &+ LaneSweepKernel.lanes <= S &+ pad {
                let cell = frame.offset(row: i, column: a0)
                let iF = Float(i)
                let zoA = Self.load(zo + cell) + hV
                // The tangent's row, or the codes for "at the line's far end" and "no hull" (`CandidateCode`).
                var code = V(repeating: CandidateCode.noHull)
                var farRow = V(repeating: -1)
                let has = M.lessMask(zeroI, n)
                let stores = i >= queryLo && i < queryHi
                if M.any(has) {
                    let d = distance(row: iF)
                    let curv = V(repeating: d * d * inv2R)
                    let ta = tangent(from: hint, at: at, up: up, down: down, Ho: zoA - curv, d: V(repeating: d), n: n, active: has, hull: hull)
                    if stores {
                        let farEnd = M.lessMask(ta.v, oneI)
                        code = M.select(has, M.select(farEnd, CandidateCode.farEnd(row: ta.at.k), ta.at.k), code)
                        farRow = farthestNearlyTangent(ta, Ho: zoA - curv, d: V(repeating: d), active: has, hull: hull)
                    }
                    hint = M.select(has, ta.v, hint)
                    at = Vertex.select(has, ta.at, at)
                    up = Vertex.select(has, ta.up, up)
                    down = Vertex.select(has, ta.down, down)
                }
                if stores {
                    Self.store(code, candidates.base + cell)
                    Self.store(farRow, farthest.base + cell)
                }
            }
            i &+= di
        }
    }

    /// The hull vertex tangent from each lane's observer (reduced height Ho at distance d), found by
    /// walking from slot `v0` (vertex `at`, neighbours `up` and `down`): slopes along the hull are unimodal
    /// from an observer in front of it, so walk up while the newer vertex is steeper, else down while the
    /// older one is steeper. The first comparisons use the cached neighbours; each further step loads one
    /// vertex. Lanes not `active` (mask) stay where they are. Returns the slot, its vertex and its
    /// neighbours (the vertex walked from and the last one probed, or the cached ones if it did not move).
    @inline(__always)
    func tangent(from v0: I, at: Vertex, up: Vertex, down: Vertex, Ho: V, d: V, n: I, active: I,
                 hull: UnsafePointer<SIMD2<Float>>) -> (v: I, at: Vertex, up: Vertex, down: Vertex) {
        let oneI = I(repeating: 1), zeroI = I(repeating: 0)
        let dAt = distance(at.k)
        let upSteeper = active & M.lessMask(v0 &+ oneI, n) & steeper(up, than: at.H, dAt, Ho: Ho, d: d)
        let downSteeper = active & ~upSteeper & M.lessMask(zeroI, v0) & steeper(down, than: at.H, dAt, Ho: Ho, d: d)
        var moving = upSteeper | downSteeper
        if !M.any(moving) { return (v0, at, up, down) }
        // Direction +1 (up lanes, mask -1) or -1 (down lanes), 0 elsewhere.
        let dir = (zeroI &- upSteeper) &+ downSteeper
        var v = v0 &+ dir
        var cur = Vertex.select(upSteeper, up, Vertex.select(downSteeper, down, at))
        var behind = at, ahead = at
        while M.any(moving) {
            let next = v &+ dir
            let ok = moving & ~(next &>> 31) & M.lessMask(next, n)
            let x = probe(next, where: ok, from: v, Hv: cur.H, dv: distance(cur.k), Ho: Ho, d: d, hull: hull)
            let step = x.steeper
            behind = Vertex.select(step, cur, behind)
            ahead = Vertex.select(moving & ~step, x.vertex, ahead)
            cur = Vertex.select(step, x.vertex, cur)
            v = M.select(step, next, v)
            moving = step
        }
        return (v, cur, Vertex.select(upSteeper, ahead, Vertex.select(downSteeper, behind, up)),
                Vertex.select(upSteeper, behind, Vertex.select(downSteeper, ahead, down)))
    }

    /// Lanes where vertex `u` is steeper than the vertex (Hv, dv) from the observer (Ho, d):
    /// (H_u - Ho)(d_v - d) > (H_v - Ho)(d_u - d), i.e. rhs - lhs < 0.
    @inline(__always)
    func steeper(_ u: Vertex, than Hv: V, _ dv: V, Ho: V, d: V) -> I {
        M.signMask((Hv - Ho) * (distance(u.k) - d) - (u.H - Ho) * (dv - d))
    }

    /// Row of a vertex from its distance along the ray (rows are whole numbers).
    @inline(__always)
    func rowOf(_ distance: V) -> V { ((distance - V(repeating: distanceOffset)) * V(repeating: 1 / distanceScale)).rounded(.toNearestOrEven) }

    /// Distance along the ray of rows `k`.
    @inline(__always)
    func distance(_ k: V) -> V { k * V(repeating: distanceScale) + V(repeating: distanceOffset) }
    @inline(__always)
    func distance(row k: Float) -> Float { k * distanceScale + distanceOffset }

    /// Row of the farthest hull vertex whose elevation from the observer (Ho, d) is within `nearlyTangent`
    /// of the tangent's (the tangent's own row where none is): slopes fall monotonically away from the
    /// tangent, so walk to older (farther) slots while the next vertex stays above the threshold slope
    /// s_t - ε (1 + s_t^2) (first order in ε); the first step uses the cached neighbour. Lanes not `active`
    /// give -1.
    @inline(__always)
    func farthestNearlyTangent(_ ta: (v: I, at: Vertex, up: Vertex, down: Vertex), Ho: V, d: V, active: I,
                               hull: UnsafePointer<SIMD2<Float>>) -> V {
        let oneI = I(repeating: 1), zeroI = I(repeating: 0)
        let st = (ta.at.H - Ho) / (distance(ta.at.k) - d)
        let threshold = st - V(repeating: LaneSweepKernel.nearlyTangent) * (V(repeating: 1) + st * st)
        @inline(__always) func within(_ u: Vertex) -> I { ~M.signMask((u.H - Ho) - threshold * (distance(u.k) - d)) }
        var farK = ta.at.k
        var v = ta.v &- oneI
        var moving = active & ~(v &>> 31) & within(ta.down)
        farK = M.select(moving, ta.down.k, farK)
        while M.any(moving) {
            let next = v &- oneI
            let ok = moving & ~(next &>> 31)
            let u = Self.vertices(hull, M.select(ok, next, M.select(M.lessMask(v, zeroI), zeroI, v)))
            moving = ok & within(u)
            farK = M.select(moving, u.k, farK)
            v = next
        }
        return M.select(active, farK, V(repeating: -1))
    }

    /// The vertices at `slot` in lanes `ok` (at `v` elsewhere) and whether each is steeper than the
    /// vertex (Hv, dv) from the observer (Ho, d) (`steeper(_:than:_:Ho:d:)`).
    @inline(__always)
    func probe(_ slot: I, where ok: I, from v: I, Hv: V, dv: V, Ho: V, d: V,
               hull: UnsafePointer<SIMD2<Float>>) -> (steeper: I, vertex: Vertex) {
        let u = Self.vertices(hull, M.select(ok, slot, v))
        return (ok & steeper(u, than: Hv, dv, Ho: Ho, d: d), u)
    }
}
