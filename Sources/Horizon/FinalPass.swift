import GeoRaster

/// Final pass over rows: slope = max(lower line, upper line, near-field samples, exit sample), NaN for
/// nodata observers, then degrees. Reads the padded buffers of a `SweepFrame`; writes unpadded rows.
struct FinalPass: @unchecked Sendable {
    typealias V = VectorMath.V
    let near: NearField
    let width: Int, height: Int
    /// Padded: cell (r, c) at r * pitch + pad + c.
    let pitch: Int, pad: Int
    let zo: UnsafePointer<Float>, zb: UnsafePointer<Float>
    let lower: UnsafePointer<Float>, upper: UnsafePointer<Float>
    /// Unpadded output, row-major.
    let out: SharedPointer<Float>
    let h: Float

    init(near: NearField, frame: SweepFrame, lower: UnsafePointer<Float>, upper: UnsafePointer<Float>,
         out: SharedPointer<Float>, observerHeight: Float) {
        self.near = near
        width = frame.width; height = frame.height
        pitch = frame.pitch; pad = SweepFrame.pad
        zo = UnsafePointer(frame.observers.base); zb = UnsafePointer(frame.targets.base)
        self.lower = lower; self.upper = upper; self.out = out
        h = observerHeight
    }

    /// The ray's last sample inside the rectangle of cell centres (a ray-marching reference's last sample
    /// before leaving the DEM): on ground rising toward the edge the horizon is the edge itself, which the
    /// hull of a line that leaves the grid at a different place does not hold. Sample n of a cell sits at
    /// n (colStep, rowStep) from its centre; the last one has n = floor(min(steps to the column edge,
    /// steps to the row edge)). acc = max(acc, slope of that sample) for the cells of row r.
    @inline(__always)
    func exitSamples(row r: Int, acc: UnsafeMutablePointer<Float>, gather: UnsafeMutablePointer<Float>) {
        let W = width, H = height
        let cs = near.colStep, rs = near.rowStep
        let rowLim: Float = rs > 0 ? Float(Double(H - 1 - r) / rs) : (rs < 0 ? Float(Double(r) / -rs) : .infinity)
        // Steps to the column edge: (colA - c) * colB.
        let colA: Float = cs > 0 ? Float(W - 1) : 0
        let colB: Float = cs == 0 ? 0 : Float(1 / cs)
        let colInf: Float = cs == 0 ? .infinity : 0
        let csF = V(repeating: Float(cs)), rsF = V(repeating: Float(rs))
        let ds = near.step
        let invDs = V(repeating: Float(1 / ds)), curvPer = V(repeating: Float(ds * near.inv2R))
        let hV = V(repeating: h)
        let lane = V(0, 1, 2, 3, 4, 5, 6, 7)
        let maxC = Float(max(0, W - 2)), maxR = Float(max(0, H - 2))
        let c1 = W > 1 ? 1 : 0, r1 = H > 1 ? pitch : 0
        let rowF = V(repeating: Float(r))
        let zr = zo + r * pitch + pad
        let one = V(repeating: 1), zero = V(repeating: 0), tiny = V(repeating: 1e-5)
        var c = 0
        while c < W {
            let cv = VectorMath.min(V(repeating: Float(c)) + lane, V(repeating: Float(W - 1)))
            var colLim = (V(repeating: colA) - cv) * V(repeating: colB) + V(repeating: colInf)
            colLim = VectorMath.min(colLim, V(repeating: rowLim))   // one of them is finite
            let nf = (colLim + V(repeating: 1e-3)).rounded(.down)
            let n = VectorMath.selectNegative(nf - one, one, nf)     // n < 1: no sample (masked below)
            let pc = cv + n * csF, pr = rowF + n * rsF
            var c0 = pc.rounded(.down), r0 = pr.rounded(.down)
            c0 = VectorMath.min(VectorMath.max(c0, zero), V(repeating: maxC))
            r0 = VectorMath.min(VectorMath.max(r0, zero), V(repeating: maxR))
            var wx = VectorMath.min(VectorMath.max(pc - c0, zero), one)
            var wy = VectorMath.min(VectorMath.max(pr - r0, zero), one)
            // Snap weights within 1e-5 of 0 or 1.
            wx = VectorMath.selectNegative(wx - tiny, zero, VectorMath.selectNegative(one - tiny - wx, one, wx))
            wy = VectorMath.selectNegative(wy - tiny, zero, VectorMath.selectNegative(one - tiny - wy, one, wy))
            // Integer indices by the 2^23 trick (c0, r0 are whole numbers in [0, 2^23)), then the four corners.
            let magic = V(repeating: 8_388_608)
            let ci = VectorMath.bits(c0 + magic) &- VectorMath.bits(magic)
            let ri = VectorMath.bits(r0 + magic) &- VectorMath.bits(magic)
            for l in 0..<8 {
                let b = Int(ri[l]) &* pitch &+ pad &+ Int(ci[l])
                gather[l] = zb[b]; gather[8 &+ l] = zb[b &+ c1]
                gather[16 &+ l] = zb[b &+ r1]; gather[24 &+ l] = zb[b &+ r1 &+ c1]
            }
            let g = UnsafeRawPointer(gather)
            let z00 = g.loadUnaligned(as: V.self), z01 = g.loadUnaligned(fromByteOffset: 32, as: V.self)
            let z10 = g.loadUnaligned(fromByteOffset: 64, as: V.self), z11 = g.loadUnaligned(fromByteOffset: 96, as: V.self)
            // Convex combinations (exact at weights 0 and 1, so nodata neighbours with zero weight do not leak).
            let a = z00 * (one - wx) + z01 * wx, b = z10 * (one - wx) + z11 * wx
            let zs = a * (one - wy) + b * wy
            // Whole vectors: the row padding covers the columns past W.
            let zoV = UnsafeRawPointer(zr + c).loadUnaligned(as: V.self)
            let invS = invDs / n
            var slope = (zs - zoV) * invS - (n * curvPer + hV * invS)
            slope = VectorMath.selectNegative(nf - one, V(repeating: LaneSweepKernel.nothing), slope)
            let m = Swift.min(8, W - c)
            if m == 8 {
                let cur = UnsafeRawPointer(acc + c).loadUnaligned(as: V.self)
                UnsafeMutableRawPointer(acc + c).storeBytes(of: VectorMath.max(cur, slope), as: V.self)
            } else {
                for l in 0..<m where slope[l] > acc[c + l] { acc[c + l] = slope[l] }
            }
            c += 8
        }
    }

    func run(rows: Range<Int>) {
        let W = width, H = height
        let acc = UnsafeMutablePointer<Float>.allocate(capacity: W + 8)
        let gather = UnsafeMutablePointer<Float>.allocate(capacity: 32)
        defer { acc.deallocate(); gather.deallocate() }
        near.samples.withUnsafeBufferPointer { smp in
            for r in rows {
                let row = r * pitch + pad
                // acc = max(lower, upper); whole vectors (the padding covers the columns past W).
                var c = 0
                while c < W {
                    let a = UnsafeRawPointer(lower + row + c).loadUnaligned(as: V.self)
                    let b = UnsafeRawPointer(upper + row + c).loadUnaligned(as: V.self)
                    UnsafeMutableRawPointer(acc + c).storeBytes(of: VectorMath.max(a, b), as: V.self)
                    c += 8
                }
                let o = zo + row
                for sp in smp {
                    let ra = r + sp.dr0, rb = r + sp.dr1
                    if ra < 0 || rb < 0 || ra >= H || rb >= H { continue }
                    let cLo = Swift.max(0, -sp.dc0), cHi = Swift.min(W - 1 - sp.dc1, W - 1)
                    if cLo > cHi { continue }
                    let pa = zb + ra * pitch + pad + sp.dc0, pa1 = zb + ra * pitch + pad + sp.dc1
                    let pb = zb + rb * pitch + pad + sp.dc0, pb1 = zb + rb * pitch + pad + sp.dc1
                    let wx = V(repeating: sp.wx), wy = V(repeating: sp.wy)
                    let invS = V(repeating: sp.invS), cv = V(repeating: sp.curv + h * sp.invS)
                    var c = cLo
                    while c + 8 <= cHi + 1 {
                        let a0 = UnsafeRawPointer(pa + c).loadUnaligned(as: V.self)
                        let a1 = UnsafeRawPointer(pa1 + c).loadUnaligned(as: V.self)
                        let b0 = UnsafeRawPointer(pb + c).loadUnaligned(as: V.self)
                        let b1 = UnsafeRawPointer(pb1 + c).loadUnaligned(as: V.self)
                        let ta = a0.addingProduct(wx, a1 - a0), tb = b0.addingProduct(wx, b1 - b0)
                        let zs = ta.addingProduct(wy, tb - ta)
                        let zz = UnsafeRawPointer(o + c).loadUnaligned(as: V.self)
                        let s = (zs - zz) * invS - cv
                        let cur = UnsafeRawPointer(acc + c).loadUnaligned(as: V.self)
                        UnsafeMutableRawPointer(acc + c).storeBytes(of: VectorMath.max(cur, s), as: V.self)
                        c += 8
                    }
                    while c <= cHi {
                        let ta = pa[c] + sp.wx * (pa1[c] - pa[c]), tb = pb[c] + sp.wx * (pb1[c] - pb[c])
                        let zs = ta + sp.wy * (tb - ta)
                        let s = (zs - o[c]) * sp.invS - (sp.curv + h * sp.invS)
                        if s > acc[c] { acc[c] = s }
                        c += 1
                    }
                }
                exitSamples(row: r, acc: acc, gather: gather)
                // Degrees; nodata observers (stored as `deep`) become NaN.
                let op = out.base + r * W
                let deg = V(repeating: 180 / .pi), nan = V(repeating: .nan), limit = V(repeating: SweepFrame.deepLimit)
                c = 0
                while c + 8 <= W {
                    let a = UnsafeRawPointer(acc + c).loadUnaligned(as: V.self)
                    let zz = UnsafeRawPointer(o + c).loadUnaligned(as: V.self)
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
