import GeoRaster

/// Final pass over rows: slope = max(the hull query's slope, near-field samples), NaN for nodata
/// observers, then degrees. Reads the padded buffers of a `SweepFrame`, takes the maxima in the padded
/// slopes buffer itself (each row belongs to one worker), writes unpadded rows.
///
/// The near field is a stencil (`NearField`: every sample sits at the same offset from every cell, so
/// its bilinear weights are shared): inside the columns where every sample's support lies in the grid,
/// 32 columns at a time take all samples with their maxima held in registers; edge columns go one by one
/// with the same arithmetic.
struct FinalPass: @unchecked Sendable {
    typealias V = VectorMath.V
    let near: NearField
    let width: Int, height: Int
    /// Padded: cell (r, c) at r * pitch + pad + c.
    let pitch: Int, pad: Int
    let zo: UnsafePointer<Float>, zb: UnsafePointer<Float>
    let slopes: SharedPointer<Float>
    /// Unpadded output, row-major.
    let out: SharedPointer<Float>
    let h: Float
    /// The samples' support rows span r + lowestRow ... r + highestRow (dr0 and the row below it).
    let lowestRow: Int, highestRow: Int

    init(near: NearField, frame: SweepFrame, slopes: SharedPointer<Float>, out: SharedPointer<Float>, observerHeight: Float) {
        self.near = near
        lowestRow = near.samples.map(\.dr0).min() ?? 0
        highestRow = (near.samples.map(\.dr0).max() ?? 0) + 1
        width = frame.width; height = frame.height
        pitch = frame.pitch; pad = SweepFrame.pad
        zo = UnsafePointer(frame.observers.base); zb = UnsafePointer(frame.targets.base)
        self.slopes = slopes; self.out = out
        h = observerHeight
    }

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }

    /// A sample's terms for one row: the two support rows and the negated slope offset (curvature drop
    /// plus the observer height over the distance), so that the slope is one fused multiply-add:
    /// (z - zo) / s - cv.
    struct RowSample {
        var pa: UnsafePointer<Float>, pb: UnsafePointer<Float>
        var dc0: Int, dc1: Int
        var wx: Float, wy: Float, invS: Float, negCv: Float
    }

    /// a + w (b - a), one fused multiply-add: every interpolation of the stencil (the scalar edge path
    /// spells the same operations).
    @inline(__always)
    static func lerp(_ a: V, _ b: V, _ w: Float) -> V { a.addingProduct(V(repeating: w), b - a) }

    /// Interpolated across the row: the heights at the 8 columns from `x` of sample `sp`'s support row `p`.
    @inline(__always)
    static func across(_ p: UnsafePointer<Float>, _ sp: RowSample, at x: Int) -> V {
        lerp(load(p + (x &+ sp.dc0)), load(p + (x &+ sp.dc1)), sp.wx)
    }

    /// Bilinear height of sample `sp` at the 8 columns from `x`.
    @inline(__always)
    static func height(_ sp: RowSample, at x: Int) -> V {
        let ta = across(sp.pa, sp, at: x)
        if sp.wy == 0 { return ta }
        return lerp(ta, across(sp.pb, sp, at: x), sp.wy)
    }

    /// Slope of sample `sp` at height `z` from observers at ground height `zo`: (z - zo) / s - cv.
    @inline(__always)
    static func slope(_ sp: RowSample, _ z: V, from zo: V) -> V {
        V(repeating: sp.negCv).addingProduct(z - zo, V(repeating: sp.invS))
    }

    /// Raises the slopes of the 32 columns from `c` to every sample's, with the accumulators and observer
    /// heights held in registers across the samples (one load and store of each per row, not per sample).
    @inline(__always)
    static func interior4(_ list: UnsafeBufferPointer<RowSample>, at c: Int, acc: UnsafeMutablePointer<Float>, zo: UnsafePointer<Float>) {
        var a0 = load(acc + c), a1 = load(acc + (c + 8)), a2 = load(acc + (c + 16)), a3 = load(acc + (c + 24))
        let z0 = load(zo + c), z1 = load(zo + (c + 8)), z2 = load(zo + (c + 16)), z3 = load(zo + (c + 24))
        for sp in list {
            a0 = VectorMath.max(a0, slope(sp, height(sp, at: c), from: z0))
            a1 = VectorMath.max(a1, slope(sp, height(sp, at: c + 8), from: z1))
            a2 = VectorMath.max(a2, slope(sp, height(sp, at: c + 16), from: z2))
            a3 = VectorMath.max(a3, slope(sp, height(sp, at: c + 24), from: z3))
        }
        store(a0, acc + c); store(a1, acc + (c + 8)); store(a2, acc + (c + 16)); store(a3, acc + (c + 24))
    }

    /// As `interior4` for the 8 columns from `c`.
    @inline(__always)
    static func interior1(_ list: UnsafeBufferPointer<RowSample>, at c: Int, acc: UnsafeMutablePointer<Float>, zo: UnsafePointer<Float>) {
        var a0 = load(acc + c)
        let z0 = load(zo + c)
        for sp in list { a0 = VectorMath.max(a0, slope(sp, height(sp, at: c), from: z0)) }
        store(a0, acc + c)
    }

    /// One column near the grid's edge: the samples whose 2 x 2 support lies inside the grid.
    @inline(__always)
    static func edge(_ list: UnsafeBufferPointer<RowSample>, column c: Int, width W: Int, acc: UnsafeMutablePointer<Float>, zo: UnsafePointer<Float>) {
        var best = acc[c]
        for sp in list where c &+ sp.dc0 >= 0 && c &+ sp.dc1 <= W - 1 {
            // The vector path's arithmetic (fused multiply-adds), so results do not depend on the path.
            let a0 = sp.pa[c + sp.dc0], b0 = sp.pb[c + sp.dc0]
            let ta = a0.addingProduct(sp.wx, sp.pa[c + sp.dc1] - a0)
            let zs = sp.wy == 0 ? ta : ta.addingProduct(sp.wy, b0.addingProduct(sp.wx, sp.pb[c + sp.dc1] - b0) - ta)
            let s = sp.negCv.addingProduct(zs - zo[c], sp.invS)
            if s > best { best = s }
        }
        acc[c] = best
    }

    @inline(__always)
    static func store(_ v: V, _ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self) }

    /// Four rows at once, 8 columns from `c`: sample n of rows r ..< r + 4 reads support rows
    /// r + dr0 ..< r + dr0 + 5, each row's horizontal interpolation serving two output rows (the lower
    /// support row of row r is the upper one of row r + 1), so 10 loads make 4 samples instead of 16.
    /// Arithmetic as `height` (a sample with wy == 0 adds 0 times the lower row: the same value).
    /// `list` is prepared for row r; every sample's support rows must lie in the grid for all four rows.
    @inline(__always)
    static func interiorRows4(_ list: UnsafeBufferPointer<RowSample>, at c: Int, pitch: Int,
                              acc: UnsafeMutablePointer<Float>, zo: UnsafePointer<Float>) {
        var a0 = load(acc + c), a1 = load(acc + (c + pitch)), a2 = load(acc + (c + 2 * pitch)), a3 = load(acc + (c + 3 * pitch))
        let z0 = load(zo + c), z1 = load(zo + (c + pitch)), z2 = load(zo + (c + 2 * pitch)), z3 = load(zo + (c + 3 * pitch))
        for sp in list {
            @inline(__always) func row(_ k: Int) -> V { across(sp.pa + k &* pitch, sp, at: c) }
            let h0 = row(0), h1 = row(1), h2 = row(2), h3 = row(3), h4 = row(4)
            a0 = VectorMath.max(a0, slope(sp, lerp(h0, h1, sp.wy), from: z0))
            a1 = VectorMath.max(a1, slope(sp, lerp(h1, h2, sp.wy), from: z1))
            a2 = VectorMath.max(a2, slope(sp, lerp(h2, h3, sp.wy), from: z2))
            a3 = VectorMath.max(a3, slope(sp, lerp(h3, h4, sp.wy), from: z3))
        }
        store(a0, acc + c); store(a1, acc + (c + pitch)); store(a2, acc + (c + 2 * pitch)); store(a3, acc + (c + 3 * pitch))
    }

    /// Prepares the samples whose support rows lie in the grid for row `r` into `prepared`; returns their
    /// count and the columns cA ... cB where every one of them has its whole 2 x 2 support inside the grid.
    func prepare(_ smp: UnsafeBufferPointer<NearField.Sample>, row r: Int, into prepared: UnsafeMutablePointer<RowSample>) -> (count: Int, cA: Int, cB: Int) {
        let W = width, H = height
        var m = 0
        var cA = 0, cB = W - 1
        for sp in smp {
            let ra = r &+ sp.dr0, rb = r &+ sp.dr1
            if ra < 0 || rb < 0 || ra >= H || rb >= H { continue }
            prepared[m] = RowSample(pa: zb + ra * pitch + pad, pb: zb + rb * pitch + pad, dc0: sp.dc0, dc1: sp.dc1,
                                    wx: sp.wx, wy: sp.wy, invS: sp.invS, negCv: -(sp.curv + h * sp.invS))
            cA = Swift.max(cA, -sp.dc0)
            cB = Swift.min(cB, W - 1 - sp.dc1)
            m += 1
        }
        return (m, cA, cB)
    }

    func run(rows: Range<Int>) {
        let W = width, H = height
        let prepared = UnsafeMutablePointer<RowSample>.allocate(capacity: max(1, near.samples.count))
        defer { prepared.deallocate() }
        // Rows whose samples all have both support rows r + dr0 and r + dr0 + 1 inside the grid go four
        // at a time (`interiorRows4`); the others, and a range's last rows, one at a time.
        near.samples.withUnsafeBufferPointer { smp in
            var r = rows.lowerBound
            while r < rows.upperBound {
                let quad = r + 4 <= rows.upperBound && r + lowestRow >= 0 && r + 3 + highestRow < H && !smp.isEmpty
                let span = quad ? 4 : 1
                let (m, cA0, cB) = prepare(smp, row: r, into: prepared)
                var cA = cA0
                let acc = slopes.base + (r * pitch + pad)
                let o = zo + (r * pitch + pad)
                var c = cA
                if cA <= cB {
                    let list = UnsafeBufferPointer(start: prepared, count: m)
                    if quad {
                        while c + 8 <= cB + 1 {
                            FinalPass.interiorRows4(list, at: c, pitch: pitch, acc: acc, zo: o)
                            c += 8
                        }
                    } else {
                        while c + 32 <= cB + 1 {
                            FinalPass.interior4(list, at: c, acc: acc, zo: o)
                            c += 32
                        }
                        while c + 8 <= cB + 1 {
                            FinalPass.interior1(list, at: c, acc: acc, zo: o)
                            c += 8
                        }
                    }
                } else {
                    c = 0; cA = 0                            // no interior: every column is an edge column
                }
                for k in 0..<span {
                    let rk = r + k
                    let m = k == 0 ? m : prepare(smp, row: rk, into: prepared).count
                    let list = UnsafeBufferPointer(start: prepared, count: m)
                    let acc = slopes.base + (rk * pitch + pad), o = zo + (rk * pitch + pad)
                    // Edge columns (some support outside the grid) and the interior's last few: one by one.
                    for cc in 0..<Swift.min(cA, W) { FinalPass.edge(list, column: cc, width: W, acc: acc, zo: o) }
                    for cc in c..<W { FinalPass.edge(list, column: cc, width: W, acc: acc, zo: o) }
                    finish(row: rk, acc: acc, observers: o)
                }
                r += span
            }
        }
    }

    /// Degrees for row `r` from its slopes; nodata observers (stored as `deep`) become NaN.
    @inline(__always)
    func finish(row r: Int, acc: UnsafeMutablePointer<Float>, observers o: UnsafePointer<Float>) {
        let W = width
        let op = out.base + r * W
        let deg = V(repeating: 180 / .pi), nan = V(repeating: .nan), limit = V(repeating: SweepFrame.deepLimit)
        var c = 0
        while c + 8 <= W {
            let a = FinalPass.load(acc + c), zz = FinalPass.load(o + c)
            UnsafeMutableRawPointer(op + c).storeBytes(of: VectorMath.selectNegative(zz - limit, nan, VectorMath.atan(a) * deg), as: V.self)
            c += 8
        }
        while c < W {
            op[c] = o[c] < SweepFrame.deepLimit ? .nan : VectorMath.atan(V(repeating: acc[c]))[0] * deg[0]
            c += 1
        }
    }
}
