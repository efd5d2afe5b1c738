import GeoRaster

/// The upper-convex-hull sweep of `HorizonSweeper`, eight neighbouring lines at a time in the lanes of
/// SIMD8 vectors (row-primary frame: every line advances one row per step, so at a given row the eight
/// lines' points and query cells are eight contiguous cells of that row and load as whole vectors).
///
/// Each lane keeps its own hull stack and does the scalar algorithm's operations in the same order
/// (Timonen & Westerholm 2010, upper hulls along parallel lines): pop the vertices on or below the
/// segment to the new point, push it, walk from the previous tangent to the new one, re-evaluate the
/// tangent row on the exact ray through the cell centre. The data-dependent loops (pops, tangent walks)
/// run while any lane still moves, so branches follow the slowest lane instead of mispredicting per line.
///
/// A hull vertex is one 8-byte record (reduced height H, row k as a Float); its distance along the ray
/// is a linear function of k, so one 64-bit load per lane fetches a vertex, and the two heights the
/// re-evaluation interpolates between are one 64-bit load too. Stacks are interleaved (slot v of lane j
/// at record v * 8 + j). Lane masks are integer vectors selected on with bit operations (`VectorMath`).
///
/// Lines are swept in batches of `groupsPerBatch` lane groups, block by block of `blockRows` rows, so
/// the rows a block touches are reused from cache by the batch's groups.
struct LaneSweepKernel: @unchecked Sendable {
    typealias V = SIMD8<Float>
    typealias I = SIMD8<Int32>
    typealias M = VectorMath

    static let lanes = 8
    static let groupsPerBatch = 4
    static let blockRows = 64
    /// Sentinel slope for "nothing in this direction" (atan gives -90 degrees).
    static let nothing: Float = -1e30

    let g: LineGeometry
    let frame: SweepFrame
    let lower: SharedPointer<Float>
    let upper: SharedPointer<Float>
    let observerHeight: Float
    let inv2R: Float
    /// Rows between an observer and the first hull point (nearer points are the near field's).
    let lag: Int
    /// Distance along the ray of row k: k * distanceScale + distanceOffset (0 at the near end).
    let distanceScale: Float
    let distanceOffset: Float
    /// The ray's sample spacing (half the smaller cell, as the near field and a ray-marching reference
    /// take it), its column and row offsets per sample, and the curvature drop per sample.
    let sampleStep: Float
    let sampleColumns: Float
    let sampleRows: Float
    let sampleCurv: Float
    /// Samples per row step (step / sampleStep).
    let samplesPerRow: Float

    init(geometry: LineGeometry, frame: SweepFrame, lower: SharedPointer<Float>, upper: SharedPointer<Float>,
         observerHeight: Double, radius: Double, near: NearField) {
        g = geometry
        self.frame = frame
        self.lower = lower
        self.upper = upper
        self.observerHeight = Float(observerHeight)
        inv2R = Float(1 / (2 * radius))
        lag = Int((Double(near.count) * near.step / geometry.step * (1 + 1e-12)).rounded(.down)) + 1
        distanceScale = Float(geometry.forward ? geometry.step : -geometry.step)
        distanceOffset = geometry.forward ? 0 : Float(Double(geometry.rows - 1) * geometry.step)
        sampleStep = Float(near.step)
        sampleColumns = Float(near.colStep)
        sampleRows = Float(near.rowStep)
        sampleCurv = Float(near.step / (2 * radius))
        samplesPerRow = Float(geometry.step / near.step)
    }

    /// Lane groups covering `lines`, each starting at `first + 8 k`.
    static func groupCount(_ lines: Range<Int>) -> Int { (lines.count + lanes - 1) / lanes }

    /// One lane group's sweep state between blocks.
    struct GroupState {
        var L0: Int, i: Int, end: Int
        var n: I, hint: I
        /// Top two hull vertices per lane (distance, reduced height), valid where n >= 1 and n >= 2.
        var t1d: V, t1H: V, t2d: V, t2H: V
    }

    /// Sweeps the lane groups `groups` (group k starts at line `firstLine + 8 k`).
    func run(groups: Range<Int>, firstLine: Int) {
        let P = g.rows
        let G = LaneSweepKernel.groupsPerBatch, B = LaneSweepKernel.blockRows
        let stride = (P + 1) * 8
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
                        let L0 = firstLine + (first + q) * 8
                        var lo = P, hi = 0
                        for j in 0..<8 {
                            let r = g.activeRange(line: L0 + j)
                            if !r.isEmpty { lo = min(lo, r.lowerBound); hi = max(hi, r.upperBound) }
                        }
                        // Walk from the far end (largest distance) to the near end.
                        let empty = lo >= hi
                        let i0 = g.forward ? hi - 1 : lo, end = g.forward ? lo - 1 : hi
                        let zero = V(repeating: 0)
                        states[q] = GroupState(L0: L0, i: empty ? end : i0, end: end, n: I(repeating: 0), hint: I(repeating: 0),
                                               t1d: zero, t1H: zero, t2d: zero, t2H: zero)
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

    /// The two floats of the 8-byte records at byte offsets o0 ... o7 from `base`, as (first, second)
    /// vectors: eight 64-bit loads and a de-interleave.
    @inline(__always)
    static func pairs(_ base: UnsafeRawPointer, _ o0: Int, _ o1: Int, _ o2: Int, _ o3: Int,
                      _ o4: Int, _ o5: Int, _ o6: Int, _ o7: Int) -> (V, V) {
        typealias P2 = SIMD2<Float>
        let a = V(lowHalf: SIMD4(lowHalf: base.loadUnaligned(fromByteOffset: o0, as: P2.self),
                                 highHalf: base.loadUnaligned(fromByteOffset: o1, as: P2.self)),
                  highHalf: SIMD4(lowHalf: base.loadUnaligned(fromByteOffset: o2, as: P2.self),
                                  highHalf: base.loadUnaligned(fromByteOffset: o3, as: P2.self)))
        let b = V(lowHalf: SIMD4(lowHalf: base.loadUnaligned(fromByteOffset: o4, as: P2.self),
                                 highHalf: base.loadUnaligned(fromByteOffset: o5, as: P2.self)),
                  highHalf: SIMD4(lowHalf: base.loadUnaligned(fromByteOffset: o6, as: P2.self),
                                  highHalf: base.loadUnaligned(fromByteOffset: o7, as: P2.self)))
        return (V(lowHalf: a.evenHalf, highHalf: b.evenHalf), V(lowHalf: a.oddHalf, highHalf: b.oddHalf))
    }

    /// Hull vertices at `slot` of lanes 0 ..< 8 (record slot * 8 + lane): (reduced height, row as Float).
    @inline(__always)
    static func vertices(_ hull: UnsafePointer<SIMD2<Float>>, _ slot: I) -> (H: V, k: V) {
        let o = slot &* 64 &+ I(0, 8, 16, 24, 32, 40, 48, 56)
        return pairs(UnsafeRawPointer(hull), Int(o[0]), Int(o[1]), Int(o[2]), Int(o[3]), Int(o[4]), Int(o[5]), Int(o[6]), Int(o[7]))
    }

    /// Heights of cells (row[j], column[j]) and their right neighbours in the padded targets.
    @inline(__always)
    func heightPairs(rows r: I, columns c: I) -> (V, V) {
        let pitch = frame.pitch, pad = SweepFrame.pad
        @inline(__always) func o(_ j: Int) -> Int { (Int(r[j]) &* pitch &+ pad &+ Int(c[j])) &* 4 }
        return Self.pairs(UnsafeRawPointer(frame.targets.base), o(0), o(1), o(2), o(3), o(4), o(5), o(6), o(7))
    }

    /// Whole numbers in [0, 2^23) as integers (the 2^23 trick).
    @inline(__always)
    static func integers(_ x: V) -> I {
        let magic = V(repeating: 8_388_608)
        return M.bits(x + magic) &- M.bits(magic)
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
        let laneF = V(0, 1, 2, 3, 4, 5, 6, 7)
        let oneI = I(repeating: 1), twoI = I(repeating: 2), zeroI = I(repeating: 0)
        let nothingV = V(repeating: LaneSweepKernel.nothing)
        let hV = V(repeating: observerHeight)
        var n = st.n, hint = st.hint
        var t1d = st.t1d, t1H = st.t1H, t2d = st.t2d, t2H = st.t2H
        var i = st.i
        let end = st.end
        defer { st.n = n; st.hint = hint; st.i = i; st.t1d = t1d; st.t1H = t1H; st.t2d = t2d; st.t2H = t2H }
        while i != end && i >= blockLo && i < blockHi {
            // Insert the line points `lag` rows beyond the observers at i (nearer points are the near field's).
            let p = i &- lagStep
            if p >= 0 && p < P {
                let col0 = L0 &+ Int(fl[p])
                if col0 >= -pad && col0 &+ 9 <= S &+ pad {
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
                        let d = kF * distanceScale + distanceOffset
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
                        // Push (lanes without a point write into their free slot, which stays free).
                        for j in 0..<8 { hull[Int(n[j]) &* 8 &+ j] = SIMD2(H[j], kF) }
                        t2d = M.select(valid, t1d, t2d)
                        t2H = M.select(valid, t1H, t2H)
                        t1d = M.select(valid, dV, t1d)
                        t1H = M.select(valid, H, t1H)
                        n = n &- valid                                    // valid is -1 in lanes with a point
                    }
                }
            }
            // Query the cells whose lower line (a = L + ceil(t i)) and upper line (a - 1) are the lanes' lines.
            let a0 = L0 &+ Int(fl[i]) &+ (fr[i] > 0 ? 1 : 0)
            if a0 &- 1 >= -pad && a0 &+ 8 <= S &+ pad {
                let cell = frame.offset(row: i, column: a0)
                let has = M.lessMask(zeroI, n)
                if M.any(has) {
                    let iF = Float(i)
                    let d = iF * distanceScale + distanceOffset
                    let curv = V(repeating: d * d * inv2R)
                    let top = n &- oneI
                    hint = M.select(M.lessMask(top, hint), top, hint)
                    hint = M.select(M.lessMask(hint, zeroI), zeroI, hint)
                    let zoA = Self.load(zo + cell) + hV
                    let ta = tangent(from: hint, Ho: zoA - curv, d: V(repeating: d), n: n, active: has, hull: hull)
                    let sa = reevaluate(row: ta.k, column: V(repeating: Float(a0)) + laneF, observerRow: iF, zo: zoA)
                    Self.store(M.select(has, sa, nothingV), lower.base + cell)
                    let zoB = Self.load(zo + cell - 1) + hV
                    let tb = tangent(from: ta.v, Ho: zoB - curv, d: V(repeating: d), n: n, active: has, hull: hull)
                    let sb = reevaluate(row: tb.k, column: V(repeating: Float(a0 &- 1)) + laneF, observerRow: iF, zo: zoB)
                    Self.store(M.select(has, sb, nothingV), upper.base + cell - 1)
                    hint = tb.v
                } else {
                    Self.store(nothingV, lower.base + cell)
                    Self.store(nothingV, upper.base + cell - 1)
                }
            }
            i &+= di
        }
    }

    /// The hull vertex tangent from each lane's observer (reduced height Ho at distance d), found by
    /// walking from slot `v0` (slopes along the hull are unimodal from an observer in front of it): up
    /// while the newer vertex is steeper, else down while the older one is steeper. Lanes not `active`
    /// (mask) stay where they are. Returns the slot and its row.
    @inline(__always)
    func tangent(from v0: I, Ho: V, d: V, n: I, active: I, hull: UnsafePointer<SIMD2<Float>>) -> (v: I, k: V) {
        let oneI = I(repeating: 1), zeroI = I(repeating: 0)
        var v = v0
        var (Hv, kv) = Self.vertices(hull, v)
        var dv = distance(kv)
        let up = v &+ oneI
        let upOK = active & M.lessMask(up, n)
        var u = (steeper: zeroI, H: Hv, k: kv, d: dv)
        if M.any(upOK) { u = probe(up, where: upOK, from: v, Hv: Hv, dv: dv, Ho: Ho, d: d, hull: hull) }
        let down = v &- oneI
        let downOK = active & ~u.steeper & M.lessMask(zeroI, v)
        var w = (steeper: zeroI, H: Hv, k: kv, d: dv)
        if M.any(downOK) { w = probe(down, where: downOK, from: v, Hv: Hv, dv: dv, Ho: Ho, d: d, hull: hull) }
        var moving = u.steeper | w.steeper
        if !M.any(moving) { return (v, kv) }
        // Direction +1 (up lanes, mask -1) or -1 (down lanes), 0 elsewhere.
        let dir = (zeroI &- u.steeper) &+ w.steeper
        v = v &+ dir
        Hv = M.select(u.steeper, u.H, M.select(w.steeper, w.H, Hv))
        kv = M.select(u.steeper, u.k, M.select(w.steeper, w.k, kv))
        dv = M.select(u.steeper, u.d, M.select(w.steeper, w.d, dv))
        while M.any(moving) {
            let next = v &+ dir
            let ok = moving & ~(next &>> 31) & M.lessMask(next, n)
            let x = probe(next, where: ok, from: v, Hv: Hv, dv: dv, Ho: Ho, d: d, hull: hull)
            v = M.select(x.steeper, next, v)
            Hv = M.select(x.steeper, x.H, Hv)
            kv = M.select(x.steeper, x.k, kv)
            dv = M.select(x.steeper, x.d, dv)
            moving = x.steeper
        }
        return (v, kv)
    }

    /// Distance along the ray of rows `k`.
    @inline(__always)
    func distance(_ k: V) -> V { k * V(repeating: distanceScale) + V(repeating: distanceOffset) }

    /// The vertices at `slot` in lanes `ok` (at `v` elsewhere) and whether each is steeper than the
    /// vertex (Hv, dv) from the observer (Ho, d): (H_u - Ho)(d_v - d) > (H_v - Ho)(d_u - d), i.e. rhs - lhs < 0.
    @inline(__always)
    func probe(_ slot: I, where ok: I, from v: I, Hv: V, dv: V, Ho: V, d: V,
               hull: UnsafePointer<SIMD2<Float>>) -> (steeper: I, H: V, k: V, d: V) {
        let (H, k) = Self.vertices(hull, M.select(ok, slot, v))
        let du = distance(k)
        return (ok & M.signMask((Hv - Ho) * (du - d) - (H - Ho) * (dv - d)), H, k, du)
    }

    /// Slope of the exact ray through each lane's cell centre (`column`, `observerRow`) near row `k` (the
    /// tangent vertex's row): the larger of the two ray samples that bracket the ray's crossing of row k.
    /// Samples are taken every half smaller cell with bilinear heights, as the near field and a
    /// ray-marching reference take them, so the horizon is the maximum over the ray's half-cell samples
    /// (the reference's own quantity) and the hull only decides where along the ray to look: on oblique
    /// rays a row-crossing height would sit between samples and disagree with them on rough ground.
    /// Samples beyond the rectangle of cell centres count as nothing.
    @inline(__always)
    func reevaluate(row k: V, column c: V, observerRow i: Float, zo: V) -> V {
        let one = V(repeating: 1)
        let crossing = M.abs(k - V(repeating: i)) * V(repeating: samplesPerRow)
        let n0 = M.max(crossing.rounded(.down), one)
        return M.max(sample(n0, column: c, row: i, zo: zo), sample(n0 + one, column: c, row: i, zo: zo))
    }

    /// Slope to ray sample n (a whole number >= 1) from the lanes' cells (column c, row i).
    @inline(__always)
    func sample(_ n: V, column c: V, row i: Float, zo: V) -> V {
        let zero = V(repeating: 0), one = V(repeating: 1)
        let pc = c + n * V(repeating: sampleColumns), pr = V(repeating: i) + n * V(repeating: sampleRows)
        let lastC = V(repeating: Float(g.columns - 1)), lastR = V(repeating: Float(g.rows - 1))
        let outside = M.signMask(pc) | M.signMask(pr) | M.signMask(lastC - pc) | M.signMask(lastR - pr)
        // Support cell (clamped so that the right/lower neighbour exists; weights may then reach 1).
        let c0 = M.max(M.min(pc.rounded(.down), lastC - one), zero)
        let r0 = M.max(M.min(pr.rounded(.down), lastR - one), zero)
        let wx = M.select(outside, zero, pc - c0), wy = M.select(outside, zero, pr - r0)
        let ci = Self.integers(M.select(outside, zero, c0)), ri = Self.integers(M.select(outside, zero, r0))
        let below = Self.integers(M.min(M.select(outside, zero, r0) + one, lastR))
        let (z00, z01) = heightPairs(rows: ri, columns: ci)
        let (z10, z11) = heightPairs(rows: below, columns: ci)
        let top = z00 + wx * (z01 - z00), bottom = z10 + wx * (z11 - z10)
        let z = top + wy * (bottom - top)
        let slope = (z - zo) / (n * V(repeating: sampleStep)) - n * V(repeating: sampleCurv)
        return M.select(outside, V(repeating: LaneSweepKernel.nothing), slope)
    }
}
