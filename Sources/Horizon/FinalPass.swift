import GeoRaster

/// Final pass over rows: slope = max(the hull query's slope, near-field samples), NaN for nodata
/// observers, then degrees. Reads the padded buffers of a `SweepFrame`, takes the maxima in the padded
/// slopes buffer itself (each row belongs to one worker), writes unpadded rows.
///
/// The near field is a stencil (`NearField`: every sample sits at the same offset from every cell, so
/// its bilinear weights are shared), streamed sample by sample along the row in whole vectors.
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

    /// One sample's slopes at the 8 columns from `c`: bilinear height at the shared offset, minus the
    /// observer's height `zz`, over the distance, minus `cv` (the curvature drop and the observer height
    /// over the distance).
    @inline(__always)
    static func slope(_ sp: NearField.Sample, cv: Float, rowA pa: UnsafePointer<Float>, rowB pb: UnsafePointer<Float>,
                      at c: Int, zz: V) -> V {
        let a0 = load(pa + (c &+ sp.dc0)), a1 = load(pa + (c &+ sp.dc1))
        let ta = a0.addingProduct(V(repeating: sp.wx), a1 - a0)
        var zs = ta
        if sp.wy != 0 {
            let b0 = load(pb + (c &+ sp.dc0)), b1 = load(pb + (c &+ sp.dc1))
            let tb = b0.addingProduct(V(repeating: sp.wx), b1 - b0)
            zs = ta.addingProduct(V(repeating: sp.wy), tb - ta)
        }
        return (zs - zz) * V(repeating: sp.invS) - V(repeating: cv)
    }

    func run(rows: Range<Int>) {
        let W = width, H = height
        near.samples.withUnsafeBufferPointer { smp in
            for r in rows {
                let row = r * pitch + pad
                let o = zo + row
                // The hull query's slopes, raised to the near-field samples' in place.
                let acc = slopes.base + row
                var c = 0
                for sp in smp {
                    let ra = r &+ sp.dr0, rb = r &+ sp.dr1
                    if ra < 0 || rb < 0 || ra >= H || rb >= H { continue }
                    // Cells whose 2 x 2 support lies inside the grid.
                    let cLo = Swift.max(0, -sp.dc0), cHi = Swift.min(W - 1 - sp.dc1, W - 1)
                    if cLo > cHi { continue }
                    let pa = zb + ra * pitch + pad, pb = zb + rb * pitch + pad
                    let cv = sp.curv + h * sp.invS
                    c = cLo
                    while c + 8 <= cHi + 1 {
                        let s = FinalPass.slope(sp, cv: cv, rowA: pa, rowB: pb, at: c, zz: FinalPass.load(o + c))
                        UnsafeMutableRawPointer(acc + c).storeBytes(of: VectorMath.max(FinalPass.load(acc + c), s), as: V.self)
                        c += 8
                    }
                    while c <= cHi {
                        let ta = pa[c + sp.dc0] + sp.wx * (pa[c + sp.dc1] - pa[c + sp.dc0])
                        let tb = pb[c + sp.dc0] + sp.wx * (pb[c + sp.dc1] - pb[c + sp.dc0])
                        let zs = ta + sp.wy * (tb - ta)
                        let s = (zs - o[c]) * sp.invS - cv
                        if s > acc[c] { acc[c] = s }
                        c += 1
                    }
                }
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
