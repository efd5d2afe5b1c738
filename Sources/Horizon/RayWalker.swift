import FarSideCore

/// What the hull query leaves for a cell (`LaneSweepKernel`), as one Float: the row of the tangent
/// vertex on the cell's nearest line (>= 0); `farEnd(row:)` when that vertex is the line's farthest point
/// (the ray may rise on to its own exit from the DEM, which is up to half a cell beside the line's);
/// `noHull` when the line has no point beyond the near field.
enum CandidateCode {
    static let noHull: Float = -1

    @inline(__always)
    static func farEnd(row k: LaneMath.V) -> LaneMath.V { -(k + LaneMath.V(repeating: 2)) }

    /// Decodes eight codes: (row, far end?, none?) with row = 0 where there is none.
    @inline(__always)
    static func decode(_ code: VectorMath.V) -> (row: VectorMath.V, farEnd: VectorMath.I, none: VectorMath.I) {
        let isFar = VectorMath.signMask(code + VectorMath.V(repeating: 1.5))
        let isNone = VectorMath.signMask(code) & ~isFar
        let row = VectorMath.select(isFar, -code - VectorMath.V(repeating: 2), VectorMath.select(isNone, .zero, code))
        return (row, isFar, isNone)
    }
}

/// Exact maxima (`RayPiece`) along the rays of eight cells of one frame row over per-lane ranges of row
/// steps: the windows around the hull's candidates, and the near field where its stencil would leave the
/// grid. Positions along a ray are in row steps u (row i + dir u, column c + t u, u step metres away);
/// every row interval [u, u + 1] is cut where it crosses a column of cell centres, so each piece lies in
/// one cell. Ranges are clamped to the ray's exit from the rectangle of cell centres.
struct RayWalker: @unchecked Sendable {
    typealias V = VectorMath.V
    typealias I = VectorMath.I
    let width: Int, height: Int
    let pitch: Int
    /// Padded heights: cell (r, c) at r * pitch + pad + c (`SweepFrame.targets`).
    let heights: UnsafePointer<Float>
    /// Columns per step along the ray (|t| <= 1), rows per step (+1 or -1), metres per step.
    let t: Float, dir: Float, step: Float
    /// The lines' column shift per row index (`LineGeometry.t`).
    let tPerRow: Double
    let k: Float, invR: Float

    init(frame: SweepFrame, geometry: LineGeometry, radius: Double) {
        width = frame.width; height = frame.height
        pitch = frame.pitch
        heights = UnsafePointer(frame.targets.base) + SweepFrame.pad
        dir = geometry.forward ? 1 : -1
        tPerRow = geometry.t
        t = Float(geometry.t) * dir         // the geometry's t is per row index, not per step along the ray
        step = Float(geometry.step)
        k = Float(1 / (2 * radius))
        invR = Float(1 / radius)
    }

    /// Row steps from cells (row i, columns c) to the ray's last point inside the rectangle of cell centres.
    @inline(__always)
    func exit(row i: Int, columns c: V) -> V {
        let rows = Float(dir > 0 ? height - 1 - i : i)
        if t > 0 { return VectorMath.min(V(repeating: rows), (V(repeating: Float(width - 1)) - c) * V(repeating: 1 / t)) }
        if t < 0 { return VectorMath.min(V(repeating: rows), c * V(repeating: -1 / t)) }
        return V(repeating: rows)
    }

    /// Whole numbers in [0, 2^23) as integers (adding 2^23 puts them in the mantissa's low bits).
    @inline(__always)
    static func integers(_ x: V) -> I {
        let magic = V(repeating: 8_388_608)
        return VectorMath.bits(x + magic) &- VectorMath.bits(magic)
    }

    @inline(__always)
    func gather(_ index: I) -> V {
        var v = V()
        for j in 0..<8 { v[j] = heights[Int(index[j])] }
        return v
    }

    /// Slopes of the rays of cells (row i, columns c) at `u` row steps (bilinear heights; `valid` lanes,
    /// nothing elsewhere).
    @inline(__always)
    func slope(row i: Int, columns c: V, at u: V, zo: V, valid: I) -> V {
        let zero = V(repeating: 0)
        let row = V(repeating: Float(i)) + V(repeating: dir) * u, column = c + V(repeating: t) * u
        let r0 = VectorMath.max(VectorMath.min(row.rounded(.down), V(repeating: Float(Swift.max(0, height - 2)))), zero)
        let c0 = VectorMath.max(VectorMath.min(column.rounded(.down), V(repeating: Float(Swift.max(0, width - 2)))), zero)
        let (z00, z01, z10, z11) = corners(RayWalker.integers(r0) &* Int32(pitch) &+ RayWalker.integers(c0))
        let wx = column - c0, wy = row - r0
        let top = z00 + wx * (z01 - z00), bottom = z10 + wx * (z11 - z10)
        let z = top + wy * (bottom - top)
        let s = u * V(repeating: step)
        let f = RayPiece.slope(z: z, zo: zo, s: s, invS: V(repeating: 1) / s, k: k, invR: invR)
        let limit = V(repeating: SweepFrame.deepLimit)
        let ok = valid & VectorMath.signMask(limit - VectorMath.min(VectorMath.min(z00, z01), VectorMath.min(z10, z11)))
        return VectorMath.select(ok, f, V(repeating: RayPiece.nothing))
    }

    /// Heights at `index` and `index + 1` (a cell and its right neighbour) of eight lanes: eight 64-bit
    /// loads de-interleaved by in-lane shuffles (as `LaneSweepKernel.pairs`).
    @inline(__always)
    func pairs(_ index: I) -> (V, V) {
        let base = UnsafeRawPointer(heights)
        @inline(__always) func at(_ j: Int) -> Double { base.loadUnaligned(fromByteOffset: Int(index[j]) &* 4, as: Double.self) }
        let y0 = unsafeBitCast(SIMD4<Double>(at(0), at(1), at(4), at(5)), to: V.self)
        let y1 = unsafeBitCast(SIMD4<Double>(at(2), at(3), at(6), at(7)), to: V.self)
        return (V(y0[0], y0[2], y1[0], y1[2], y0[4], y0[6], y1[4], y1[6]),
                V(y0[1], y0[3], y1[1], y1[3], y0[5], y0[7], y1[5], y1[7]))
    }

    /// Corners of the cells at `index` (upper left) of eight lanes.
    @inline(__always)
    func corners(_ index: I) -> (V, V, V, V) {
        if width > 1 && height > 1 {
            let (z00, z01) = pairs(index), (z10, z11) = pairs(index &+ Int32(pitch))
            return (z00, z01, z10, z11)
        }
        // A one-row or one-column frame: the missing neighbours repeat the cell (their weight is 0).
        let columnStride: Int32 = width > 1 ? 1 : 0, rowStride = height > 1 ? Int32(pitch) : 0
        return (gather(index), gather(index &+ columnStride), gather(index &+ rowStride), gather(index &+ rowStride &+ columnStride))
    }

    /// The largest slope of the pieces of eight rays (cells at row i, columns c) between ua and ub row
    /// steps, which lie in one cell of the row interval whose upper cell row is r0 (`valid` lanes).
    /// Pieces whose cell cannot beat `best` anywhere are skipped: the slope of the cell's highest corner
    /// at the piece's nearer end (farther end when it is below the observer) bounds the piece's slopes.
    @_transparent
    func piece(row i: Float, columns c: V, r0: V, from ua: V, to ub: V, withStart: Bool, zo: V, valid: I, best: V) -> V {
        let mid = (ua + ub) * V(repeating: 0.5)
        let lastColumn = V(repeating: Float(Swift.max(0, width - 2)))
        let c0 = VectorMath.max(VectorMath.min((c + V(repeating: t) * mid).rounded(.down), lastColumn), V(repeating: 0))
        let xa = (c - c0) + V(repeating: t) * ua
        let ya = (V(repeating: i) - r0) + V(repeating: dir) * ua
        let (z00, z01, z10, z11) = corners(RayWalker.integers(r0) &* Int32(pitch) &+ RayWalker.integers(c0))
        let sa = ua * V(repeating: step), sb = ub * V(repeating: step)
        let top = VectorMath.max(VectorMath.max(z00, z01), VectorMath.max(z10, z11))
        let s = VectorMath.selectNegative(top - zo, sb, sa)
        let bound = RayPiece.slope(z: top, zo: zo, s: sa, invS: V(repeating: 1) / s, k: k, invR: invR)
        let useful = valid & VectorMath.signMask(best - bound)
        if !VectorMath.any(useful) { return best }
        return RayPiece.maximum(z00: z00, z01: z01, z10: z10, z11: z11, xa: xa, ya: ya,
                                cx: V(repeating: t / step), cy: V(repeating: dir / step),
                                sa: sa, invSa: V(repeating: 1) / sa, length: (ub - ua) * V(repeating: step),
                                withStart: withStart, zo: zo, k: k, invR: invR, valid: useful)
    }

    /// The ray's maximum slope over row steps lo ... hi (per lane; nothing where hi <= lo) for observers at
    /// heights `zo` (ground plus observer height) in cells (row i, columns c), at least `best`. Lanes run
    /// in step, so ranges of about the same length (`RayJobs`) waste the least.
    ///
    /// The start of a window matters only at the eye itself (the limit there; elsewhere a window's start is
    /// the end of a piece evaluated before it, or not where the maximum is), so the first pieces include
    /// their starts in all lanes when any lane starts at the eye: `startsAtEye` (the caller's
    /// `any(lo .== 0)` over the eight lanes as they are batched in the whole sweep, `FinalPass.flush`).
    @inline(__always)
    func maximum(row i: Int, columns c: V, from lo: V, to hi: V, zo: V, best: V, startsAtEye: Bool) -> V {
        var best = best
        var u = lo
        let one = V(repeating: 1), zero = V(repeating: 0)
        let iF = Float(i)
        let lastRow = V(repeating: Float(Swift.max(0, height - 2)))
        var first = startsAtEye
        var active = VectorMath.signMask(u - hi)
        while VectorMath.any(active) {
            // To the next row crossing (u is whole except where a window starts one step before an exit).
            let uFloor = u.rounded(.down)
            let u1 = VectorMath.min(uFloor + one, hi)
            // Where the interval crosses a column of cell centres (c is whole, so at t u = whole number).
            var uc = u1
            if t > 0 {
                uc = VectorMath.min(((t * u).rounded(.down) + one) * V(repeating: 1 / t), u1)
            } else if t < 0 {
                uc = VectorMath.min(((t * u).rounded(.up) - one) * V(repeating: 1 / t), u1)
            }
            uc = VectorMath.max(uc, u)
            // The interval's cell row: the row at u, or the one above it when walking up.
            let rowAtU = V(repeating: iF) + V(repeating: dir) * uFloor
            let r0 = VectorMath.max(VectorMath.min(dir > 0 ? rowAtU : rowAtU - one, lastRow), zero)
            best = VectorMath.max(piece(row: iF, columns: c, r0: r0, from: u, to: uc, withStart: first, zo: zo, valid: active,
                                        best: best), best)
            let crossing = active & VectorMath.signMask(uc - u1)
            if VectorMath.any(crossing) {
                best = VectorMath.max(piece(row: iF, columns: c, r0: r0, from: uc, to: u1, withStart: false, zo: zo, valid: crossing,
                                            best: best), best)
            }
            u = u1
            first = false
            active = VectorMath.signMask(u - hi)
        }
        return best
    }
}
