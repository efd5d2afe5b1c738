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

    init(near: NearField, frame: SweepFrame, slopes: SharedPointer<Float>, out: SharedPointer<Float>, observerHeight: Float) {
        self.near = near
        width = frame.width; height = frame.height
        pitch = frame.pitch; pad = SweepFrame.pad
        zo = UnsafePointer(frame.observers.base); zb = UnsafePointer(frame.targets.base)
        self.slopes = slopes; self.out = out
        h = observerHeight
    }

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }

    /// A sample's terms for one row: the two support rows and the slope offset (curvature drop plus
    /// the observer height over the distance).
    struct RowSample {
        var pa: UnsafePointer<Float>, pb: UnsafePointer<Float>
        var dc0: Int, dc1: Int
        var wx: Float, wy: Float, invS: Float, cv: Float
    }

    /// Bilinear height of sample `sp` at the 8 columns from `x`.
    @inline(__always)
    static func height(_ sp: RowSample, at x: Int) -> V {
        let a0 = load(sp.pa + (x &+ sp.dc0)), a1 = load(sp.pa + (x &+ sp.dc1))
        let ta = a0.addingProduct(V(repeating: sp.wx), a1 - a0)
        if sp.wy == 0 { return ta }
        let b0 = load(sp.pb + (x &+ sp.dc0)), b1 = load(sp.pb + (x &+ sp.dc1))
        let tb = b0.addingProduct(V(repeating: sp.wx), b1 - b0)
        return ta.addingProduct(V(repeating: sp.wy), tb - ta)
    }

    /// Raises the slopes of the 32 columns from `c` to every sample's, with the accumulators and observer
    /// heights held in registers across the samples (one load and store of each per row, not per sample).
    @inline(__always)
    static func interior4(_ list: UnsafeBufferPointer<RowSample>, at c: Int, acc: UnsafeMutablePointer<Float>, zo: UnsafePointer<Float>) {
        var a0 = load(acc + c), a1 = load(acc + (c + 8)), a2 = load(acc + (c + 16)), a3 = load(acc + (c + 24))
        let z0 = load(zo + c), z1 = load(zo + (c + 8)), z2 = load(zo + (c + 16)), z3 = load(zo + (c + 24))
        for sp in list {
            let invS = V(repeating: sp.invS), cv = V(repeating: sp.cv)
            a0 = VectorMath.max(a0, (height(sp, at: c) - z0) * invS - cv)
            a1 = VectorMath.max(a1, (height(sp, at: c + 8) - z1) * invS - cv)
            a2 = VectorMath.max(a2, (height(sp, at: c + 16) - z2) * invS - cv)
            a3 = VectorMath.max(a3, (height(sp, at: c + 24) - z3) * invS - cv)
        }
        store(a0, acc + c); store(a1, acc + (c + 8)); store(a2, acc + (c + 16)); store(a3, acc + (c + 24))
    }

    /// As `interior4` for the 8 columns from `c`.
    @inline(__always)
    static func interior1(_ list: UnsafeBufferPointer<RowSample>, at c: Int, acc: UnsafeMutablePointer<Float>, zo: UnsafePointer<Float>) {
        var a0 = load(acc + c)
        let z0 = load(zo + c)
        for sp in list { a0 = VectorMath.max(a0, (height(sp, at: c) - z0) * V(repeating: sp.invS) - V(repeating: sp.cv)) }
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
            let s = (zs - zo[c]) * sp.invS - sp.cv
            if s > best { best = s }
        }
        acc[c] = best
    }

    @inline(__always)
    static func store(_ v: V, _ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self) }

    func run(rows: Range<Int>) {
        let W = width, H = height
        let prepared = UnsafeMutablePointer<RowSample>.allocate(capacity: max(1, near.samples.count))
        defer { prepared.deallocate() }
        near.samples.withUnsafeBufferPointer { smp in
            for r in rows {
                let row = r * pitch + pad
                let o = zo + row
                // The hull query's slopes, raised to the near-field samples' in place.
                let acc = slopes.base + row
                // Samples whose support rows lie in the grid, and the columns where every one of them has
                // its whole 2 x 2 support inside the grid (the vectorised interior).
                var m = 0
                var cA = 0, cB = W - 1
                for sp in smp {
                    let ra = r &+ sp.dr0, rb = r &+ sp.dr1
                    if ra < 0 || rb < 0 || ra >= H || rb >= H { continue }
                    prepared[m] = RowSample(pa: zb + ra * pitch + pad, pb: zb + rb * pitch + pad, dc0: sp.dc0, dc1: sp.dc1,
                                            wx: sp.wx, wy: sp.wy, invS: sp.invS, cv: sp.curv + h * sp.invS)
                    cA = Swift.max(cA, -sp.dc0)
                    cB = Swift.min(cB, W - 1 - sp.dc1)
                    m += 1
                }
                let list = UnsafeBufferPointer(start: prepared, count: m)
                var c = cA
                if cA <= cB {
                    while c + 32 <= cB + 1 {
                        FinalPass.interior4(list, at: c, acc: acc, zo: o)
                        c += 32
                    }
                    while c + 8 <= cB + 1 {
                        FinalPass.interior1(list, at: c, acc: acc, zo: o)
                        c += 8
                    }
                } else {
                    c = 0; cA = 0                            // no interior: every column is an edge column
                }
                // Edge columns (some support outside the grid) and the interior's last few: one by one.
                for cc in 0..<Swift.min(cA, W) { FinalPass.edge(list, column: cc, width: W, acc: acc, zo: o) }
                for cc in c..<W { FinalPass.edge(list, column: cc, width: W, acc: acc, zo: o) }
                // Degrees; nodata observers (stored as `deep`) become NaN.
                let op = out.base + r * W
                let deg = V(repeating: 180 / .pi), nan = V(repeating: .nan), limit = V(repeating: SweepFrame.deepLimit)
                c = 0
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
    }
}
