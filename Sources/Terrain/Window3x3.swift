/// A 3 x 3 neighbourhood, row-major: w[0] w[1] w[2] / w[3] w[4] w[5] / w[6] w[7] w[8]
/// (row 0 is the row above, "up" in the raster).
///
/// Missing neighbours (outside the raster, or nodata) are filled by linear extrapolation so the
/// finite-difference stencils become one-sided differences at edges and holes:
/// 1. along columns: a missing top/bottom value is 2 x middle - opposite, when both exist;
/// 2. then along rows: a missing left/right value is 2 x middle - opposite, when both exist;
/// 3. anything still missing takes the centre value (zero gradient in that direction).
/// For a cell on the top edge, Horn's dz/dy then becomes ((d + 2e + f) - (g + 2h + i)) / (4 dy), the
/// one-sided difference. A NaN centre stays NaN.
@usableFromInline
struct Window3x3 {
    @usableFromInline var w: (Float, Float, Float, Float, Float, Float, Float, Float, Float)

    @inlinable
    init(up: UnsafePointer<Float>, mid: UnsafePointer<Float>, down: UnsafePointer<Float>, column c: Int, width: Int) {
        @inline(__always) func at(_ row: UnsafePointer<Float>, _ x: Int) -> Float { (x < 0 || x >= width) ? .nan : row[x] }
        w = (at(up, c - 1), at(up, c), at(up, c + 1),
             at(mid, c - 1), at(mid, c), at(mid, c + 1),
             at(down, c - 1), at(down, c), at(down, c + 1))
    }

    @inlinable var centre: Float { w.4 }

    /// The raw (unfilled) extremes for roughness, ignoring missing neighbours.
    @inlinable
    var range: Float {
        guard !w.4.isNaN else { return .nan }
        var lo = w.4, hi = w.4
        withUnsafeBytes(of: w) { raw in
            for v in raw.bindMemory(to: Float.self) where !v.isNaN {
                lo = Swift.min(lo, v)
                hi = Swift.max(hi, v)
            }
        }
        return hi - lo
    }

    /// Fills missing neighbours by the extrapolation rule above.
    @inlinable
    mutating func fillMissing() {
        withUnsafeMutableBytes(of: &w) { raw in
            let v = raw.bindMemory(to: Float.self)
            // Columns: indices (top, middle, bottom).
            for c in 0..<3 {
                let t = c, m = 3 + c, b = 6 + c
                if v[m].isNaN { continue }
                if v[t].isNaN && !v[b].isNaN { v[t] = 2 * v[m] - v[b] }
                else if v[b].isNaN && !v[t].isNaN { v[b] = 2 * v[m] - v[t] }
            }
            // Rows: indices (left, middle, right).
            for r in 0..<3 {
                let l = 3 * r, m = 3 * r + 1, rt = 3 * r + 2
                if v[m].isNaN { continue }
                if v[l].isNaN && !v[rt].isNaN { v[l] = 2 * v[m] - v[rt] }
                else if v[rt].isNaN && !v[l].isNaN { v[rt] = 2 * v[m] - v[l] }
            }
            for k in 0..<9 where v[k].isNaN { v[k] = v[4] }
        }
    }

    /// Sums of the stencil in gdaldem's order: (left, right, up, down) for Horn, or the four edge
    /// neighbours' differences for Zevenbergen-Thorne. Returns (right - left, up - down) unscaled.
    @inlinable
    func differences(_ algorithm: SlopeAlgorithm) -> (dx: Float, dy: Float) {
        switch algorithm {
        case .horn:
            let left = w.0 + w.3 + w.3 + w.6
            let right = w.2 + w.5 + w.5 + w.8
            let up = w.0 + w.1 + w.1 + w.2
            let down = w.6 + w.7 + w.7 + w.8
            return (right - left, up - down)
        case .zevenbergenThorne:
            return (w.5 - w.3, w.1 - w.7)
        }
    }
}
